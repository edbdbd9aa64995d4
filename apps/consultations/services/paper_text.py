"""A consultation paper's plain text rendered with its structure, and no personal contact details.

Papers arrive as text pasted from a board paper: numbered or short headings, paragraphs, bullet
lines ("- " or "• "), tab-separated timetables, and `**bold**` / `*italic*` emphasis. `blocks`
turns the text into headings, paragraphs, lists and tables (plain data, so the web page, PDF and
DOCX can all draw them); `to_html` writes GOV.UK markup. Contact lines ("Contact Officer:",
"Phone No:", "Email:") are dropped and any remaining e-mail address or telephone number is
removed: a published paper names no officer's personal contact details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.consultations.services.redaction import EMAIL, PHONE

CONTACT_LINE = re.compile(
    r"^\s*(contact officers?|phone( no)?|tel(ephone)?|e-?mail|mobile)\s*[:;.]", re.IGNORECASE
)
BULLET = re.compile(r"^\s*[-•*]\s+(?=\S)")
NUMBERED_HEADING = re.compile(r"^\d{1,2}\.\s+\S.{0,60}$")
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


@dataclass
class Block:
    kind: str  # heading, paragraph, list, table
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _clean(line: str) -> str:
    return PHONE.sub("", EMAIL.sub("", line)).strip()


def _is_heading(line: str, following_blank: bool) -> bool:
    text = line.strip()
    if NUMBERED_HEADING.match(text) and not text.endswith((".", ":")) and len(text) <= 60:
        return True
    return (
        following_blank
        and len(text) <= 90
        and not text.endswith((".", ",", ";", ":"))
        and not BULLET.match(text)
        and "\t" not in text
        and text[:1].isupper()
    )


def blocks(text: str) -> list[Block]:
    """The paper's structure: headings, paragraphs, bullet lists and tab-separated tables."""
    lines = [ln.rstrip() for ln in (text or "").replace("\r\n", "\n").split("\n")]
    lines = [ln for ln in lines if not CONTACT_LINE.match(ln)]
    out: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if "\t" in line:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append([_clean(c) for c in lines[i].split("\t")])
                i += 1
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            rows = [r for r in rows if any(r)]
            if rows and len([c for c in rows[0] if c]) == 1 and width > 1 and len(rows) > 1:
                out.append(Block("heading", text=rows[0][0]))  # a table's title row
                rows = rows[1:]
            out.append(Block("table", rows=rows))
            continue
        if BULLET.match(line):
            items = []
            while i < len(lines) and BULLET.match(lines[i]):
                items.append(_clean(BULLET.sub("", lines[i])))
                i += 1
            out.append(Block("list", items=items))
            continue
        following_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
        cleaned = _clean(line)
        if cleaned:
            kind = "heading" if _is_heading(cleaned, following_blank) else "paragraph"
            out.append(Block(kind, text=cleaned))
        i += 1
    return out


def _inline(text: str) -> str:
    html = escape(text)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    return ITALIC.sub(r"<em>\1</em>", html)


def to_html(text: str) -> SafeString:
    """GOV.UK markup for a paper's text (escaped; emphasis and structure kept)."""
    parts = []
    first_heading = True
    for block in blocks(text):
        if block.kind == "heading":
            level = "h2" if first_heading else "h3"
            size = "govuk-heading-m" if first_heading else "govuk-heading-s"
            first_heading = False
            parts.append(f'<{level} class="{size}">{_inline(block.text)}</{level}>')
        elif block.kind == "paragraph":
            parts.append(f'<p class="govuk-body">{_inline(block.text)}</p>')
        elif block.kind == "list":
            items = "".join(f"<li>{_inline(item)}</li>" for item in block.items)
            parts.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            rows = "".join(
                '<tr class="govuk-table__row">'
                + "".join(
                    (
                        f'<th scope="row" class="govuk-table__header">{_inline(cell)}</th>'
                        if n == 0
                        else f'<td class="govuk-table__cell">{_inline(cell)}</td>'
                    )
                    for n, cell in enumerate(row)
                )
                + "</tr>"
                for row in block.rows
            )
            body = f'<tbody class="govuk-table__body">{rows}</tbody>'
            parts.append(f'<table class="govuk-table">{body}</table>')
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece of text is escaped above
