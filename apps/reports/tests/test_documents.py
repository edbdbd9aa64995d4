"""One BoardPaper renders to HTML, PDF and DOCX with the sector's sections in order, the header
block, figures as counts (never floats) and the annex only when given."""

import datetime as dt
import io

import pytest
from docx import Document

from apps.reports.documents import (
    BoardPaper,
    Contact,
    Quote,
    Section,
    Table,
    count,
    number,
    percent,
    render_docx,
    render_html,
)

SECTIONS = [
    "Summary",
    "Recommendations",
    "Background",
    "Financial implications",
    "Implications for Wales",
    "Contact officer",
]


@pytest.fixture
def paper():
    return BoardPaper(
        title="Sector Led Help",
        date=dt.date(2009, 3, 1),
        summary=["This paper updates members."],
        recommendations=["Comments on the draft framework"],
        recommendations_lead="That the Improvement Board:",
        background=[
            Section(
                "Consultation process",
                paragraphs=["Early April: issued."],
                tables=[
                    Table("Timetable", ["When", "What", "Responses"], [["30 June", "Closes", 23.0]])
                ],
                quotes=[Quote("Peers matter", "A council leader")],
            )
        ],
        financial_implications="Within existing budgets.",
        implications_for_wales="None direct.",
        board="Improvement Board",
        meeting_date=dt.date(2009, 3, 12),
        item_number="4",
        purpose="For decision",
        author="Jo Example",
        contacts=[Contact("Jo Example", "Regional Associate", "020 7946 0001", "jo@example.org")],
    )


def test_numbers_are_counts_and_percentages():
    assert number(23.0) == "23" and number(1204) == "1,204" and number(0.5) == "0.5"
    assert number(None) == "–" and number(float("nan")) == "–"
    assert count(1, "view") == "1 view" and count(23.0, "view") == "23 views"
    assert count(2, "council") == "2 councils"
    assert percent(1, 3) == "33%" and percent(0, 0) == "–"


def test_table_cells_never_print_floats_for_counts(paper):
    assert paper.background[0].tables[0].rows[0][2] == "23"
    assert paper.background[0].tables[0].figure_columns == {2}


def test_html_has_header_block_and_sections_in_order(paper):
    html = render_html(paper)
    positions = [html.index(f">{s}<") for s in SECTIONS]
    assert positions == sorted(positions)
    assert "Agenda item" in html and "For decision" in html and "12 March 2009" in html
    assert "020 7946 0001" in html and "jo@example.org" in html
    assert "30 June" in html and "<caption" in html and 'scope="col"' in html
    assert "annex" not in html.lower()


def test_docx_is_a4_with_author_header_footer_and_unsplittable_rows(paper):
    doc = Document(io.BytesIO(render_docx(paper)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert doc.core_properties.author == "Jo Example"
    assert "Item 4" in section.header.paragraphs[0].text
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "OFFICIAL" in section.footer.paragraphs[0].text
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in SECTIONS] == SECTIONS
    table = doc.tables[-1]  # the timetable (the first is the header block)
    assert table.rows[1].cells[1].text == "Closes" and table.rows[1].cells[2].text == "23"
    assert "w:tblHeader" in table.rows[0]._tr.xml
    assert all("w:cantSplit" in row._tr.xml for row in table.rows)


def test_annex_is_marked_and_raises_the_classification(paper):
    paper.annex = [Section("Cases", paragraphs=["Croydon: in delivery."])]
    html = render_html(paper)
    assert "Confidential annex" in html and "OFFICIAL-SENSITIVE" in html
    doc = Document(io.BytesIO(render_docx(paper)))
    assert "OFFICIAL-SENSITIVE" in doc.sections[0].footer.paragraphs[0].text
    assert any("not for publication" in p.text for p in doc.paragraphs)


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
