"""Events and public intelligence as data: the registers under `data/england/events/`.

Four registers, each a CSV with a source for every row (see data/SOURCES.md):
- section 114 notices (2018-2023), the chief finance officer's report that spending is likely
  to exceed resources (s114(3)) or that unlawful spending is planned (s114(2));
- Exceptional Financial Support agreed by government (2020-21 to 2023-24), dated to the start
  of the financial year it was for (support is agreed in principle around then; dating late
  never lets a backtest see the future);
- government statutory interventions, best value inspections and non-statutory reviews;
- auditors' public interest reports and statutory recommendations.

The same rows serve twice: as *events* a framework should have seen coming (validation) and as
*public intelligence* a framework may count from the date it became public. Each row is
categorised by the seven themes of the 2024 statutory best value guidance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

EVENTS_DIR = Path(__file__).resolve().parents[3] / "data/england/events"

# The seven themes of "Best value standards and intervention: a statutory guide for best value
# authorities" (MHCLG, May 2024).
THEMES = {
    "continuous_improvement": "Continuous improvement",
    "leadership": "Leadership",
    "governance": "Governance",
    "culture": "Culture",
    "use_of_resources": "Use of resources",
    "service_delivery": "Service delivery",
    "partnerships_and_community_engagement": "Partnerships and community engagement",
}

KIND_LABELS = {
    "s114(3)": "section 114(3) notice (spending likely to exceed resources)",
    "s114(2)": "section 114(2) notice (unlawful expenditure)",
    "efs": "Exceptional Financial Support from government",
    "statutory_intervention": "government statutory intervention",
    "best_value_inspection": "best value inspection",
    "non_statutory_review": "government non-statutory review",
    "public_interest_report": "auditor's public interest report",
    "statutory_recommendations": "auditor's statutory recommendations",
}


@dataclass(frozen=True)
class Register:
    name: str
    title: str
    file: str
    date_column: str
    kind_column: str | None  # None: every row has `kind`
    kind: str = ""
    themes: tuple[str, ...] = ()


REGISTERS = (
    Register(
        "s114",
        "Section 114 notices",
        "section-114-notices-2018-2023.csv",
        "notice_date",
        "section",
        themes=("use_of_resources", "governance"),
    ),
    Register(
        "efs",
        "Exceptional Financial Support",
        "exceptional-financial-support-2020-2024.csv",
        "financial_year",
        None,
        kind="efs",
        themes=("use_of_resources",),
    ),
    Register(
        "intervention",
        "Statutory interventions, inspections and government reviews",
        "interventions-and-inspections.csv",
        "date",
        "kind",
    ),
    Register(
        "auditor",
        "Auditors' public interest reports and statutory recommendations",
        "auditor-reports.csv",
        "date",
        "kind",
    ),
)


@dataclass(frozen=True)
class Event:
    """One dated event at one council (also used for events files a user passes in)."""

    gss_code: str
    council: str
    notice_date: dt.date  # the date it became public
    kind: str
    note: str = ""
    first_for_council: bool = True
    register: str = ""
    themes: tuple[str, ...] = ()
    source_url: str = ""

    @property
    def date(self) -> dt.date:
        return self.notice_date

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _date(register: Register, row: dict, path: Path, number: int) -> dt.date:
    from apps.core.importers import ImportProblem  # (openpyxl behind it: only when reading)

    raw = row.get(register.date_column, "").strip()
    if register.date_column == "financial_year":
        try:
            return dt.date(int(raw[:4]), 4, 1)
        except ValueError:
            raise ImportProblem(
                str(path), f"financial_year must be like 2022-23, not {raw!r}", row=number
            ) from None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ImportProblem(
            str(path),
            f"{register.date_column} must be YYYY-MM-DD, not {raw!r}",
            row=number,
            column=register.date_column,
        ) from None


def _themes(raw: str, path: Path, number: int) -> tuple[str, ...]:
    from apps.core.importers import ImportProblem

    themes = tuple(t.strip() for t in raw.split(";") if t.strip())
    unknown = [t for t in themes if t not in THEMES]
    if unknown:
        raise ImportProblem(
            str(path),
            f"unknown theme(s) {unknown}; use {sorted(THEMES)}",
            row=number,
            column="themes",
        )
    return themes


def read_register(register: Register, directory: Path = EVENTS_DIR) -> list[Event]:
    """Every row of one register, validated (file, row and column named on a problem)."""
    from apps.core.importers import ImportProblem, read_csv_rows

    path = directory / register.file
    required = ["gss_code", register.date_column]
    events: list[Event] = []
    for number, row in read_csv_rows(path, required=required):
        day = _date(register, row, path, number)
        kind = row.get(register.kind_column, "") if register.kind_column else register.kind
        if kind not in KIND_LABELS:
            raise ImportProblem(
                str(path), f"unknown kind {kind!r}", row=number, column=register.kind_column
            )
        themes = _themes(row.get("themes", ""), path, number) or register.themes
        note = row.get("reason") or row.get("summary") or row.get("note") or ""
        events.append(
            Event(
                gss_code=row["gss_code"].strip().upper(),
                council=row.get("council", ""),
                notice_date=day,
                kind=kind,
                note=note,
                register=register.name,
                themes=themes,
                source_url=row.get("evidence_url") or row.get("source_url") or "",
            )
        )
    return _mark_first(sorted(events, key=lambda e: (e.notice_date, e.gss_code)))


def _mark_first(events: list[Event]) -> list[Event]:
    from dataclasses import replace

    seen: set[str] = set()
    out = []
    for event in events:
        out.append(replace(event, first_for_council=event.gss_code not in seen))
        seen.add(event.gss_code)
    return out


@lru_cache(maxsize=4)
def all_events(directory: Path = EVENTS_DIR) -> tuple[Event, ...]:
    """Every event in every register, oldest first."""
    found: list[Event] = []
    for register in REGISTERS:
        found += read_register(register, directory)
    return tuple(sorted(found, key=lambda e: (e.notice_date, e.gss_code, e.register)))


def register_titles() -> dict[str, str]:
    return {r.name: r.title for r in REGISTERS}


def events_frame(events=None) -> pl.DataFrame:
    """entity, date, kind, register, themes (";"-joined), label, weight: one row per event."""
    events = all_events() if events is None else events
    return pl.DataFrame(
        {
            "entity": [e.gss_code for e in events],
            "date": [e.notice_date for e in events],
            "kind": [e.kind for e in events],
            "register": [e.register for e in events],
            "themes": [";".join(e.themes) for e in events],
            "label": [f"{e.kind_label} ({e.notice_date:%b %Y})" for e in events],
        },
        schema={
            "entity": pl.Utf8,
            "date": pl.Date,
            "kind": pl.Utf8,
            "register": pl.Utf8,
            "themes": pl.Utf8,
            "label": pl.Utf8,
        },
    )


INTELLIGENCE_COLUMNS = ("public_warnings",) + tuple(f"public_{t}" for t in THEMES)


def public_intelligence(
    as_at: dt.date, entities: list[str], window_days: int = 1095, frame: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Public warning signs known on `as_at`, from the registers: for each council, how many
    events became public in the `window_days` up to and including `as_at` (`public_warnings`),
    how many touched each best value theme (`public_<theme>`), and a readable list
    (`public_warnings__detail`). Nothing after `as_at` is counted."""
    frame = events_frame() if frame is None else frame
    since = as_at - dt.timedelta(days=window_days)
    recent = frame.filter((pl.col("date") <= as_at) & (pl.col("date") > since))
    base = pl.DataFrame({"entity": entities}, schema={"entity": pl.Utf8})
    aggs = [
        pl.len().cast(pl.Float64).alias("public_warnings"),
        pl.col("label").sort_by("date").str.join("; ").alias("public_warnings__detail"),
    ]
    aggs += [
        pl.col("themes").str.contains(theme).sum().cast(pl.Float64).alias(f"public_{theme}")
        for theme in THEMES
    ]
    counts = recent.group_by("entity").agg(aggs)
    out = base.join(counts, on="entity", how="left")
    return out.with_columns(pl.col(c).fill_null(0.0) for c in INTELLIGENCE_COLUMNS)


def latest_event_date() -> dt.date | None:
    events = all_events()
    return max(e.notice_date for e in events) if events else None
