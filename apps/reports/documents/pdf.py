"""PDF through WeasyPrint: paged-media HTML and CSS to a tagged PDF/UA-1 file.

A4 with the paper's running header (board, meeting date, item), the classification top and
bottom of every page and "Page n of m"; charts stay SVG (vector); the text face (DejaVu Sans,
shipped inside matplotlib, so nothing is installed by hand) is embedded as a subset.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


@lru_cache(maxsize=1)
def font_files() -> dict[str, str]:
    """file:// URLs of the four faces of the text font."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {
        "regular": "DejaVuSans.ttf",
        "bold": "DejaVuSans-Bold.ttf",
        "italic": "DejaVuSans-Oblique.ttf",
        "bold_italic": "DejaVuSans-BoldOblique.ttf",
    }
    return {key: (folder / name).as_uri() for key, name in faces.items()}


def print_html(paper) -> str:
    """The paper as one HTML document styled for print (also handy to debug the layout)."""
    return render_to_string("reports/print/paper.html", {"paper": paper, "fonts": font_files()})


def render_pdf(paper) -> bytes:
    from weasyprint import HTML

    return HTML(string=print_html(paper)).write_pdf(pdf_variant=PDF_VARIANT)
