"""The Content-Security-Policy forbids inline script: key pages (htmx, the map, GOV.UK Frontend,
the API docs) load in Chromium with no CSP violation and no console error."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

PAGES = [
    "/",
    "/early-warning/",
    "/early-warning/councils/E09000008/",
    "/early-warning/map/",
    "/engagements/",
    "/peers/teams/new/",
    "/consultations/csp-check/respond/",
    "/api/docs",
]


def test_key_pages_raise_no_csp_violation(page, live_server, make_user, sign_in):
    from apps.consultations.models import Consultation

    today = timezone.localdate()
    Consultation.objects.create(
        slug="csp-check",
        title="CSP check",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    make_user(username="csp")
    page.set_default_timeout(120_000)  # a busy machine; nothing here is timed
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    sign_in(page, "csp")
    for path in PAGES:
        errors_before = len(errors)
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("document.body.classList.contains('js-enabled')"), path
        errors[errors_before:] = [f"{path}: {e}" for e in errors[errors_before:]]
    assert not errors, "\n".join(errors)
