"""data/SOURCES.md, the one record of where every shipped data set comes from, as a readable page
in the service's own style (GOV.UK classes on headings, paragraphs, lists and tables)."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt

CLASSES = {
    "h1": "govuk-heading-l",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "tr": "govuk-table__row",
}


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def add_classes(state) -> None:
        for token in state.tokens:
            if token.type.endswith("_open") and token.tag in CLASSES:
                token.attrSet("class", CLASSES[token.tag])
            for child in token.children or []:
                if child.type == "link_open":
                    child.attrSet("class", CLASSES["a"])

    md.core.ruler.push("govuk_classes", add_classes)
    return md


@functools.lru_cache(maxsize=4)
def _render(path: Path, mtime_ns: int) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title.lstrip("# ").strip(), _renderer().render(body)


def sources_html() -> tuple[str, str]:
    """(title, HTML body) of data/SOURCES.md, re-read when the file changes."""
    path = Path(settings.DATA_DIR) / "SOURCES.md"
    return _render(path, path.stat().st_mtime_ns)
