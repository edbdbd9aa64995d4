"""Demo engagements are shown the same way everywhere: the grey Demo tag on every page that names
one, " · Demo" where no tag can be drawn (emails, choice lists), and never "(demo)" in the title."""

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.demo import ensure_demo_users
from apps.engagements.demo import DEMO, OLD_SUFFIX, ensure_demo_engagements
from apps.engagements.models import Engagement
from apps.engagements.tests.conftest import walk

pytestmark = pytest.mark.django_db

TAG = '<strong class="govuk-tag govuk-tag--grey">Demo</strong>'


@pytest.fixture
def demo(cases):
    """Slough's and Croydon's live cases are demo records; Hackney's and Croydon's early are not."""
    Engagement.objects.filter(pk__in=[cases.slough.pk, cases.croydon_live.pk]).update(
        is_demo=True, next_review_due=timezone.localdate()
    )
    return cases


@pytest.mark.parametrize(
    "url",
    [
        lambda c: "/engagements/",
        lambda c: f"/engagements/{c.slough.pk}/",
        lambda c: f"/engagements/{c.slough.pk}/audit/",
        lambda c: f"/engagements/{c.slough.pk}/transitions/agree_support/",
        lambda c: "/engagements/new/?council=E06000039",
        lambda c: "/councils/E06000039/",
        lambda c: "/support/triage/E06000039/",
        lambda c: "/engagements/dashboard/",
    ],
    ids=["list", "detail", "audit", "transition", "create", "council", "triage", "dashboard"],
)
def test_every_page_naming_a_demo_engagement_shows_the_demo_tag(client, people, demo, url):
    client.force_login(people.pm)
    page = client.get(url(demo))
    assert page.status_code == 200
    assert TAG in page.content.decode()


def test_the_dashboard_tags_both_its_case_lists(client, people, demo):
    client.force_login(people.pm)
    page = client.get("/engagements/dashboard/").content.decode()
    overdue = page.split('id="overdue-table"')[1].split("</table>")[0]
    reviews = page.split('id="reviews-list"')[1].split("</ul>")[0]
    assert TAG in overdue and TAG in reviews


def test_a_real_engagement_is_not_tagged(client, people, demo):
    client.force_login(people.pm)
    for url in (f"/engagements/{demo.hackney.pk}/", f"/engagements/{demo.hackney.pk}/audit/"):
        assert TAG not in client.get(url).content.decode(), url


def test_plain_text_names_carry_the_demo_mark(people, demo, django_capture_on_commit_callbacks):
    assert str(Engagement.objects.get(pk=demo.slough.pk)).endswith("Slough budget · Demo")
    assert str(demo.hackney).endswith("Hackney")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk(Engagement.objects.get(pk=demo.croydon_live.pk), people.ra_london, "begin_review")
    assert "Croydon finance · Demo" in mail.outbox[0].body


def test_the_duplicate_warning_marks_a_demo_engagement(client, people, demo):
    client.force_login(people.pm)
    refused = client.post("/engagements/new/", {"council": "E06000039", "title": "Again"})
    assert "“Slough budget” · Demo (need acknowledged)" in refused.content.decode()


def test_demo_titles_do_not_say_demo_and_old_ones_are_renamed_not_duplicated(offers):
    ensure_demo_users()
    ensure_demo_engagements()
    demo = Engagement.objects.filter(is_demo=True)
    assert not [e.title for e in demo if "demo" in e.title.lower()]
    assert not [e for e in demo if "demo" in e.consent_given_by.lower()]
    gss, title, *_ = DEMO[0]
    # A database loaded before the Demo tag: the title still ends in " (demo)".
    demo.filter(council__gss_code=gss).update(title=title + OLD_SUFFIX)
    before = demo.count()
    assert ensure_demo_engagements() == 0
    assert demo.count() == before
    assert demo.get(council__gss_code=gss).title == title
