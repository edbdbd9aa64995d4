"""DOCX through python-docx: A4, the paper's header block, a running header, the classification
and "Page n of m" in the footer, tables whose header row repeats and whose rows never split
across pages, core properties naming the paper's author."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from apps.reports.documents import BoardPaper, Section
from apps.reports.documents.raster import svg_to_png

FONT = "Arial"


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the page out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, placeholder, end):
        run._r.append(element)


def _row_properties(row, *, header: bool) -> None:
    """Never split a row across pages; repeat the header row on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _setup(doc, paper: BoardPaper) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(24), Mm(22)
    section.header_distance = section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        doc.styles[name].font.name = FONT
        doc.styles[name].font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)

    head = section.header.paragraphs[0]
    head.text = paper.running_head + (f" · {paper.status.upper()}" if paper.status else "")
    head.add_run("\t\t" + paper.page_classification).bold = True
    for run in head.runs:
        run.font.size = Pt(8)

    foot = section.footer.paragraphs[0]
    foot.add_run(paper.page_classification).bold = True
    foot.add_run("\t\tPage ")
    _field(foot, "PAGE")
    foot.add_run(" of ")
    _field(foot, "NUMPAGES")
    for run in foot.runs:
        run.font.size = Pt(8)

    props = doc.core_properties
    props.title = paper.title
    props.author = paper.author or paper.board or "Nowhere Left Behind"
    props.last_modified_by = props.author
    props.subject = paper.running_head
    props.category = paper.page_classification
    props.comments = ""
    props.language = "en-GB"


def _header_block(doc, paper: BoardPaper) -> None:
    rows = [
        ("Board", paper.board),
        ("Meeting", f"{paper.meeting_date:%-d %B %Y}" if paper.meeting_date else ""),
        ("Agenda item", paper.item_number),
        ("Purpose", paper.purpose),
        ("Author", paper.author),
        (
            "Date",
            f"{paper.date:%-d %B %Y}"
            + (f" (figures as at {paper.as_at:%-d %B %Y})" if paper.as_at else ""),
        ),
        ("Classification", paper.page_classification),
        ("Status", paper.status),
    ]
    rows = [r for r in rows if r[1]]
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
        cells[0].width, cells[1].width = Mm(40), Mm(130)
    for row in table.rows:
        _row_properties(row, header=False)


def _table(doc, table) -> None:
    caption = doc.add_paragraph()
    caption.add_run(table.caption).bold = True
    caption.paragraph_format.keep_with_next = True
    figures = table.figure_columns
    t = doc.add_table(rows=1, cols=len(table.header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = True
    for n, (cell, text) in enumerate(zip(t.rows[0].cells, table.header, strict=True)):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        if n in figures:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _row_properties(t.rows[0], header=True)
    for row in table.rows:
        new = t.add_row()
        _row_properties(new, header=False)
        for n, (cell, text) in enumerate(zip(new.cells, row, strict=True)):
            cell.text = text
            if n in figures:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in t.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)
    doc.add_paragraph()


def _section(doc, number: str, section: Section, level: int) -> None:
    doc.add_heading(f"{number} {section.heading}".strip(), level=level)
    for p in section.paragraphs:
        doc.add_paragraph(p)
    for chart in section.charts:
        png = chart.png or (svg_to_png(chart.svg) if chart.svg else b"")
        if png:
            doc.add_picture(io.BytesIO(png), width=Mm(165))
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
        caption = doc.add_paragraph()
        caption.add_run(chart.alt).italic = True
    for table in section.tables:
        _table(doc, table)
    for q in section.quotes:
        p = doc.add_paragraph(style="Quote")
        p.add_run(f"“{q.text}”")
        if q.attribution:
            p.add_run(f" — {q.attribution}")
    for sub in section.subsections:
        _section(doc, "", sub, min(level + 1, 4))


def render_docx(paper: BoardPaper) -> bytes:
    doc = Document()
    _setup(doc, paper)
    _header_block(doc, paper)
    doc.add_heading(paper.title, level=0)
    if paper.subtitle:
        doc.add_paragraph().add_run(paper.subtitle).italic = True
    doc.add_heading("Summary", level=1)
    for p in paper.summary:
        doc.add_paragraph(p)
    if paper.recommendations:
        doc.add_heading("Recommendations", level=1)
        if paper.recommendations_lead:
            doc.add_paragraph(paper.recommendations_lead)
        for r in paper.recommendations:
            doc.add_paragraph(r, style="List Number")
    doc.add_heading("Background", level=1)
    for p in paper.background_text:
        doc.add_paragraph(p)
    for n, section in paper.numbered():
        _section(doc, f"{n}.", section, 2)
    doc.add_heading("Financial implications", level=1)
    doc.add_paragraph(paper.financial_implications)
    doc.add_heading("Implications for Wales", level=1)
    doc.add_paragraph(paper.implications_for_wales)
    doc.add_heading("Contact officers" if len(paper.contacts) > 1 else "Contact officer", level=1)
    for c in paper.contacts:
        p = doc.add_paragraph()
        p.add_run(c.name + (f", {c.job_title}" if c.job_title else "")).bold = True
        if c.phone:
            p.add_run(f"\nPhone: {c.phone}")
        if c.email:
            p.add_run(f"\nEmail: {c.email}")
    if not paper.contacts:
        doc.add_paragraph(paper.contact_officer or "Not given.")
    if paper.annex:
        doc.add_page_break()
        doc.add_heading(paper.annex_title, level=1)
        marking = doc.add_paragraph()
        run = marking.add_run(
            paper.annex_marking or "OFFICIAL-SENSITIVE: confidential annex, not for publication."
        )
        run.bold = True
        run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
        for n, section in enumerate(paper.annex, start=1):
            _section(doc, f"A{n}.", section, 2)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
