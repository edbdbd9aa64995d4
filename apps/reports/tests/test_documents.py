"""One BoardPaper renders to HTML, PDF and DOCX with the sector's sections in order."""

import datetime as dt
import io

import pytest
from docx import Document

from apps.reports.documents import (
    BoardPaper,
    Quote,
    Section,
    Table,
    render_docx,
    render_html,
    render_pdf,
)

SECTIONS = [
    "Summary",
    "Recommendations",
    "Background",
    "Financial implications",
    "Implications for Wales",
]


@pytest.fixture
def paper():
    return BoardPaper(
        title="Sector Led Help",
        date=dt.date(2009, 3, 1),
        summary=["This paper updates members."],
        recommendations=["Comments on the draft framework"],
        background=[
            Section(
                "Consultation process",
                paragraphs=["Early April: issued."],
                tables=[Table("Timetable", ["When", "What"], [["30 June", "Closes"]])],
                quotes=[Quote("Peers matter", "A council leader")],
            )
        ],
        financial_implications="Within existing budgets.",
        implications_for_wales="None direct.",
        contact_officer="Programme manager",
    )


def test_html_has_sections_in_order(paper):
    html = render_html(paper)
    positions = [html.index(f">{s}<") for s in SECTIONS]
    assert positions == sorted(positions)
    assert "30 June" in html and "<caption" in html and 'scope="col"' in html


def test_docx_has_sections_in_order(paper):
    doc = Document(io.BytesIO(render_docx(paper)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in SECTIONS] == SECTIONS
    assert doc.tables[0].rows[1].cells[1].text == "Closes"


def test_pdf_renders(paper):
    pdf = render_pdf(paper)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


@pytest.mark.django_db
def test_reports_index_lists_only_published_for_the_public(client):
    from django.utils import timezone

    from apps.consultations.models import Consultation

    today = timezone.localdate()
    Consultation.objects.create(
        slug="a", title="Published one", opens_on=today, closes_on=today, report_published=True
    )
    Consultation.objects.create(slug="b", title="Draft one", opens_on=today, closes_on=today)
    body = client.get("/reports/").content.decode()
    assert "Published one" in body and "Draft one" not in body
