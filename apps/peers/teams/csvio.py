"""The CLI's CSV contract: PEERS.csv and ENG.csv in, TEAMS.csv out.

Columns are found by header name, never position. Every row is validated before anything is
solved or written; each problem names the file, row (as a spreadsheet numbers it) and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from apps.core.importers import ImportProblem, read_csv_rows

from .domain import (
    KINDS,
    OFFICER_ROLES,
    Assignment,
    EngagementRequest,
    PeerRecord,
    PriorDeployment,
)
from .rules import TeamRules

PEER_COLUMNS = [
    "peer_id",
    "kind",
    "role",
    "party",
    "expertise",
    "home_council_gss",
    "former_council_gss",
    "region",
    "max_days",
    "accredited_until",
]
PEER_EXTRA_COLUMNS = ["name", "accredited_from", "history"]
ENGAGEMENT_COLUMNS = [
    "engagement_id",
    "council_gss",
    "region",
    "ruling_party",
    "start_date",
    "days",
    "team_size",
    "needs",
]
TEAM_COLUMNS = ["engagement_id", "peer_id", "lead"]

GSS = re.compile(r"^[ENSW]\d{8}$")
PARTY = re.compile(r"^[A-Za-z][A-Za-z .&'-]{0,29}$")
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_PROBLEMS = 50


class SchemaErrors(Exception):
    """Every problem found in the input files; nothing was solved or written."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Row:
    """Field readers that record a located problem instead of raising at the first one."""

    def __init__(self, path: Path, number: int, raw: dict[str, str], problems: list):
        self.path, self.number, self.raw, self.problems = path, number, raw, problems

    def bad(self, column: str, message: str) -> None:
        self.problems.append(ImportProblem(str(self.path), message, row=self.number, column=column))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.raw.get(column, "").strip()
        if required and not value:
            self.bad(column, "is empty")
        return value

    def unique_id(self, column: str, seen: dict[str, int]) -> str:
        value = self.text(column, required=True)
        if value in seen:
            self.bad(column, f"{value!r} already used on row {seen[value]}")
        seen.setdefault(value, self.number)
        return value

    def choice(self, column: str, allowed: Sequence[str]) -> str:
        value = self.text(column).lower()
        if value not in allowed:
            self.bad(column, f"{value!r} is not one of {', '.join(a for a in allowed if a)}")
        return value

    def integer(self, column: str, low: int, high: int, default: int | None = None) -> int:
        value = self.text(column)
        if not value and default is not None:
            return default
        try:
            number = int(value)
        except ValueError:
            self.bad(column, f"{value!r} is not a whole number")
            return low
        if not low <= number <= high:
            self.bad(column, f"{number} is outside {low} to {high}")
        return number

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.text(column)
        if not value:
            if required:
                self.bad(column, "is empty (expected a date YYYY-MM-DD)")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.bad(column, f"{value!r} is not a date (expected YYYY-MM-DD)")
            return None

    def items(self, column: str, check: Callable[[str], str | None], what: str) -> list[str]:
        out = []
        for part in self.text(column).split(";"):
            part = part.strip()
            if not part:
                continue
            value = check(part)
            if value is None:
                self.bad(column, f"{part!r} is not {what}")
            else:
                out.append(value)
        return out

    def gss(self, column: str, *, required: bool = False) -> str:
        value = self.text(column, required=required).upper()
        if value and not GSS.match(value):
            self.bad(column, f"{value!r} is not a GSS code (e.g. E09000008)")
        return value


def _slug(text: str) -> str | None:
    value = re.sub(r"[\s-]+", "_", text.strip().lower())
    return value if SLUG.match(value) else None


def _gss(text: str) -> str | None:
    value = text.strip().upper()
    return value if GSS.match(value) else None


def _history(row: _Row) -> tuple[PriorDeployment, ...]:
    out = []
    for part in row.text("history").split(";"):
        part = part.strip()
        if not part:
            continue
        day, _, days = part.partition(":")
        try:
            out.append(PriorDeployment(dt.date.fromisoformat(day), int(days or 1)))
        except ValueError:
            row.bad("history", f"{part!r} is not DATE:DAYS (e.g. 2025-06-02:5)")
    return tuple(out)


def _rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        return list(read_csv_rows(path, columns))
    except ImportProblem as problem:
        raise SchemaErrors([problem]) from problem
    except UnicodeDecodeError as exc:
        problem = ImportProblem(str(path), "is not UTF-8 text (save it as CSV UTF-8)")
        raise SchemaErrors([problem]) from exc
    except csv.Error as exc:
        raise SchemaErrors([ImportProblem(str(path), f"is not readable CSV ({exc})")]) from exc


def _finish(problems: list[ImportProblem]) -> None:
    if problems:
        raise SchemaErrors(problems[:MAX_PROBLEMS])


