"""Management and analysis pages are for improvement staff; the public form is for everyone."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["manage", "responses", "staff_entry", "import", "meetings", "analysis"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_is_sent_to_sign_in(client, consultation, name):
    page = client.get(reverse(f"consultations:{name}", args=[consultation.slug]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.COUNCIL_USER, Role.BOARD_MEMBER, Role.PEER])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_non_staff_roles_are_refused(client, consultation, make_user, role, name):
    extra = {"council": "E09000008"} if role == Role.COUNCIL_USER else {}
    client.force_login(make_user(role=role, **extra))
    assert client.get(reverse(f"consultations:{name}", args=[consultation.slug])).status_code == 403


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.REGIONAL_ASSOCIATE, Role.ADMIN])
def test_staff_roles_may_manage(client, consultation, make_user, role):
    extra = {"region": "London"} if role == Role.REGIONAL_ASSOCIATE else {}
    client.force_login(make_user(role=role, **extra))
    assert client.get(reverse("consultations:manage", args=[consultation.slug])).status_code == 200


def test_unpublished_report_and_responses_are_hidden_from_public(client, consultation):
    for name in ["what_we_heard", "published_responses", "framework"]:
        assert (
            client.get(reverse(f"consultations:{name}", args=[consultation.slug])).status_code
            == 404
        )
