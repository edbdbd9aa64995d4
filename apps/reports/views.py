"""Index of published documents; each document is rendered by the app that owns its data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts import permissions
from apps.consultations.models import Consultation


def index(request: HttpRequest) -> HttpResponse:
    staff = permissions.is_staff_role(request.user)
    consultations = Consultation.objects.all() if staff else Consultation.objects.public()
    rows = [
        c
        for c in consultations
        if staff or c.report_published or c.responses_published or c.framework_published
    ]
    return render(request, "reports/index.html", {"consultations": rows, "staff": staff})
