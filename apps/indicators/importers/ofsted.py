"""Ofsted inspections of local authority children's services (ILACS): the latest judgement per
local authority in each published snapshot, with inspection and publication dates. Each
snapshot adds the inspections it holds, so importing several snapshots builds the history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from apps.indicators.catalogue import source_rules
from apps.indicators.importers.common import (
    GSS,
    CouncilIndex,
    IndicatorImporter,
    Parsed,
    Workbook,
    column_letter,
    header_key,
    normalise,
)

SCORES = {
    "outstanding": 1,
    "good": 2,
    "requires improvement": 3,
    "requires improvement to be good": 3,
    "inadequate": 4,
}
NOT_JUDGED = {"", "none", "n/a", "na", "nan", "not judged", "inspection_pre_dates_judgement"}
JUDGEMENTS = {
    "overall_effectiveness_grade": "ofsted_judgement",
    "impact_of_leaders_grade": "ofsted_impact_of_leaders",
    "help_and_protection_grade": "ofsted_help_and_protection",
    "in_care_grade": "ofsted_in_care",
    "care_leavers_grade": "ofsted_care_leavers",
}
REQUIRED = [
    "ltla23cd",
    "local_authority",
    "overall_effectiveness_grade",
    "inspection_end_date",
    "publication_date",
]


def read_date(value: Any) -> dt.date | None:
    """Dates as the scrape publishes them: 15/09/2023, 27/10/23, ISO, or a spreadsheet date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text or text.lower() in NOT_JUDGED:
        return None
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class OfstedImporter(IndicatorImporter):
    source_name = "ofsted"

    def parse(self) -> Parsed:
        book = Workbook(self.path, self.problem)
        sheet = book.sheet_names[0] if book.sheet_names else ""
        rows = book.rows(sheet)
        if not rows:
            raise self.problem("sheet is empty", sheet=sheet)
        header = [header_key(c) for c in rows[0]]  # 'Publication date' = 'publication_date'
        missing = [name for name in REQUIRED if header_key(name) not in header]
        if missing:
            raise self.problem(
                f"header lacks required column(s): {', '.join(missing)}", sheet=sheet, row=1
            )
        keys = {header_key(name): name for name in [*REQUIRED, *JUDGEMENTS]}
        col = {keys.get(key, key): j for j, key in reversed(list(enumerate(header))) if key}
        lag = int(source_rules()["ofsted"]["lag_days"])
        snapshot = re.search(r"(\d{4})-(\d{2})", self.path.name)
        councils = CouncilIndex()
        parsed = Parsed(source_file=self.path.name)
        for index, row in enumerate(rows[1:], start=2):

            def cell(name: str, row: list = row) -> object:
                return row[col[name]] if col[name] < len(row) else ""

            gss = str(cell("ltla23cd")).strip().upper()
            name = str(cell("local_authority")).strip()
            if not gss and not name:
                continue
            dates = {}
            for field in ("inspection_end_date", "publication_date"):
                try:
                    dates[field] = read_date(cell(field))
                except ValueError:
                    raise self.problem(
                        f"expected a date like 15/09/2023, found {cell(field)!r}",
                        sheet=sheet,
                        row=index,
                        column=f"{column_letter(col[field])} ({field})",
                    ) from None
            scores = {}
            for field, indicator in JUDGEMENTS.items():
                if field not in col:
                    continue
                text = normalise(cell(field))
                if text in NOT_JUDGED:
                    continue
                if text not in SCORES:
                    raise self.problem(
                        f"unknown judgement {cell(field)!r} (expected outstanding, good, "
                        "requires improvement or inadequate)",
                        sheet=sheet,
                        row=index,
                        column=f"{column_letter(col[field])} ({field})",
                    )
                scores[indicator] = (SCORES[text], text)
            council_id = councils.find(gss=gss if GSS.match(gss) else None)
            if council_id is None:
                parsed.unmatched[gss or name] = name
                continue
            if "ofsted_judgement" not in scores:
                parsed.notes.append(f"row {index}: {name} has no overall judgement")
                continue
            end = dates["inspection_end_date"] or dates["publication_date"]
            if end is None:
                parsed.notes.append(f"row {index}: {name} has no inspection or publication date")
                continue
            published = dates["publication_date"] or end + dt.timedelta(days=lag)
            vintage = (
                dt.date(int(snapshot.group(1)), int(snapshot.group(2)), 1)
                if snapshot
                else published
            )
            vintage = max(vintage, published)
            for indicator, (score, text) in scores.items():
                parsed.add(
                    council_id,
                    indicator,
                    f"ILACS {end.isoformat()}",
                    end,
                    float(score),
                    published,
                    vintage,
                    text_value=text,
                )
        return parsed
