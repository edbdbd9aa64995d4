"""An SVG figure as a PNG, for Word (python-docx places bitmaps only): the SVG is laid out on a
page of its own size by WeasyPrint and the page rendered by PDFium, so the picture in Word is the
same drawing as in the PDF and on the web."""

from __future__ import annotations

import base64
import io
import re

WIDTH_MM = 165


def _aspect(svg: str) -> float:
    """Height over width, from the viewBox (or width and height) of the root element."""
    head = svg[: svg.index(">", svg.index("<svg")) + 1]
    box = re.search(r'viewBox="([\d.\s-]+)"', head)
    if box:
        _, _, width, height = (float(v) for v in box.group(1).split())
        return height / width
    width = re.search(r'width="([\d.]+)', head)
    height = re.search(r'height="([\d.]+)', head)
    return float(height.group(1)) / float(width.group(1)) if width and height else 0.75


def svg_to_png(svg: str, *, width_mm: float = WIDTH_MM, dpi: int = 200) -> bytes:
    import pypdfium2 as pdfium
    from weasyprint import HTML

    height_mm = width_mm * _aspect(svg)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    html = (
        f"<style>@page {{ size: {width_mm}mm {height_mm}mm; margin: 0 }} "
        "body { margin: 0 } img { display: block; width: 100%; height: 100% }</style>"
        f'<img src="data:image/svg+xml;base64,{data}" alt="">'
    )
    pdf = HTML(string=html).write_pdf()
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=dpi / 72).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
