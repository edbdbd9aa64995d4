"""Pieces every consultations view module uses: who may act, which consultation."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.accounts import permissions
from apps.consultations.models import (
    Consultation,
)


def staff_only(view):
    """Consultation management is for improvement staff (programme managers, RAs, admins)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        permissions.require(permissions.is_staff_role(request.user))
        return view(request, *args, **kwargs)

    return wrapped


def _consultation(slug: str, request: HttpRequest) -> Consultation:
    consultation = get_object_or_404(Consultation, slug=slug)
    if consultation.opens_on > timezone.localdate() and not permissions.is_staff_role(request.user):
        raise Http404("Not yet open")
    return consultation
