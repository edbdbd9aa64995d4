from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from apps.operations.logs import refusal, request_id

logger = logging.getLogger("nlb.requests")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """Gives each request an id (a proxy's X-Request-ID if it looks safe, else a new one), returns
    it in the X-Request-ID header and writes one line when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        rid = offered if _SAFE_ID.match(offered) else uuid.uuid4().hex
        token = request_id.set(rid)
        refusal.set(None)
        request.request_id = rid
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            self._log(request, response, time.perf_counter() - started)
            return response
        finally:
            request_id.reset(token)

    def _log(self, request: HttpRequest, response: HttpResponse, seconds: float) -> None:
        status = response.status_code
        quiet = status < 400 and request.path.startswith((settings.STATIC_URL, "/health/"))
        level = (
            logging.DEBUG
            if quiet
            else logging.INFO
            if status < 400
            else logging.WARNING
            if status < 500
            else logging.ERROR
        )
        if not logger.isEnabledFor(level):
            return
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "ms": round(seconds * 1000, 1),
            "user": _user_id(request),
        }
        if status >= 400 and status < 500:
            fields["reason"] = refusal.get() or response.reason_phrase
        text = " ".join(f"{k}={v}" for k, v in fields.items() if k not in ("method", "path"))
        logger.log(level, f"{request.method} {request.path} {text}", extra=fields)


def _user_id(request: HttpRequest) -> int | str:
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:  # never loaded: don't load now
        return "-"
    return user.pk if user.is_authenticated else "anonymous"
