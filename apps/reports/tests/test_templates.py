"""Each template renders to the web, to PDF (checked page by page as PNG: A4, page numbers,
embedded fonts, tagged PDF/UA) and to DOCX (A4, the author); the quarterly paper uses no soft
intelligence; files are made in the background and the download waits for them."""

import datetime as dt
import io
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from docx import Document

from apps.reports import services
from apps.reports.documents import render_docx, render_html, render_pdf
from apps.reports.models import PaperFile, Status
from apps.reports.tests.test_pdf import check_board_pdf

pytestmark = pytest.mark.django_db
AS_AT = dt.date(2019, 11, 1)


def draft(people, template: str, **options):
    return services.draft_paper(
        template,
        author=people.pm,
        meeting_date=AS_AT + dt.timedelta(days=40),
        item_number="6",
        as_at=AS_AT if template == "early_warning_quarterly" else timezone.localdate(),
        options=options,
    )


@pytest.mark.slow
@pytest.mark.parametrize("template", ["early_warning_quarterly", "engagements", "consultation"])
def test_each_template_renders_to_web_pdf_and_docx(template, people, cases, heard):
    paper = draft(people, template, consultation=heard.slug)
    document = services.board_paper(paper)
    html = render_html(document)
    assert "Summary" in html and "Implications for Wales" in html and "Agenda item" in html
    facts = check_board_pdf(render_pdf(document))
    assert "Improvement Board" in facts["texts"][0]
    word = Document(io.BytesIO(render_docx(document)))
    assert round(word.sections[0].page_width.mm) == 210
    assert word.core_properties.author == document.author
    text = "\n".join(facts["texts"])
    floats = re.findall(r".{0,60}(?<!version )\b\d+\.0\b(?!%).{0,20}", text)
    assert not floats, floats
    assert not re.search(r"\b1 (views|responses|councils|engagements)\b", text)


def test_quarterly_paper_uses_no_soft_intelligence(people):
    from apps.councils.models import Council
    from apps.early_warning.models import SoftIntelligence
    from apps.reports.papers.quarterly import EarlyWarningQuarterly

    before = EarlyWarningQuarterly().build(AS_AT, None, {}, with_annex=False)
    SoftIntelligence.objects.create(
        council=Council.objects.get(gss_code="E06000039"),
        category="whistleblowing",
        severity=3,
        observed_on=AS_AT - dt.timedelta(days=30),
        summary="SECRET whistleblower on the finance team",
        author=people.pm,
    )
    after = EarlyWarningQuarterly().build(AS_AT, None, {}, with_annex=False)
    assert [t.rows for s in before.sections for t in s.tables] == [
        t.rows for s in after.sections for t in s.tables
    ]
    text = render_html(services.board_paper(draft(people, "early_warning_quarterly")))
    assert "SECRET" not in text and "whistleblow" not in text.lower()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_download_waits_for_the_background_job_then_serves_the_stored_file(client, people, cases):
    paper = draft(people, "engagements")
    services.approve(paper, people.pm)
    services.publish(paper, people.pm)  # queues the board edition; no worker has run
    client.force_login(people.board)
    waiting = client.get(f"/reports/papers/{paper.pk}/download/pdf/")
    assert waiting.status_code == 202 and "being prepared" in waiting.content.decode()
    file = PaperFile.objects.get(version=paper.version, format="pdf", paper_status=Status.PUBLISHED)
    assert file.state == PaperFile.State.PENDING
    services.render_file(file.pk)  # what the worker's job does
    ready = client.get(f"/reports/papers/{paper.pk}/download/pdf/")
    assert ready.status_code == 200 and ready.content == bytes(
        PaperFile.objects.get(pk=file.pk).content
    )
