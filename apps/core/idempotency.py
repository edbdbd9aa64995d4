"""Create-forms take effect once, however often they are sent (double clicks, a resubmitted
page, two tabs). Each form carries a fresh key (`{% idempotency_key %}`); `once` records the key
in the same transaction as the record the form creates, and a repeat goes to the first result.

    if (repeat := idempotency.seen(request)) is not None:
        return repeat  # before validating: the first submission may have changed what is valid
    if request.method == "POST" and form.is_valid():
        return idempotency.once(request, lambda: create_and_redirect(...))

Two submissions racing each other are serialised by the key's unique index: the second waits
for the first to commit and then finds its key taken.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect

from apps.core.models import Submission

FIELD = "idempotency_key"
KEY = re.compile(r"^[0-9a-f]{32}$")
ALREADY = "This form had already been sent, so it was saved once; here is the result."


def new_key() -> str:
    return uuid.uuid4().hex


def _key(request: HttpRequest, scope: str) -> str:
    key = request.POST.get(FIELD, "") if request.method == "POST" else ""
    if not KEY.match(key):
        return ""
    return f"{scope[:20]}:{key}" if scope else key


def seen(request: HttpRequest, *, scope: str = "") -> HttpResponse | None:
    """A redirect to the first result if this form was already submitted, else None."""
    key = _key(request, scope)
    if not key:
        return None
    first = Submission.objects.filter(key=key).exclude(result_url="").first()
    user = request.user if request.user.is_authenticated else None
    if first is None or first.user_id != getattr(user, "pk", None):
        return None
    messages.info(request, ALREADY)
    return redirect(first.result_url)


def once(
    request: HttpRequest, create: Callable[[], HttpResponse], *, scope: str = ""
) -> HttpResponse:
    """Run `create` (which makes the record and returns a redirect) unless this form's key has
    been used; then redirect to where its first submission went. Without a key (an old page or
    a script), `create` simply runs. `scope` separates a form's buttons (save vs send)."""
    if request.POST.get(FIELD) and not KEY.match(request.POST[FIELD]):
        return HttpResponseBadRequest("The form's idempotency key is malformed; reload the page.")
    key = _key(request, scope)
    if not key:
        return create()
    user = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            record = Submission.objects.create(key=key, user=user)
            response = create()
            if response.status_code in (301, 302, 303):
                record.result_url = response["Location"]
                record.save(update_fields=["result_url"])
            else:  # the form was not accepted: the same key may be sent again, corrected
                transaction.set_rollback(True)
            return response
    except IntegrityError:
        first = Submission.objects.filter(key=key).first()
        if first is None or first.user_id != getattr(user, "pk", None):
            raise
        messages.info(request, ALREADY)
        return redirect(first.result_url or request.path)
