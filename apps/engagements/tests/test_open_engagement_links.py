"""No silent duplicates: opening an engagement for a council that has an open one warns and links
to it; the council, early-warning and triage pages link to the open engagement for those who may
see it (nobody else learns it exists)."""

import pytest

from apps.engagements.models import Engagement

pytestmark = pytest.mark.django_db


def test_open_an_engagement_warns_of_the_open_one_and_links_to_it(client, people, cases):
    client.force_login(people.pm)
    page = client.get("/engagements/new/?council=E06000039").content.decode()
    assert "already has an open engagement" in page
    assert f'href="/engagements/{cases.slough.pk}/"' in page
    before = Engagement.objects.count()
    refused = client.post(
        "/engagements/new/", {"council": "E06000039", "title": "Slough again", "summary": ""}
    )
    assert refused.status_code == 200 and Engagement.objects.count() == before
    body = refused.content.decode()
    assert "already has an open engagement" in body and "Open another engagement anyway" in body
    assert f'href="/engagements/{cases.slough.pk}/"' in body
    confirmed = client.post(
        "/engagements/new/",
        {"council": "E06000039", "title": "Slough again", "summary": "", "open_another": "on"},
    )
    assert confirmed.status_code == 302 and Engagement.objects.count() == before + 1


def test_a_council_without_an_open_engagement_is_not_warned(client, people, cases):
    client.force_login(people.pm)
    page = client.get("/engagements/new/?council=E09000001").content.decode()
    assert "already has an open engagement" not in page
    created = client.post("/engagements/new/", {"council": "E09000001", "title": "City"})
    assert created.status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/councils/E06000039/",
        "/early-warning/councils/E06000039/?as_at=2019-11-01",
        "/support/triage/E06000039/",
    ],
)
def test_council_pages_link_to_the_open_engagement_for_those_allowed(client, people, cases, url):
    link = f'href="/engagements/{cases.slough.pk}/"'
    client.force_login(people.pm)
    page = client.get(url)
    assert page.status_code == 200 and link in page.content.decode()
    for outsider in (people.ra_london, people.board, people.croydon):
        client.force_login(outsider)
        response = client.get(url)
        assert link not in response.content.decode(), (outsider, url)
