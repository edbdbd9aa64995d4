"""Signing in: throttled guessing, password change and reset by email, idle timeout."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:login")


def sign_in(client, username: str, password: str):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, make_user, settings):
    user = make_user()
    for _ in range(30):
        sign_in(client, user.username, "wrong")
    response = sign_in(client, user.username, "test-password-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "Too many attempts to sign in" in text
    assert f"for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in text
    # Another username from the same address, and API tokens, still work.
    other = make_user()
    assert sign_in(client, other.username, "test-password-1").status_code == 302
    raw = ApiToken.issue(user)
    api = client.get("/api/councils/", headers={"authorization": f"Bearer {raw}"})
    assert api.status_code == 200


def test_a_right_password_before_the_limit_signs_in(client, make_user, settings):
    user = make_user()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, user.username, "wrong").status_code == 200
    assert sign_in(client, user.username, "test-password-1").status_code == 302


def test_signed_in_user_changes_password(client, make_user):
    user = make_user()
    client.force_login(user)
    assert "Change password" in client.get(reverse("home")).content.decode()
    url = reverse("accounts:password_change")
    wrong = {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}
    response = client.post(url, wrong)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    new = "a-fresh-long-password-7"
    right = {"old_password": "test-password-1", "new_password1": new, "new_password2": new}
    response = client.post(url, right)
    assert response.url == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_by_email(client, make_user, settings):
    user = make_user(email="someone@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "someone@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(re.escape(settings.SITE_URL) + r"(/\S+)", body).group(1)
    response = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert "Choose a new password" in response.content.decode()
    new = "a-fresh-long-password-7"
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    # The link works once.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()
    # An unknown address gets the same page and no email.
    client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1


def test_session_ends_after_thirty_idle_minutes_and_each_request_renews_it(client, make_user):
    client.force_login(make_user())
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert timedelta(minutes=29) < renewed <= timedelta(minutes=30)
    # Idle past the limit: the session is gone and staff pages ask to sign in again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("engagements:list"))
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)
