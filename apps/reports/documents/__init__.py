"""Shared document rendering in the sector's board-paper format (as the 2009 Improvement Board
papers are laid out): the header block (board, meeting date, agenda item, purpose), title, then
summary, recommendations, background (numbered sections with paragraphs, tables, charts,
quotes), financial implications, implications for Wales and the contact officer; an optional
confidential annex follows, marked as such. One structure, three outputs: HTML (web page), PDF
(WeasyPrint, tagged PDF/UA-1, A4, running header and footer, vector charts, embedded fonts) and
DOCX (python-docx, A4, the same header and footer).

Any app builds a `BoardPaper` from its own data and calls `render_html`, `render_pdf` or
`render_docx`. Charts are SVG markup (web and PDF, so they stay vector) with a PNG of the same
figure for Word.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from apps.reports.documents.numbers import count, number, percent

__all__ = [
    "BoardPaper",
    "Chart",
    "Contact",
    "Quote",
    "Section",
    "Table",
    "count",
    "number",
    "percent",
    "render_docx",
    "render_html",
    "render_pdf",
]

OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
CLASSIFICATIONS = [OFFICIAL, OFFICIAL_SENSITIVE]
FIGURE = re.compile(r"[-+–]?[\d,]*\.?\d*%?|–|withheld|fewer than \d+|[<>≤≥] ?[\d,]+")


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]

    def __post_init__(self) -> None:
        self.header = [str(h) for h in self.header]
        self.rows = [[number(c) if not isinstance(c, str) else c for c in r] for r in self.rows]

    @property
    def figure_columns(self) -> set[int]:
        """Columns (after the row heading) whose every cell is a figure: set right-aligned."""
        return {
            n
            for n in range(1, len(self.header))
            if self.rows and all(FIGURE.fullmatch(row[n]) for row in self.rows)
        }


@dataclass
class Chart:
    title: str
    svg: str
    alt: str
    png: bytes = b""  # the same figure as a PNG, for Word (which has no SVG in python-docx)


@dataclass
class Quote:
    text: str
    attribution: str = ""


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Contact:
    """A contact officer: a named person with a phone number and an email address."""

    name: str
    job_title: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class BoardPaper:
    title: str
    date: dt.date
    summary: list[str]
    recommendations: list[str] = field(default_factory=list)
    background: list[Section] = field(default_factory=list)
    financial_implications: str = "None arising directly from this report."
    implications_for_wales: str = "None direct."
    contact_officer: str = ""  # free text, used when no named contacts are given
    subtitle: str = ""
    # the header block of a paper tabled at a meeting
    board: str = ""
    meeting_date: dt.date | None = None
    item_number: str = ""
    purpose: str = ""
    author: str = ""
    contacts: list[Contact] = field(default_factory=list)
    classification: str = OFFICIAL
    as_at: dt.date | None = None
    status: str = ""  # "Draft" prints a draft mark; empty for a published paper
    recommendations_lead: str = ""  # e.g. "That the Improvement Board:"
    background_text: list[str] = field(default_factory=list)  # prose before the numbered body
    annex: list[Section] = field(default_factory=list)
    annex_title: str = "Confidential annex"
    annex_marking: str = ""  # e.g. "OFFICIAL-SENSITIVE: not for publication"

    def numbered(self) -> list[tuple[int, Section]]:
        return list(enumerate(self.background, start=1))

    @property
    def running_head(self) -> str:
        bits = [self.board]
        if self.meeting_date:
            bits.append(f"{self.meeting_date:%-d %B %Y}")
        if self.item_number:
            bits.append(f"Item {self.item_number}")
        return " · ".join(b for b in bits if b) or self.title

    @property
    def page_classification(self) -> str:
        """The marking on every page: the annex raises it to OFFICIAL-SENSITIVE."""
        return OFFICIAL_SENSITIVE if self.annex else self.classification


# HTML ---------------------------------------------------------------------------------------
def render_html(paper: BoardPaper, *, standalone: bool = False) -> str:
    """The paper's body as GOV.UK-styled HTML, to place inside a page's content block."""
    return render_to_string("reports/board_paper.html", {"paper": paper, "standalone": standalone})


def render_pdf(paper: BoardPaper) -> bytes:
    from apps.reports.documents.pdf import render_pdf as _render

    return _render(paper)


def render_docx(paper: BoardPaper) -> bytes:
    from apps.reports.documents.word import render_docx as _render

    return _render(paper)


PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
