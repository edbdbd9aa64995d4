"""What every indicator importer shares: reading workbooks as published, locating cells for error
messages, matching councils by E-code or GSS code (former councils included), publication-date
rules, the mapping files (TOML) beside the importers, and writing observations idempotently in
one transaction."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from apps.core.importers import BaseImporter, ImportProblem, SheetBook, column_letter, header_key

# Cells that mean "no figure" in government tables, as opposed to a malformed value.
NULL_MARKERS = {
    "",
    "..",
    "...",
    "\u2026",
    "-",
    "–",
    "n/a",
    "na",
    "x",
    ":",
    "*",
    "[x]",
    "[z]",
    "[c]",
    "[u]",
}
HERE = Path(__file__).resolve().parent
ECODE = re.compile(r"^E\d{4}$")
GSS = re.compile(r"^[EWSN]\d{8}$")
FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
OBSERVATION_COLUMNS = [
    "council_id",
    "indicator",
    "period",
    "period_end",
    "value",
    "text_value",
    "published",
    "vintage",
]


def normalise(text: Any) -> str:
    """Lower-case, single-spaced header text without parenthetical notes like '(total of ...)'."""
    text = re.sub(r"\(.*?\)", " ", str(text or ""))
    text = text.replace("\u2019", "'").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def read_rules(filename: str) -> dict[str, Any]:
    """A mapping file shipped beside the importers ('borrowing.toml'), parsed afresh: callers
    cache what they derive from it."""
    with open(HERE / filename, "rb") as handle:
        return tomllib.load(handle)


def cell_text(row: list[Any], column: int | None) -> str:
    """A cell's text, stripped; '' when there is no such column or the row stops short of it."""
    return str(row[column]).strip() if column is not None and column < len(row) else ""


def financial_year(start_year: int) -> tuple[str, dt.date]:
    """2016 -> ("2016-17", 31 March 2017)."""
    return f"{start_year}-{(start_year + 1) % 100:02d}", dt.date(start_year + 1, 3, 31)


# '2016-17', and the compact '201617' of later sheet names ('RS_LA_Data_202425')
YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/]?(\d{2})(?!\d)")
PUBLISHED_ON = re.compile(r"published on (\d{1,2} [A-Za-z]+ \d{4})")


def find_financial_year(texts: Iterable[str]) -> tuple[str, dt.date] | None:
    """The first financial year written like '2016-17' or '201617' in `texts` (titles, sheet
    names)."""
    for text in texts:
        for match in YEAR_RANGE.finditer(str(text)):
            if (int(match.group(1)) + 1) % 100 == int(match.group(2)):
                return financial_year(int(match.group(1)))
    return None


def stated_publication_date(book: SheetBook) -> tuple[dt.date | None, bool]:
    """The release date a workbook's front page states ('... published on 15 November 2018'),
    and whether the text before it calls the file a revision (not 'originally published')."""
    stated, revision = None, False
    for name in book.sheet_names:
        if "front" not in name.lower():
            continue
        text = " ".join(str(c) for row in book.rows(name) for c in row if c not in ("", None))
        match = PUBLISHED_ON.search(text)
        if match:
            try:
                stated = dt.datetime.strptime(match.group(1), "%d %B %Y").date()
            except ValueError:
                continue
            before = text[max(0, match.start() - 250) : match.start()].lower()
            revision = "revis" in before and "originally" not in before
    return stated, revision


def parse_financial_year(label: str) -> tuple[str, dt.date] | None:
    match = FINANCIAL_YEAR.match(label.strip())
    if not match:
        return None
    start = int(match.group(1))
    if (start + 1) % 100 != int(match.group(2)):
        return None
    return financial_year(start)


