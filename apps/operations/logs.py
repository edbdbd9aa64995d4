"""Structured logs: every line carries the request id; one line per request, refusals included.

Django logs each 4xx on `django.request` / `django.security.*` (a 403 from PermissionDenied with its
traceback). A refusal is not an error: `RefusedRequestFilter` keeps those records out of the log and
hands their reason to the request line that `RequestLogMiddleware` writes, so a refused request
makes exactly one line and no traceback. Server errors (5xx) keep their traceback.
"""

from __future__ import annotations

import contextvars
import logging

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
refusal: contextvars.ContextVar[str | None] = contextvars.ContextVar("refusal", default=None)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a dash outside requests, e.g. in the job worker)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RefusedRequestFilter(logging.Filter):
    """Drops Django's own records of 4xx responses, keeping their reason for the request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(("django.request", "django.security")):
            return True
        status = getattr(record, "status_code", None)
        if status is not None and status >= 500:
            return True
        if status is None and record.name == "django.request":
            return True
        refusal.set(record.getMessage().splitlines()[0][:200])
        return False
