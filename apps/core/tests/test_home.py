"""The front page: each app's panel, shown only to those allowed to see it."""

import pytest
from django.core.management import call_command

from apps.accounts.models import Role
from apps.engagements.models import Engagement

pytestmark = pytest.mark.django_db


def test_public_front_page_shows_open_consultations_and_no_case_data(client):
    page = client.get("/").content.decode()
    assert page.count("<h1") == 1
    assert "Consultations open now" in page
    assert "Early warning" not in page
    assert "Open engagements you can see" not in page


def test_staff_see_the_watchlist_and_their_engagement_counts(client, make_user):
    client.force_login(make_user(role=Role.REGIONAL_ASSOCIATE, region="London"))
    page = client.get("/").content.decode()
    assert "Early warning" in page
    assert "No indicator data loaded yet." in page  # no indicators in this test database
    assert "Open engagements you can see" in page


def test_board_members_get_no_case_counts(client, make_user):
    client.force_login(make_user(role=Role.BOARD_MEMBER))
    page = client.get("/").content.decode()
    assert "Early warning" in page
    assert "Open engagements you can see" not in page


def test_a_council_user_counts_only_their_own_council(client, make_user):
    from apps.accounts.demo import ensure_demo_users
    from apps.engagements.demo import ensure_demo_engagements

    ensure_demo_users()
    call_command("import_support_offers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ensure_demo_engagements()
    croydon = make_user(role=Role.COUNCIL_USER, council="E09000008")
    client.force_login(croydon)
    page = client.get("/").content.decode()
    mine = Engagement.objects.visible_to(croydon).open().count()
    assert 0 < mine < Engagement.objects.open().count()
    assert f'Open engagements you can see</dt><dd class="govuk-summary-list__value">{mine}<' in page
