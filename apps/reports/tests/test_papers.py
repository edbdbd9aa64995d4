"""Board papers through their life (draft, versions, approve, publish) and through HTTP as each
kind of reader: a board member's paper has no case detail; the annex is for national staff."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.engagements.models import Transition
from apps.engagements.tests.conftest import walk
from apps.reports import services
from apps.reports.models import PaperFile, Status
from apps.reports.papers.engagements import EngagementsPaper
from apps.reports.papers.quarterly import band_changes

pytestmark = pytest.mark.django_db
CASE_WORDS = ["Croydon", "Slough", "Hackney", "finance", "budget"]


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def paper(people, cases):
    people.pm.first_name, people.pm.last_name = "Jo", "Example"
    people.pm.phone, people.pm.job_title = "020 7946 0001", "Programme manager"
    people.pm.save()
    return services.draft_paper(
        "engagements",
        author=people.pm,
        meeting_date=timezone.localdate() + dt.timedelta(days=14),
        item_number="5",
        as_at=timezone.localdate(),
    )


def test_draft_edit_approve_publish_keeps_every_version(paper, people):
    assert paper.status == Status.DRAFT and paper.version.number == 1
    assert "too few engagements" in paper.version.summary  # prose suggested from the figures
    v2 = services.save_version(paper, people.pm, recommendations="Note the figures.\nAgree X.")
    assert v2.number == 2 and paper.versions.count() == 2
    assert paper.versions.get(number=1).recommendations != v2.recommendations
    assert services.save_version(paper, people.pm, recommendations=v2.recommendations) == v2
    paper = services.approve(paper, people.pm)
    with pytest.raises(services.PaperError, match="approved; return it to draft"):
        services.save_version(paper, people.pm, summary="Changed after approval")
    with pytest.raises(services.PaperError, match="approved, so it cannot be approved"):
        services.approve(paper, people.pm)
    paper = services.return_to_draft(paper, people.pm)
    with pytest.raises(services.PaperError, match="draft, so it cannot be published"):
        services.publish(paper, people.pm)
    paper = services.approve(paper, people.pm)
    paper = services.publish(paper, people.pm)
    assert paper.status == Status.PUBLISHED and paper.published_by == people.pm
    files = PaperFile.objects.filter(version=paper.version, paper_status=Status.PUBLISHED)
    assert {f.format for f in files} == {"pdf", "docx"}
    assert all(f.state == PaperFile.State.READY for f in files)
    document = services.board_paper(paper)
    assert document.recommendations == ["Note the figures.", "Agree X."]
    assert document.contacts[0].phone == "020 7946 0001"
    assert document.author == "Jo Example" and document.status == ""


def test_board_member_sees_no_case_detail_over_http(client, paper, people):
    client.force_login(people.board)
    assert client.get(f"/reports/papers/{paper.pk}/").status_code == 404  # drafts: staff only
    services.approve(paper, people.pm)
    services.publish(paper, people.pm)
    page = client.get(f"/reports/papers/{paper.pk}/").content.decode()
    assert "Engagements by state" in page and "withheld" in page
    assert not [w for w in CASE_WORDS if w in page]
    assert "annex" not in page.lower()
    response = client.get(f"/reports/papers/{paper.pk}/download/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Engagements by state" in text and "Jo Example" in text
    assert not [w for w in CASE_WORDS if w in text]
    assert client.get(f"/reports/papers/{paper.pk}/download/pdf/?annex=1").status_code == 403
    docx = client.get(f"/reports/papers/{paper.pk}/download/docx/")
    assert docx.status_code == 200 and b"Croydon" not in docx.content


def test_annex_is_for_national_staff_and_marked(client, paper, people):
    client.force_login(people.ra_london)
    assert client.get(f"/reports/papers/{paper.pk}/download/pdf/?annex=1").status_code == 403
    client.force_login(people.pm)
    page = client.get(f"/reports/papers/{paper.pk}/").content.decode()
    assert "Confidential annex" in page and "Croydon" in page
    text = pdf_text(client.get(f"/reports/papers/{paper.pk}/download/pdf/?annex=1").content)
    assert "Croydon" in text and "OFFICIAL-SENSITIVE" in text and "not for" in text


def test_public_sees_only_published_official_papers(client, paper, people):
    assert client.get(f"/reports/papers/{paper.pk}/").status_code == 404
    services.approve(paper, people.pm)
    services.publish(paper, people.pm)
    assert client.get(f"/reports/papers/{paper.pk}/").status_code == 200
    assert paper.title in client.get("/reports/").content.decode()
    paper.classification = "OFFICIAL-SENSITIVE"
    paper.save()
    assert client.get(f"/reports/papers/{paper.pk}/").status_code == 404


def test_only_national_staff_approve_and_publish(client, paper, people):
    client.force_login(people.ra_london)
    assert client.post(f"/reports/papers/{paper.pk}/approve/").status_code == 403
    client.force_login(people.pm)
    client.post(f"/reports/papers/{paper.pk}/approve/")
    paper.refresh_from_db()
    assert paper.status == Status.APPROVED


def test_engagement_figures_are_reproducible_as_at_a_date(cases, people):
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    Transition.objects.update(at=ten_days_ago)
    as_at = timezone.localdate() - dt.timedelta(days=5)
    before = EngagementsPaper().build(as_at, None, {}, with_annex=True)
    walk(cases.slough, people.pm, "agree_support")  # a later move, recorded today
    after = EngagementsPaper().build(as_at, None, {}, with_annex=True)
    assert before.sections[0].tables[0].rows == after.sections[0].tables[0].rows
    assert before.annex[0].tables[0].rows == after.annex[0].tables[0].rows
    today = EngagementsPaper().build(timezone.localdate(), None, {}, with_annex=True)
    assert today.annex[0].tables[0].rows != before.annex[0].tables[0].rows
    yesterday_of_all = EngagementsPaper().build(
        timezone.localdate() - dt.timedelta(days=30), None, {}, with_annex=True
    )
    assert yesterday_of_all.annex[0].tables[0].rows == []


def test_the_annexes_mark_demo_engagements(cases):
    """Papers have no tags to draw: a demo engagement's row says "· Demo" as text instead."""
    import pandas as pd

    from apps.engagements.models import Engagement
    from apps.reports.papers.quarterly import _engagement_annex

    Engagement.objects.filter(pk=cases.slough.pk).update(is_demo=True)
    today = timezone.localdate()
    rows = EngagementsPaper().build(today, None, {}, with_annex=True).annex[0].tables[0].rows
    marked = [row[0] for row in rows if row[0].endswith(" · Demo")]
    assert marked == [cases.slough.council.name + " · Demo"] and len(rows) > 1
    top = pd.DataFrame({"rank": [1, 2], "name": ["Slough", "Hackney"]})
    top["gss_code"] = [cases.slough.council.gss_code, cases.hackney.council.gss_code]
    states = [row[2] for row in _engagement_annex(top, today).tables[0].rows]
    assert states == ["Need acknowledged · Demo", "Identified"]


