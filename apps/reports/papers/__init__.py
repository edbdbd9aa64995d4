"""The paper templates: each builds a paper's live content (numbered sections with tables and
charts, and suggested prose) from the data as at a date, so a paper renders the same figures
whenever it is opened. A template's body is for the board (no case detail, no soft
intelligence); case detail goes only into the confidential annex (`with_annex=True`), which
views hand only to people who may see every case.

Register a template in TEMPLATES; `apps.reports.services` assembles a Paper from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from apps.reports.documents import Chart, Section, Table


@dataclass
class Content:
    """What a template contributes to a paper as at a date."""

    sections: list[Section]
    summary: list[str]  # suggested prose: the author edits it before approval
    recommendations: list[str]
    background: list[str] = field(default_factory=list)
    recommendations_lead: str = "That the Improvement Board:"
    financial_implications: str = "None arising directly from this report."
    implications_for_wales: str = "None direct: the figures cover English councils only."
    annex: list[Section] = field(default_factory=list)
    subtitle: str = ""


class PaperTemplate(Protocol):
    key: str
    label: str
    description: str
    classification: str
    purpose: str

    def default_title(self, as_at: dt.date, options: dict) -> str: ...

    def build(
        self, as_at: dt.date, since: dt.date | None, options: dict, *, with_annex: bool
    ) -> Content: ...


def table_section(
    heading: str,
    paragraphs: list[str],
    caption: str,
    header: list[str],
    rows: list[list],
    chart: Chart | None = None,
) -> Section:
    """A section whose figures are one table, with a chart of the same figures where one is drawn
    (a paper never shows a chart without its table)."""
    return Section(
        heading=heading,
        paragraphs=paragraphs,
        tables=[Table(caption=caption, header=header, rows=rows)],
        charts=[chart] if chart else [],
    )


def templates() -> dict[str, PaperTemplate]:
    from apps.reports.papers.consultation import WhatWeHeard
    from apps.reports.papers.engagements import EngagementsPaper
    from apps.reports.papers.quarterly import EarlyWarningQuarterly

    found = [EarlyWarningQuarterly(), EngagementsPaper(), WhatWeHeard()]
    return {t.key: t for t in found}


def template(key: str) -> PaperTemplate:
    try:
        return templates()[key]
    except KeyError:
        raise KeyError(f"No paper template called {key!r}") from None


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day where that day does not exist)."""
    import calendar

    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