def end_of_month_after(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` after `day`'s month (31 Mar + 4 -> 31 Jul)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def read_number(value: Any, where: dict[str, Any], problem) -> float | None:
    """A numeric cell as float; None for a blank or a published 'no figure' marker; otherwise
    raise the importer's located problem."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise problem(f"expected a number, found {value!r}", **where)
    if isinstance(value, int | float):
        if value != value:  # NaN
            return None
        return float(value)
    text = str(value).strip()
    if text.lower() in NULL_MARKERS:
        return None
    try:
        return float(text.replace(",", "").replace("£", ""))
    except ValueError:
        raise problem(f"expected a number, found {text!r}", **where) from None


class CouncilIndex:
    """Finds a council by GSS code or by the E-code government finance tables use, including
    councils that no longer exist (Northamptonshire, Bournemouth, Poole, ...)."""

    def __init__(self) -> None:
        from apps.councils.models import Council

        self.by_gss: dict[str, int] = {}
        self.by_ecode: dict[str, int] = {}
        for pk, gss, ecode in Council.objects.values_list("id", "gss_code", "ecode"):
            self.by_gss[gss.strip().upper()] = pk
            if ecode:
                self.by_ecode[ecode.strip().upper()] = pk

    def find(self, gss: Any = None, ecode: Any = None) -> int | None:
        gss_text = str(gss or "").strip().upper()
        if gss_text in self.by_gss:
            return self.by_gss[gss_text]
        ecode_text = str(ecode or "").strip().upper()
        return self.by_ecode.get(ecode_text)

    def match(self, ecode: str, gss: str, name: str, unmatched: dict[str, str]) -> int | None:
        """The council of a finance table's row: by its ONS (GSS) code when that is well formed,
        else by its E-code. A row matching no council is noted in `unmatched` (under the GSS
        code, or the E-code when there is none) with the row's name, and None returned."""
        council_id = self.find(gss=gss if GSS.match(gss) else None, ecode=ecode)
        if council_id is None:
            unmatched[gss or ecode] = name
        return council_id


# What the published finance files need beyond the limits on uploads (apps.core.uploads), as
# measured: RS workbooks up to 257 columns (IW), the RO time-series CSV about 24 MB and 2,500
# columns. Anything larger still needs the operator's --max-bytes/--max-columns.
OFFICIAL_FILES = {"max_bytes": 100 * 1024 * 1024, "max_columns": 5_000}


def official_limits():
    """`uploads.file_limits()` raised to what published finance files need (OFFICIAL_FILES)."""
    from apps.core import uploads

    return uploads.file_limits(**OFFICIAL_FILES)


class Workbook(SheetBook):
    """A published workbook (.xlsx, .xls or .ods, told apart by content, not by name), read as
    cell values only (python-calamine), within `official_limits()`. `problem` is accepted for
    the importers' call shape."""

    def __init__(self, path: Path, problem=None) -> None:
        super().__init__(path, official_limits())


@dataclass
class Parsed:
    """What `parse` hands to `write`: validated observations, nothing written yet."""

    source_file: str
    rows: list[tuple] = field(default_factory=list)  # in OBSERVATION_COLUMNS order
    unmatched: dict[str, str] = field(default_factory=dict)  # code -> name, not councils
    extra_indicators: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        council_id: int,
        indicator: str,
        period: str,
        period_end: dt.date,
        value: float,
        published: dt.date,
        vintage: dt.date,
        text_value: str = "",
    ) -> None:
        self.rows.append(
            (council_id, indicator, period, period_end, value, text_value, published, vintage)
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.rows, columns=OBSERVATION_COLUMNS)


class IndicatorImporter(BaseImporter):
    """Base for the indicator importers: `parse` returns a Parsed, `write` stores it.

    Writing is idempotent: this file's earlier observations are replaced. When another file holds
    the same council, indicator, period and published date, the later vintage wins, whatever the
    order the files are imported in."""

    def parse(self) -> Parsed:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, parsed: Parsed) -> dict[str, int]:
        from apps.indicators.catalogue import sync_indicators
        from apps.indicators.models import Indicator, Observation
        from apps.indicators.services.point_in_time import invalidate_cache

        if not parsed.rows:
            # Writing nothing would still replace this file's earlier figures with none.
            raise self.problem(
                "the file holds no figures for any council: a header but no data rows this "
                "importer recognises"
            )
        ids = sync_indicators()
        for extra in parsed.extra_indicators:
            if extra["code"] not in ids:
                ids[extra["code"]] = Indicator.objects.create(**extra).id
        Observation.objects.filter(source_file=parsed.source_file).delete()
        new = parsed.frame()
        new = new.drop_duplicates(["council_id", "indicator", "period", "published"], keep="last")
        new["indicator_id"] = new["indicator"].map(ids)
        key = ["council_id", "indicator_id", "period", "published"]
        existing = pd.DataFrame.from_records(
            list(
                Observation.objects.filter(
                    indicator_id__in=new["indicator_id"].unique().tolist(),
                    published__in=new["published"].unique().tolist(),
                ).values_list("id", "council_id", "indicator_id", "period", "published", "vintage")
            ),
            columns=["id", "council_id", "indicator_id", "period", "published", "vintage_old"],
        )
        if not existing.empty and not new.empty:
            clash = new.merge(existing, on=key, how="inner")
            newer = clash["vintage"] > clash["vintage_old"]
            Observation.objects.filter(id__in=clash.loc[newer, "id"].tolist()).delete()
            keep_old = clash.loc[~newer, key]
            if not keep_old.empty:
                marker = new.merge(keep_old, on=key, how="left", indicator=True)["_merge"]
                new = new[(marker == "left_only").to_numpy()]
        new["source_file"] = parsed.source_file
        insert_observations(new)
        invalidate_cache()
        return {
            "observations": len(new),
            "councils": int(new["council_id"].nunique()) if len(new) else 0,
            "rows that are not councils (-v 2 lists them)": len(parsed.unmatched),
        }


def insert_observations(frame: pd.DataFrame) -> None:
    """Insert rows (council_id, indicator_id, period, period_end, value, text_value, source_file,
    published, vintage) with one executemany: tens of thousands of rows in well under a second,
    where model instances would take many."""
    from django.db import connection

    from apps.indicators.models import Observation

    if frame.empty:
        return
    table = connection.ops.quote_name(Observation._meta.db_table)
    columns = [
        "council_id",
        "indicator_id",
        "period",
        "period_end",
        "value",
        "text_value",
        "source_file",
        "published",
        "vintage",
    ]
    records = zip(
        frame["council_id"].astype(int).tolist(),
        frame["indicator_id"].astype(int).tolist(),
        frame["period"].tolist(),
        [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in frame["period_end"]],
        frame["value"].astype(float).tolist(),
        frame["text_value"].fillna("").astype(str).tolist(),
        frame["source_file"].tolist(),
        [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in frame["published"]],
        [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in frame["vintage"]],
        strict=True,
    )
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(records))


def describe_unmatched(unmatched: dict[str, str], limit: int = 12) -> str:
    names = [f"{name} ({code})" for code, name in sorted(unmatched.items(), key=lambda kv: kv[1])]
    shown = ", ".join(names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return (
        f"Not matched to a council (fire, police, parish, GLA, national park, ...): {shown}{more}"
    )


def first_match(patterns: Iterable[str], text: str) -> str | None:
    for pattern in patterns:
        if re.search(pattern, text):
            return pattern
    return None


__all__ = [
    "CouncilIndex",
    "ImportProblem",
    "IndicatorImporter",
    "Parsed",
    "Workbook",
    "column_letter",
    "describe_unmatched",
    "end_of_month_after",
    "financial_year",
    "find_financial_year",
    "header_key",
    "normalise",
    "parse_financial_year",
    "read_number",
    "stated_publication_date",
]
