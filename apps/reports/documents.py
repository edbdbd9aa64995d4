"""Shared document rendering in the sector's board-paper format (as the 2009 Improvement Board
papers are laid out): title, date, summary, recommendations, background (numbered sections with
paragraphs, tables, charts, quotes), financial implications, implications for Wales, contact
officer. One structure, three outputs: HTML (web page), PDF (reportlab) and DOCX (python-docx).

Any app builds a `BoardPaper` from its own data and calls `render_html`, `render_pdf` or
`render_docx`; charts are supplied as PNG bytes (PDF/DOCX) and SVG markup (web).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    title: str
    png: bytes
    svg: str
    alt: str


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
class BoardPaper:
    title: str
    date: dt.date
    summary: list[str]
    recommendations: list[str] = field(default_factory=list)
    background: list[Section] = field(default_factory=list)
    financial_implications: str = "None arising directly from this report."
    implications_for_wales: str = "None direct."
    contact_officer: str = ""
    subtitle: str = ""

    def numbered(self) -> list[tuple[int, Section]]:
        return list(enumerate(self.background, start=1))


# HTML ---------------------------------------------------------------------------------------
def render_html(paper: BoardPaper, *, standalone: bool = False) -> str:
    """The paper's body as GOV.UK-styled HTML, to place inside a page's content block."""
    return render_to_string("reports/board_paper.html", {"paper": paper, "standalone": standalone})


# PDF ----------------------------------------------------------------------------------------
def render_pdf(paper: BoardPaper) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        ListFlowable,
        ListItem,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )
    from reportlab.platypus import (
        Table as RLTable,
    )
    from reportlab.platypus import (
        TableStyle as RLTableStyle,
    )

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=10.5, leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5)
    quote = ParagraphStyle(
        "quote",
        parent=body,
        leftIndent=12,
        textColor=colors.HexColor("#383f43"),
        fontName="Helvetica-Oblique",
    )
    h1, h2, h3 = styles["Title"], styles["Heading2"], styles["Heading3"]
    story: list = []

    def para(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def add_section(number: str, section: Section, heading_style) -> None:
        story.append(para(f"{number} {section.heading}".strip(), heading_style))
        for p in section.paragraphs:
            story.append(para(p))
        for chart in section.charts:
            image = Image(io.BytesIO(chart.png))
            scale = min(1.0, 165 * mm / image.drawWidth)
            image.drawWidth *= scale
            image.drawHeight *= scale
            story.extend([image, para(chart.alt, small)])
        for table in section.tables:
            data = [[para(h, small) for h in table.header]] + [
                [para(str(c), small) for c in row] for row in table.rows
            ]
            rl = RLTable(data, repeatRows=1, hAlign="LEFT")
            rl.setStyle(
                RLTableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.extend([para(table.caption, small), rl, Spacer(1, 4 * mm)])
        for q in section.quotes:
            story.append(
                para(f"“{q.text}”" + (f" — {q.attribution}" if q.attribution else ""), quote)
            )
        for n, sub in enumerate(section.subsections, start=1):
            add_section(f"{number}{n}.", sub, h3)

    story.append(para(paper.title, h1))
    if paper.subtitle:
        story.append(para(paper.subtitle, h3))
    story.append(para(paper.date.strftime("%-d %B %Y")))
    story.append(para("Summary", h2))
    story.extend(para(p) for p in paper.summary)
    if paper.recommendations:
        story.append(para("Recommendations", h2))
        story.append(
            ListFlowable([ListItem(para(r)) for r in paper.recommendations], bulletType="bullet")
        )
    story.append(para("Background", h2))
    for n, section in paper.numbered():
        add_section(f"{n}.", section, h2)
    story.append(para("Financial implications", h2))
    story.append(para(paper.financial_implications))
    story.append(para("Implications for Wales", h2))
    story.append(para(paper.implications_for_wales))
    if paper.contact_officer:
        story.append(para(f"Contact officer: {paper.contact_officer}", body))

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=paper.title,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    ).build(story)
    return buffer.getvalue()


# DOCX ---------------------------------------------------------------------------------------
def render_docx(paper: BoardPaper) -> bytes:
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    doc.core_properties.title = paper.title
    doc.add_heading(paper.title, level=0)
    if paper.subtitle:
        doc.add_paragraph(paper.subtitle).italic = True
    doc.add_paragraph(paper.date.strftime("%-d %B %Y"))
    doc.add_heading("Summary", level=1)
    for p in paper.summary:
        doc.add_paragraph(p)
    if paper.recommendations:
        doc.add_heading("Recommendations", level=1)
        for r in paper.recommendations:
            doc.add_paragraph(r, style="List Bullet")
    doc.add_heading("Background", level=1)

    def add_section(number: str, section: Section, level: int) -> None:
        doc.add_heading(f"{number} {section.heading}".strip(), level=level)
        for p in section.paragraphs:
            doc.add_paragraph(p)
        for chart in section.charts:
            doc.add_picture(io.BytesIO(chart.png), width=Mm(160))
            doc.add_paragraph(chart.alt).runs[0].italic = True
        for table in section.tables:
            doc.add_paragraph(table.caption).runs[0].bold = True
            t = doc.add_table(rows=1, cols=len(table.header))
            t.style = "Table Grid"
            for cell, text in zip(t.rows[0].cells, table.header, strict=True):
                cell.text = str(text)
            for row in table.rows:
                cells = t.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = str(text)
        for q in section.quotes:
            p = doc.add_paragraph(style="Quote")
            p.add_run(f"“{q.text}”")
            if q.attribution:
                p.add_run(f" — {q.attribution}")
        for n, sub in enumerate(section.subsections, start=1):
            add_section(f"{number}{n}.", sub, min(level + 1, 4))

    for n, section in paper.numbered():
        add_section(f"{n}.", section, 2)
    doc.add_heading("Financial implications", level=1)
    doc.add_paragraph(paper.financial_implications)
    doc.add_heading("Implications for Wales", level=1)
    doc.add_paragraph(paper.implications_for_wales)
    if paper.contact_officer:
        doc.add_paragraph(f"Contact officer: {paper.contact_officer}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
