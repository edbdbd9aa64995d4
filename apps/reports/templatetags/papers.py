"""Template helpers for board papers."""

from __future__ import annotations

import base64

from django import template

register = template.Library()


@register.filter
def svg_data_uri(svg: str) -> str:
    """An SVG chart as a data: URI, so the print layout places it as an <img> with alt text
    (tagged as a Figure in the PDF) while it stays vector."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
