"""The few facts about councils that team building needs: region, county area, political control.

Read from the councils register in the database when it is loaded (`from_register`), or straight
from the shipped register and political-control files (`from_shipped_files`) for the benchmark and
for runs with no database.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from apps.peers.teams.domain import CouncilAreas

ENGLISH_TYPES = {"CTY", "NMD", "UA", "MD", "LBO", "CC"}
# The political control file the councils app imports covers the 2019-20 financial year.
CONTROL_DAY = dt.date(2019, 10, 1)


@dataclass(frozen=True)
class CouncilFact:
    gss: str
    name: str
    region: str
    county_gss: str
    control: str  # party code, NOC, or "" when unknown


def from_register(day: dt.date = CONTROL_DAY) -> list[CouncilFact]:
    """Councils existing on `day` from the database register, with their control on that day."""
    from apps.councils.models import Council, PoliticalControl

    control = {
        pc.council_id: pc.control
        for pc in PoliticalControl.objects.filter(valid_from__lte=day).order_by("valid_from")
        if pc.valid_to is None or pc.valid_to >= day
    }
    return [
        CouncilFact(
            c.gss_code,
            c.name,
            c.region,
            c.county.gss_code if c.county else "",
            control.get(c.pk, ""),
        )
        for c in Council.objects.existing_on(day).select_related("county")
    ]


def areas_from_register() -> CouncilAreas:
    """County of every district in the register; `known` is False if the register is empty."""
    from apps.councils.models import Council

    pairs = dict(
        Council.objects.filter(county__isnull=False).values_list("gss_code", "county__gss_code")
    )
    if not pairs and not Council.objects.exists():
        return CouncilAreas.unknown()
    return CouncilAreas(pairs)


def from_shipped_files(
    data_dir: Path | None = None, day: dt.date = CONTROL_DAY
) -> list[CouncilFact]:
    """English councils existing on `day` from the shipped mySociety register and control file."""
    if data_dir is None:
        data_dir = Path(__file__).resolve().parents[3] / "data"
    register = data_dir / "england/local-authority-codes/uk_local_authorities_current.csv"
    control_file = (
        data_dir / "england/political-control/PoliticalControl_FinancialIndicators_2019-20.csv"
    )
    with open(control_file, newline="", encoding="utf-8-sig") as handle:
        control = {
            r["LA_code"].strip(): r["Political_control"].strip() for r in csv.DictReader(handle)
        }
    with open(register, newline="", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["nation"] == "England"]
    gss_of = {r["local-authority-code"]: r["gss-code"] for r in rows}
    facts = []
    for r in rows:
        start = dt.date.fromisoformat(r["start-date"]) if r["start-date"] else None
        end = dt.date.fromisoformat(r["end-date"]) if r["end-date"] else None
        if r["local-authority-type"] not in ENGLISH_TYPES:
            continue
        if (start and start > day) or (end and end <= day):
            continue
        facts.append(
            CouncilFact(
                r["gss-code"],
                r["nice-name"],
                r["region"],
                gss_of.get(r["county-la"], ""),
                control.get(r["gss-code"], ""),
            )
        )
    return facts


def areas_from_facts(facts: list[CouncilFact]) -> CouncilAreas:
    return CouncilAreas({f.gss: f.county_gss for f in facts if f.county_gss})
