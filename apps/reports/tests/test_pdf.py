"""The PDF a board secretary gets: A4 pages rendered to PNG, "Page n of m" on every page, every
font embedded, tagged (structure tree, marked) and identified as PDF/UA-1, charts as vectors."""

import datetime as dt
import io
import re
from collections import Counter

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from apps.reports.documents import BoardPaper, Contact, Section, Table, render_pdf
from apps.reports.papers import charts

A4_POINTS = (595.3, 841.9)


def structure(reader: PdfReader) -> tuple[Counter, list]:
    """The tagged structure: how many elements of each type, and each figure's alternative
    text (None where a figure has none)."""
    kinds, alts = Counter(), []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, dict):
            continue
        kind = node.get("/S")
        if kind:
            kinds[str(kind)] += 1
            if kind == "/Figure":
                alts.append(node.get("/Alt"))
        kids = node.get("/K")
        if isinstance(kids, list):
            stack.extend(k for k in kids if hasattr(k, "get_object"))
        elif kids is not None and hasattr(kids, "get_object"):
            stack.append(kids)
    return kinds, alts


def pdf_facts(pdf: bytes) -> dict:
    """What a reviewer checks, read back from the file itself."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    kinds, alts = structure(reader)
    return {
        "reader": reader,
        "structure": kinds,
        "figure_alts": alts,
        "texts": [page.extract_text() for page in reader.pages],
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "struct_tree": "/StructTreeRoot" in root,
        "lang": str(root.get("/Lang", "")),
        "pdfua": re.search(r"pdfuaid:part[^0-9]*1", xmp) is not None,
        "fonts": fonts,
        "title": reader.metadata.title,
    }


def png_pages(pdf: bytes, scale: float = 1.0) -> list:
    """Each page rendered to an image (pypdfium2), as a reviewer would look at it."""
    document = pdfium.PdfDocument(pdf)
    return [document[i].render(scale=scale).to_pil() for i in range(len(document))]


def check_board_pdf(pdf: bytes, *, classification: str = "OFFICIAL") -> dict:
    facts = pdf_facts(pdf)
    pages = png_pages(pdf)
    assert pages, "no pages"
    for n, image in enumerate(pages, start=1):
        width, height = image.size  # at scale 1 one pixel is one point
        assert (abs(width - A4_POINTS[0]) <= 1, abs(height - A4_POINTS[1]) <= 1) == (True, True)
        assert image.convert("L").getextrema()[0] < 100, f"page {n} is blank"
    for n, text in enumerate(facts["texts"], start=1):
        assert f"Page {n} of {len(pages)}" in text
        assert classification in text
    assert facts["fonts"] and all(facts["fonts"].values()), facts["fonts"]
    assert facts["marked"] and facts["struct_tree"] and facts["pdfua"]
    assert facts["lang"] == "en-GB"
    kinds = facts["structure"]
    assert kinds["/H1"] == 1 and kinds["/H2"] >= 5 and kinds["/P"] > 0
    if kinds["/Table"]:
        assert kinds["/TH"] and kinds["/TD"]
    assert all(facts["figure_alts"]), "a figure without alternative text"
    return facts


@pytest.fixture(scope="module")
def long_pdf():
    chart = charts.bars(
        ["Identified", "In delivery"],
        [4, 5],
        title="By state",
        xlabel="n",
        alt="Bars: identified 4, in delivery 5.",
    )
    # rows of several lines each, so some fall across a page end unless kept whole
    rows = [[f"row{i}", f"answer {i} " * 12 + f"end{i}", i] for i in range(60)]
    paper = BoardPaper(
        title="A long paper",
        date=dt.date(2026, 3, 1),
        summary=["Summary."],
        recommendations=["Note it."],
        background=[
            Section(
                "Figures",
                charts=[chart],
                tables=[Table("Many rows", ["Row", "Answer", "Count"], rows)],
            )
        ],
        board="Improvement Board",
        meeting_date=dt.date(2026, 3, 12),
        item_number="7",
        purpose="For information",
        author="Jo Example",
        contacts=[Contact("Jo Example", "Programme manager", "020 7946 0001", "jo@example.org")],
    )
    return render_pdf(paper)


def test_pdf_is_a4_numbered_embedded_tagged_and_pdf_ua(long_pdf):
    facts = check_board_pdf(long_pdf)
    assert len(facts["texts"]) >= 3
    assert facts["title"] == "A long paper"
    assert "Improvement Board · 12 March 2026 · Item 7" in facts["texts"][1]  # running head
    assert facts["figure_alts"] == ["Bars: identified 4, in delivery 5."]


def test_table_rows_are_never_split_and_the_header_repeats(long_pdf):
    texts = pdf_facts(long_pdf)["texts"]
    for i in range(60):
        starts = [n for n, t in enumerate(texts) if re.search(rf"\brow{i}\b", t)]
        ends = [n for n, t in enumerate(texts) if re.search(rf"\bend{i}\b", t)]
        assert starts == ends, f"row {i} starts on page {starts} and ends on page {ends}"
    for text in texts[2:]:
        if "row1" in text or "row4" in text:
            assert "Answer" in text  # the header row is repeated on each page


def test_charts_are_vector_not_raster(long_pdf):
    reader = PdfReader(io.BytesIO(long_pdf))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        images = [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
        assert not images  # the chart is drawn with paths, not a bitmap