def read_peers(path: Path | str) -> list[PeerRecord]:
    """Read and validate PEERS.csv; raise SchemaErrors naming every bad row and column."""
    path = Path(path)
    problems: list[ImportProblem] = []
    peers: list[PeerRecord] = []
    seen: dict[str, int] = {}
    rows = _rows(path, PEER_COLUMNS)
    for number, raw in rows:
        row = _Row(path, number, raw, problems)
        peer_id = row.unique_id("peer_id", seen)
        kind = row.choice("kind", KINDS)
        role = row.text("role").lower()
        party = row.text("party")
        if kind == "officer":
            if role not in OFFICER_ROLES:
                row.bad("role", f"{role!r} is not one of {', '.join(OFFICER_ROLES)}")
            party = ""  # officers are politically restricted; a party here is ignored
        elif kind == "member":
            if not party:
                row.bad("party", "is empty (member peers need a party code, e.g. Con, Lab, LD)")
            elif not PARTY.match(party) or party.upper() == "NOC":
                row.bad("party", f"{party!r} is not a party code")
        home = row.gss("home_council_gss", required=kind == "member")
        former = row.items("former_council_gss", _gss, "a GSS code")
        until = row.date("accredited_until")
        since = row.date("accredited_from", required=False)
        if since and until and since > until:
            row.bad("accredited_from", f"{since} is after accredited_until {until}")
        peers.append(
            PeerRecord(
                peer_id=peer_id,
                kind=kind,
                role=role if kind == "officer" else "",
                party=party,
                expertise=frozenset(row.items("expertise", _slug, "an expertise code")),
                home_council=home,
                former_councils=frozenset(former),
                region=row.text("region"),
                max_days=row.integer("max_days", 0, 366),
                accredited_until=until,
                accredited_from=since,
                history=_history(row),
                name=row.text("name"),
            )
        )
    if not rows:
        problems.append(ImportProblem(str(path), "has no peer rows", row=2))
    _finish(problems)
    return peers


def read_engagements(path: Path | str, rules: TeamRules) -> list[EngagementRequest]:
    """Read and validate ENG.csv; raise SchemaErrors naming every bad row and column."""
    path = Path(path)
    problems: list[ImportProblem] = []
    out: list[EngagementRequest] = []
    seen: dict[str, int] = {}
    rows = _rows(path, ENGAGEMENT_COLUMNS)
    for number, raw in rows:
        row = _Row(path, number, raw, problems)
        eid = row.unique_id("engagement_id", seen)
        party = row.text("ruling_party", required=True)
        if party and not PARTY.match(party):
            row.bad("ruling_party", f"{party!r} is not a party code or NOC")
        start = row.date("start_date")
        out.append(
            EngagementRequest(
                engagement_id=eid,
                council_gss=row.gss("council_gss", required=True),
                region=row.text("region"),
                ruling_party="NOC" if party.upper() == "NOC" else party,
                start_date=start or dt.date.min,
                days=row.integer("days", 1, 60),
                team_size=row.integer(
                    "team_size", rules.min_size, rules.max_size, default=rules.default_size
                ),
                needs=tuple(dict.fromkeys(row.items("needs", _slug, "an expertise code"))),
                council_name=row.text("council_name") if "council_name" in raw else "",
            )
        )
    if not rows:
        problems.append(ImportProblem(str(path), "has no engagement rows", row=2))
    _finish(problems)
    return out


def write_teams(path: Path | str, assignments: Iterable[Assignment], order: Sequence[str]) -> int:
    """Write TEAMS.csv atomically (a half-written file never replaces a good one)."""
    path = Path(path)
    rank = {eid: i for i, eid in enumerate(order)}
    lead_rank = {"officer": 0, "member": 1, "": 2}
    rows = sorted(
        assignments, key=lambda a: (rank.get(a.engagement_id, 0), lead_rank[a.lead], a.peer_id)
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".csv.tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(TEAM_COLUMNS)
            for a in rows:
                writer.writerow([a.engagement_id, a.peer_id, a.lead])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)


def peer_row(peer: PeerRecord) -> dict[str, str]:
    """One PEERS.csv row (with the extra columns) for a peer record."""
    return {
        "peer_id": peer.peer_id,
        "kind": peer.kind,
        "role": peer.role,
        "party": peer.party,
        "expertise": ";".join(sorted(peer.expertise)),
        "home_council_gss": peer.home_council,
        "former_council_gss": ";".join(sorted(peer.former_councils)),
        "region": peer.region,
        "max_days": str(peer.max_days),
        "accredited_until": peer.accredited_until.isoformat() if peer.accredited_until else "",
        "name": peer.name,
        "accredited_from": peer.accredited_from.isoformat() if peer.accredited_from else "",
        "history": ";".join(f"{h.start_date.isoformat()}:{h.days}" for h in peer.history),
    }
