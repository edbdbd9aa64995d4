"""Importers for the councils register, Oflog nearest neighbours and political control."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from apps.core.importers import BaseImporter, ImportProblem, read_csv_rows
from apps.councils.models import Council, CouncilType, NearestNeighbour, PoliticalControl

ENGLAND_DIR = settings.DATA_DIR / "england"
GSS_PATTERN = re.compile(r"^[ENSW]\d{8}$")
PRINCIPAL_TYPES = {choice.value for choice in CouncilType}


def parse_date(text: str, problem) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise problem(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def parse_number(text: str, problem, *, low: float, high: float) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise problem(f"{text!r} is not a number") from None
    if not low <= value <= high:
        raise problem(f"{value} is outside the range {low} to {high}")
    return value


@dataclass
class CouncilRow:
    code: str
    gss_code: str
    ecode: str
    name: str
    official_name: str
    council_type: str
    region: str
    county_code: str
    population: int | None
    latitude: float | None
    longitude: float | None
    start_date: dt.date | None
    end_date: dt.date | None
    replaced_by: list[str] = field(default_factory=list)


class CouncilRegisterImporter(BaseImporter):
    """mySociety's register, restricted to English principal councils (current and former).

    The register ends some councils on their last day (31 March) and others on their successor's
    first day; we store `end_date` as the first day the council no longer existed, so
    `Council.objects.existing_on(day)` is simply start <= day < end.
    """

    REQUIRED = [
        "local-authority-code",
        "official-name",
        "nice-name",
        "gss-code",
        "start-date",
        "end-date",
        "replaced-by",
        "nation",
        "region",
        "local-authority-type",
        "county-la",
        "ecode",
        "pop-2020",
        "lat",
        "long",
    ]

    def parse(self) -> list[CouncilRow]:
        rows: list[CouncilRow] = []
        seen: dict[str, int] = {}
        for number, raw in read_csv_rows(self.path, self.REQUIRED):
            if raw["nation"] != "England" or raw["local-authority-type"] not in PRINCIPAL_TYPES:
                continue

            def problem(message: str, column: str, number: int = number) -> ImportProblem:
                return self.problem(message, row=number, column=column)

            code = raw["local-authority-code"]
            if not re.fullmatch(r"[A-Z]{3,4}", code):
                raise problem(f"{code!r} is not a register code", "local-authority-code")
            if code in seen:
                raise problem(f"duplicate of row {seen[code]}", "local-authority-code")
            seen[code] = number
            gss = raw["gss-code"]
            if not GSS_PATTERN.match(gss) or not gss.startswith("E"):
                raise problem(f"{gss!r} is not an English GSS code", "gss-code")
            if raw["ecode"] and not re.fullmatch(r"E\d{4}", raw["ecode"]):
                raise problem(f"{raw['ecode']!r} is not an E-code", "ecode")
            if not raw["nice-name"] or not raw["official-name"]:
                raise problem("name is empty", "nice-name")
            population = parse_number(
                raw["pop-2020"], lambda m: problem(m, "pop-2020"), low=0, high=20_000_000
            )
            rows.append(
                CouncilRow(
                    code=code,
                    gss_code=gss,
                    ecode=raw["ecode"],
                    name=raw["nice-name"],
                    official_name=raw["official-name"],
                    council_type=raw["local-authority-type"],
                    region=raw["region"],
                    county_code=raw["county-la"],
                    population=int(population) if population is not None else None,
                    latitude=parse_number(
                        raw["lat"], lambda m: problem(m, "lat"), low=49.0, high=56.0
                    ),
                    longitude=parse_number(
                        raw["long"], lambda m: problem(m, "long"), low=-7.0, high=2.5
                    ),
                    start_date=parse_date(raw["start-date"], lambda m: problem(m, "start-date")),
                    end_date=parse_date(raw["end-date"], lambda m: problem(m, "end-date")),
                    replaced_by=[c for c in raw["replaced-by"].split(",") if c],
                )
            )
        self._check_references(rows, seen)
        self._normalise(rows)
        return rows

    def _check_references(self, rows: list[CouncilRow], seen: dict[str, int]) -> None:
        for row in rows:
            for column, codes in (
                ("county-la", [row.county_code]),
                ("replaced-by", row.replaced_by),
            ):
                for other in codes:
                    if other and other not in seen:
                        raise self.problem(
                            f"{other!r} is not an English principal council in this file",
                            row=seen[row.code],
                            column=column,
                        )

    @staticmethod
    def _normalise(rows: list[CouncilRow]) -> None:
        by_code = {row.code: row for row in rows}
        for row in rows:
            successors = [by_code[c] for c in row.replaced_by]
            starts = [s.start_date for s in successors if s.start_date]
            if row.end_date and starts:
                row.end_date = min(starts)
            elif row.end_date and (row.end_date.month, row.end_date.day) == (3, 31):
                row.end_date += dt.timedelta(days=1)
            if not row.region and successors:
                row.region = next((s.region for s in successors if s.region), "")

    def write(self, rows: list[CouncilRow]) -> dict[str, int]:
        existing = {c.code: c for c in Council.objects.all()}
        created = updated = 0
        for row in rows:
            values = {
                "gss_code": row.gss_code,
                "ecode": row.ecode,
                "name": row.name,
                "official_name": row.official_name,
                "council_type": row.council_type,
                "region": row.region,
                "population": row.population,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "start_date": row.start_date,
                "end_date": row.end_date,
            }
            council = existing.get(row.code)
            if council is None:
                existing[row.code] = Council.objects.create(code=row.code, **values)
                created += 1
            elif any(getattr(council, k) != v for k, v in values.items()):
                Council.objects.filter(pk=council.pk).update(**values)
                updated += 1
        for row in rows:
            council = existing[row.code]
            county = existing.get(row.county_code) if row.county_code else None
            if council.county_id != (county.pk if county else None):
                Council.objects.filter(pk=council.pk).update(county=county)
            council.replaced_by.set([existing[c] for c in row.replaced_by])
        return {"councils": len(rows), "created": created, "updated": updated}


class NearestNeighbourImporter(BaseImporter):
    """Oflog's NN.json: each council's group of 16 (itself and its 15 nearest neighbours).

    Oflog lists a group sorted by code, not by similarity, and repeats a code now and then; we
    keep each neighbour once, in the published order.

    Keys that are not English principal councils (combined authorities, E47...) are skipped and
    counted; a neighbour code we do not know is an error, since it would silently shrink a group.
    """

    def parse(self) -> dict[str, list[str]]:
        try:
            groups = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise self.problem(f"not readable JSON ({exc})") from exc
        if not isinstance(groups, dict):
            raise self.problem("expected an object mapping GSS codes to lists")
        known = set(Council.objects.values_list("gss_code", flat=True))
        if not known:
            raise self.problem("no councils loaded yet: run import_councils first")
        parsed: dict[str, list[str]] = {}
        self.skipped = 0
        for key, members in groups.items():
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise self.problem("expected a list of GSS codes", column=key)
            if key not in known:
                self.skipped += 1
                continue
            neighbours = list(dict.fromkeys(m for m in members if m != key))
            unknown = [m for m in neighbours if m not in known]
            if unknown:
                raise self.problem(f"unknown council code(s) {', '.join(unknown)}", column=key)
            parsed[key] = neighbours
        return parsed

    def write(self, groups: dict[str, list[str]]) -> dict[str, int]:
        ids = dict(Council.objects.values_list("gss_code", "pk"))
        NearestNeighbour.objects.filter(source=self.source).delete()
        NearestNeighbour.objects.bulk_create(
            NearestNeighbour(
                council_id=ids[key], neighbour_id=ids[code], rank=rank, source=self.source
            )
            for key, members in groups.items()
            for rank, code in enumerate(members, start=1)
        )
        return {"councils": len(groups), "skipped non-councils": self.skipped}

    @property
    def source(self) -> str:
        return f"Oflog {self.path.name}"


class PoliticalControlImporter(BaseImporter):
    """A financial-year snapshot of political control, stored as a dated fact for that year.

    The file name carries the year (…_2019-20.csv); control is recorded as valid over that
    financial year, since the source does not say when within the year it was observed.
    """

    REQUIRED = ["Authority", "LA_code", "Political_control"]
    CONTROL_PATTERN = re.compile(r"^[A-Za-z][A-Za-z ]{0,19}$")

    def year(self) -> tuple[dt.date, dt.date]:
        match = re.search(r"(\d{4})-(\d{2})", self.path.name)
        if not match:
            raise self.problem("file name must carry the financial year, e.g. _2019-20")
        start = int(match.group(1))
        return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)

    def parse(self) -> list[tuple[str, str]]:
        self.year()
        known = set(Council.objects.values_list("gss_code", flat=True))
        rows = []
        for number, raw in read_csv_rows(self.path, self.REQUIRED):
            if raw["LA_code"] not in known:
                raise self.problem(
                    f"{raw['LA_code']!r} is not a known council", row=number, column="LA_code"
                )
            if not self.CONTROL_PATTERN.match(raw["Political_control"]):
                raise self.problem(
                    f"{raw['Political_control']!r} is not a party code",
                    row=number,
                    column="Political_control",
                )
            rows.append((raw["LA_code"], raw["Political_control"]))
        return rows

    def write(self, rows: list[tuple[str, str]]) -> dict[str, int]:
        valid_from, valid_to = self.year()
        ids = dict(Council.objects.values_list("gss_code", "pk"))
        source = f"{self.path.name}"
        PoliticalControl.objects.filter(source=source).delete()
        PoliticalControl.objects.bulk_create(
            PoliticalControl(
                council_id=ids[gss],
                control=control,
                valid_from=valid_from,
                valid_to=valid_to,
                source=source,
            )
            for gss, control in rows
        )
        return {"councils": len(rows)}


DEFAULT_FILES: dict[type[BaseImporter], Path] = {
    CouncilRegisterImporter: ENGLAND_DIR / "local-authority-codes/uk_local_authorities_current.csv",
    NearestNeighbourImporter: ENGLAND_DIR / "nearest-neighbours/NN.json",
    PoliticalControlImporter: ENGLAND_DIR
    / "political-control/PoliticalControl_FinancialIndicators_2019-20.csv",
}