def test_band_changes_name_who_entered_and_left():
    import pandas as pd

    before = pd.DataFrame(
        {"gss_code": ["A", "B", "C"], "name": ["Ay", "Bee", "Cee"], "band": ["High", "Watch", "No"]}
    )
    after = pd.DataFrame(
        {"gss_code": ["A", "B", "D"], "name": ["Ay", "Bee", "Dee"], "band": ["Watch", "High", "No"]}
    )
    rows = {r["band"]: r for r in band_changes(before, after, ["High", "Watch", "No"])}
    assert rows["High"]["entered"] == ["Bee"] and rows["High"]["left"] == ["Ay"]
    assert rows["Watch"]["entered"] == ["Ay"] and rows["Watch"]["left"] == ["Bee"]
    assert rows["No"]["entered"] == ["Dee"] and rows["No"]["left"] == ["Cee"]
    assert (rows["No"]["then"], rows["No"]["now"]) == (1, 1)


def test_withheld_engagement_counts_cannot_be_worked_out_from_the_paper(cases):
    import pandas as pd

    from apps.core.disclosure import THRESHOLD, TOTAL, feasible_ranges

    content = EngagementsPaper().build(timezone.localdate(), None, {}, with_annex=False)
    rows = content.sections[0].tables[0].rows  # state, count; the last row is the total
    counts = [None if shown == "withheld" else int(shown) for _, shown in rows]
    published = pd.DataFrame(  # one line of counts and its total, as the paper prints them
        [counts, counts],
        index=["count", TOTAL],
        columns=[label if label != "Total" else TOTAL for label, _ in rows],
        dtype=object,
    )
    ranges = feasible_ranges(published)
    assert ranges, "the cases include counts of 1 and 2, so some must be withheld"
    for low, high in ranges.values():
        assert high >= THRESHOLD and low < high
    # no other table of the same engagements publishes the total the state table withholds
    assert rows[-1] == ["Total", "withheld"]
    others = [t for s in content.sections[1:3] for t in s.tables]
    assert others and all(
        "Total" not in t.header and all(r[0] != "Total" for r in t.rows) for t in others
    )


@pytest.mark.slow
def test_demo_papers_are_idempotent_and_the_quarterly_is_published(client):
    from apps.accounts.demo import ensure_demo_users
    from apps.reports.demo import ensure_demo_papers
    from apps.reports.models import Paper

    ensure_demo_users()
    assert ensure_demo_papers() == 2 and ensure_demo_papers() == 0
    quarterly = Paper.objects.get(template="early_warning_quarterly", is_demo=True)
    assert quarterly.status == Status.PUBLISHED
    assert quarterly.contact_officer.phone.startswith("020 7946 0")  # Ofcom's drama range
    board = client.get(f"/reports/papers/{quarterly.pk}/")
    assert board.status_code == 200 and "Demo" in board.content.decode()


def test_a_demo_paper_says_so_in_the_document_itself():
    from apps.reports.models import Paper

    marking = services.paper_marking
    assert marking(Paper(status=Status.DRAFT)) == "Draft"
    assert marking(Paper(status=Status.PUBLISHED)) == ""
    assert marking(Paper(status=Status.DRAFT, is_demo=True)) == "Demo draft"
    assert marking(Paper(status=Status.PUBLISHED, is_demo=True)) == "Demo"


def test_a_figures_section_has_its_table_and_a_chart_only_where_one_is_drawn():
    from apps.reports.documents import Chart
    from apps.reports.papers import table_section

    bare = table_section("Heading", ["Text."], "Caption", ["A", "B"], [[1, 2]])
    assert bare.charts == [] and bare.tables[0].rows == [["1", "2"]]
    drawn = Chart(title="Bars", svg="<svg/>", alt="Bars of A and B")
    section = table_section("Heading", [], "Caption", ["A"], [[1]], chart=drawn)
    assert section.charts == [drawn] and section.tables[0].caption == "Caption"
