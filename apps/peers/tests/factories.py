"""Plain-record builders for solver tests: a small imaginary county with two districts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from apps.peers.teams.domain import CouncilAreas, EngagementRequest, PeerRecord, PriorDeployment
from apps.peers.teams.rules import load_rules

# Real GSS codes, so the shapes are real: Kent (county), Dover and Thanet (its districts),
# Croydon (London borough), Slough (unitary).
KENT, DOVER, THANET, CROYDON, SLOUGH = (
    "E10000016",
    "E07000108",
    "E07000114",
    "E09000008",
    "E06000039",
)
AREAS = CouncilAreas({DOVER: KENT, THANET: KENT})
START = dt.date(2026, 3, 2)
UNTIL = dt.date(2028, 1, 1)


def rules(**changes):
    return replace(load_rules(), **changes)


def officer(peer_id: str, role: str = "other", expertise=(), **kw) -> PeerRecord:
    kw.setdefault("home_council", SLOUGH)
    kw.setdefault("region", "South East")
    kw.setdefault("max_days", 20)
    kw.setdefault("accredited_until", UNTIL)
    return PeerRecord(peer_id, "officer", role=role, expertise=frozenset(expertise), **kw)


def member(peer_id: str, party: str, expertise=(), **kw) -> PeerRecord:
    kw.setdefault("home_council", SLOUGH)
    kw.setdefault("region", "South East")
    kw.setdefault("max_days", 20)
    kw.setdefault("accredited_until", UNTIL)
    return PeerRecord(peer_id, "member", party=party, expertise=frozenset(expertise), **kw)


def engagement(
    eid: str = "E1", council: str = DOVER, party: str = "Lab", **kw
) -> EngagementRequest:
    kw.setdefault("region", "South East")
    kw.setdefault("start_date", START)
    kw.setdefault("days", 5)
    kw.setdefault("team_size", 3)
    kw.setdefault("needs", ("finance",))
    kw.setdefault(
        "council_name", {DOVER: "Dover", KENT: "Kent", CROYDON: "Croydon"}.get(council, council)
    )
    return EngagementRequest(eid, council, ruling_party=party, **kw)


def busy(start: dt.date = START, days: int = 5) -> tuple[PriorDeployment, ...]:
    return (PriorDeployment(start, days),)


def basic_pool() -> list[PeerRecord]:
    """A chief executive, a Labour councillor, a finance officer and two fillers."""
    return [
        officer("CE1", "chief_executive", ["leadership"]),
        member("LAB1", "Lab", ["governance"]),
        officer("FIN1", "finance", ["finance"]),
        officer("OTH1", "other", ["housing"]),
        officer("OTH2", "other", ["digital"]),
    ]
