"""The records the team builder works on: peers, engagements, assignments and results.

Plain frozen dataclasses, so the solver, the greedy baseline, the CLI and the web views share one
vocabulary and tests can build cases in a line or two without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .calendar import working_span

OFFICER_ROLES = ("chief_executive", "finance", "monitoring_officer", "childrens", "adults", "other")
KINDS = ("member", "officer")
LEADS = ("officer", "member", "")


@dataclass(frozen=True)
class PriorDeployment:
    """A deployment already on the peer's record: counts towards capacity and deployments."""

    start_date: dt.date
    days: int
    note: str = ""  # when not a past deployment, e.g. "held for proposed team request 12"

    @property
    def end_date(self) -> dt.date:
        """The last of its working days (see `calendar`)."""
        return working_span(self.start_date, self.days)[1]


@dataclass(frozen=True)
class PeerRecord:
    peer_id: str
    kind: str  # "member" (councillor) or "officer"
    role: str = ""  # officers: one of OFFICER_ROLES
    party: str = ""  # members: party code, e.g. Con, Lab, LD, Green, Ind
    expertise: frozenset[str] = frozenset()
    home_council: str = ""  # GSS code
    former_councils: frozenset[str] = frozenset()
    region: str = ""
    max_days: int = 0  # days available in a deployment year
    accredited_until: dt.date | None = None
    accredited_from: dt.date | None = None
    history: tuple[PriorDeployment, ...] = ()
    name: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.peer_id})" if self.name else self.peer_id


@dataclass(frozen=True)
class EngagementRequest:
    engagement_id: str
    council_gss: str
    region: str
    ruling_party: str  # a party code, or "NOC" when no party controls the council
    start_date: dt.date
    days: int
    team_size: int
    needs: tuple[str, ...] = ()
    council_name: str = ""
    # What people call it ("team request 12"); empty where the id is the name (files, the API).
    name: str = ""

    @property
    def end_date(self) -> dt.date:
        """The engagement runs `days` working days from its start date (see `calendar`)."""
        return working_span(self.start_date, self.days)[1]

    @property
    def label(self) -> str:
        """How messages name it: never the solver's code when it has a name people know."""
        return f"{self.name or self.engagement_id} ({self.council_name or self.council_gss})"

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start_date <= end and start <= self.end_date


class CouncilAreas:
    """Which county area each council lies in: a district maps to its county.

    `known` is False when no register was available: then the same-county-area rule cannot be
    checked, and the builder says so rather than pretending it holds.
    """

    def __init__(self, county_of: Mapping[str, str] | None = None, *, known: bool = True):
        self.county_of = dict(county_of or {})
        self.known = known and county_of is not None

    def areas(self, gss: str) -> set[str]:
        if not gss:
            return set()
        county = self.county_of.get(gss)
        return {gss, county} if county else {gss}

    def same_county_area(self, a: str, b: str) -> bool:
        if not a or not b or a == b:
            return False
        return bool(self.areas(a) & self.areas(b))

    @classmethod
    def unknown(cls) -> CouncilAreas:
        return cls(None, known=False)


@dataclass(frozen=True)
class Assignment:
    engagement_id: str
    peer_id: str
    lead: str = ""  # "officer", "member" or ""
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Blocker:
    """Why an engagement could not be staffed, naming the rule in plain English."""

    engagement_id: str
    rule: str  # a RULE_LABELS key
    message: str


@dataclass
class BatchResult:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE (nothing staffed), UNKNOWN, or PARTIAL
    assignments: list[Assignment] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)
    needs_covered: int = 0
    needs_total: int = 0
    gap: float = 0.0  # relative gap of the last stage solved (0 when proved optimal)
    seconds: float = 0.0
    stages: dict[str, str] = field(default_factory=dict)
    candidates: int = 0  # decision variables after presolve filtering
    notes: list[str] = field(default_factory=list)
    stage_gaps: dict[str, float] = field(default_factory=dict)  # per stage: 0 when proved
    components: int = 0  # independent groups of engagements solved apart
    greedy_staffed: int = 0  # teams the greedy baseline (the solver's first incumbent) formed

    def team(self, engagement_id: str) -> list[Assignment]:
        return [a for a in self.assignments if a.engagement_id == engagement_id]

    @property
    def staffed(self) -> set[str]:
        return {a.engagement_id for a in self.assignments}

    def summary(self) -> str:
        line = (
            f"needs_covered={self.needs_covered} needs_total={self.needs_total} "
            f"status={self.status} seconds={self.seconds:.2f}"
        )
        if self.status not in ("OPTIMAL", "INFEASIBLE"):
            line += f" gap={self.gap:.2%}"
        return line

    def stages_text(self) -> str:
        """Each stage, OPTIMAL or with its proved gap: `teams=OPTIMAL coverage=1.20% ...`."""
        parts = []
        for name, status in self.stages.items():
            gap = self.stage_gaps.get(name, 0.0)
            parts.append(f"{name}={'OPTIMAL' if status == 'OPTIMAL' else f'gap {gap:.2%}'}")
        return " ".join(parts)


def needs_covered_by(team: Iterable[PeerRecord], needs: Iterable[str]) -> set[str]:
    skills: set[str] = set()
    for peer in team:
        skills |= peer.expertise
    return set(needs) & skills
