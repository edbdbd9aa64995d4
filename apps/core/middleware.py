"""Refuse requests carrying NUL bytes before they reach a view: a NUL cannot be stored in a
PostgreSQL text column and has no business in a URL, a form or a JSON body. The answer is a 400
naming the parameter, as JSON for the API and as a page for the web."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL = "\x00"


def nul_problem(request: HttpRequest) -> str | None:
    """Where a NUL byte is in the request (path, query, form or JSON body), or None."""
    if NUL in request.path:
        return "The address contains a NUL byte (%00); remove it."
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in v for v in values):
            return f"The parameter '{name.replace(NUL, '')}' contains a NUL byte (%00)."
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type == "application/json":
            try:
                raw = request.body
            except Exception:  # noqa: BLE001 (too big: Django's own limit answers later)
                return None
            if b"\x00" in raw or b"\\u0000" in raw:
                return "The JSON body contains a NUL character (\\u0000); remove it."
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, values in request.POST.lists():
                if NUL in name or any(NUL in v for v in values):
                    return f"The field '{name.replace(NUL, '')}' contains a NUL byte."
    return None


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = nul_problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": problem}, status=400)
        return render(request, "400.html", {"message": problem}, status=400)
