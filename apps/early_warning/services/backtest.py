"""Events files a person brings to `nlb backtest --events FILE.csv` (gss_code, notice_date or
date[, council, kind, note]): validated row by row, then judged like the shipped registers
(see `services/validation.py`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from apps.core.importers import ImportProblem, read_csv_rows
from apps.early_warning.services.events import Event, _mark_first
from apps.early_warning.services.validation import months_before

__all__ = ["load_events", "months_before"]


def load_events(path: Path) -> list[Event]:
    """Read an events CSV; the council by GSS code or E-code; refuse a bad row naming it."""
    from apps.councils.models import Council

    known = dict(Council.objects.values_list("gss_code", "name"))
    by_ecode = {
        e.upper(): g for e, g in Council.objects.exclude(ecode="").values_list("ecode", "gss_code")
    }
    path = Path(path)
    rows = list(read_csv_rows(path, required=["gss_code"]))
    events: list[Event] = []
    for number, row in rows:
        column = "notice_date" if "notice_date" in row else "date"
        if column not in row:
            raise ImportProblem(str(path), "header lacks required column: notice_date", row=1)
        code = row["gss_code"].upper()
        code = by_ecode.get(code, code)  # an E-code (as in the finance returns) works too
        if code not in known:
            raise ImportProblem(
                str(path), f"unknown council code {code!r}", row=number, column="gss_code"
            )
        try:
            day = dt.date.fromisoformat(row[column])
        except ValueError:
            raise ImportProblem(
                str(path),
                f"{column} must be YYYY-MM-DD, not {row[column]!r}",
                row=number,
                column=column,
            ) from None
        events.append(
            Event(
                gss_code=code,
                council=row.get("council") or known[code],
                notice_date=day,
                kind=row.get("kind") or row.get("section") or "",
                note=row.get("note", ""),
                register="file",
            )
        )
    if not events:
        raise ImportProblem(str(path), "no events in file", row=2)
    return _mark_first(sorted(events, key=lambda e: (e.notice_date, e.gss_code)))
