"""SYNTHETIC families of team-building instances, for property tests and the benchmark.

One generator, many shapes: a `Family` names its parameters (scarcity of the pool, party mix,
how much the engagements' dates overlap, team sizes and lengths, how dense conflicts of interest
are, how many accreditations expire during the window, how busy peers already are). Peers and
engagements are SYNTHETIC; they sit on real English councils (the shipped register and their
2019-20 political control), so county areas and ruling parties have real shapes.
Same family and seed, same instance.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from apps.peers.teams.domain import CouncilAreas, EngagementRequest, PeerRecord, PriorDeployment

from .council_facts import CouncilFact, areas_from_facts
from .synthetic import EXPERTISE, NATIONAL_PARTY_MIX, ROLE_EXPERTISE

EXPERTISE_MIX = {
    **dict.fromkeys(("leadership", "finance", "governance", "transformation"), 10.0),
    **dict.fromkeys(("housing", "planning", "workforce", "communities"), 3.0),
    **dict.fromkeys(("childrens", "adults", "commercial", "digital"), 1.0),
}
OTHER_OFFICER_ROLES = ("finance", "monitoring_officer", "childrens", "adults", "other")


@dataclass(frozen=True)
class Family:
    """The parameters of a family of SYNTHETIC instances."""

    name: str
    peers: int
    engagements: int
    chief_executive_share: float = 0.05  # of all peers
    member_share: float = 0.36  # of all peers
    party_mix: dict[str, int] = field(default_factory=lambda: dict(NATIONAL_PARTY_MIX))
    noc_share: float | None = None  # share of engagements under NOC; None: the real control
    first_day: dt.date = dt.date(2027, 3, 1)
    window_days: int = 90  # engagements start within this many days: small means overlap
    team_sizes: tuple[int, int] = (4, 5)
    days: tuple[int, int] = (4, 5)
    needs: tuple[int, int] = (5, 9)  # expertise areas each engagement needs
    peer_expertise: tuple[int, int] = (0, 2)  # expertise areas per peer, besides their role's
    role_expertise: float = 0.3  # chance an officer's role brings its own area (finance...)
    # How common each expertise area is among peers (weights); rare areas make coverage hard.
    expertise_mix: dict[str, float] = field(default_factory=lambda: dict(EXPERTISE_MIX))
    max_days: tuple[int, int] = (4, 10)
    conflict_density: float = 0.1  # share of peers who serve or served an engaged council's area
    expiry: float = 0.05  # share of peers whose accreditation ends inside the window
    busy_share: float = 0.0  # share of peers with earlier deployments this deployment year

    def scaled(self, peers: int, engagements: int) -> Family:
        return replace(self, peers=peers, engagements=engagements)


# The shape an independent tester used (issue 11): 2,200 peers, 114 chief executives and 783
# member peers; 50 engagements in spring 2027 of 4-5 peers and 4-5 days; max_days 4-10.
ISSUE_11 = Family(
    "issue-11 shape",
    peers=2200,
    engagements=50,
    chief_executive_share=114 / 2200,
    member_share=783 / 2200,
)

FAMILIES: dict[str, Family] = {
    "spring": replace(ISSUE_11, name="spring", peers=300, engagements=12),
    "scarce": replace(
        ISSUE_11,
        name="scarce",
        peers=70,
        engagements=10,
        chief_executive_share=0.12,
        window_days=30,
    ),
    "overlapping": replace(ISSUE_11, name="overlapping", peers=150, engagements=10, window_days=4),
    "noc-heavy": replace(
        ISSUE_11,
        name="noc-heavy",
        peers=150,
        engagements=10,
        noc_share=0.7,
        party_mix={"Con": 30, "Lab": 30, "LD": 30, "Green": 5, "Ind": 5},
    ),
    "conflicted": replace(
        ISSUE_11, name="conflicted", peers=150, engagements=10, conflict_density=0.6
    ),
    "expiring": replace(
        ISSUE_11, name="expiring", peers=150, engagements=10, expiry=0.5, busy_share=0.4
    ),
    "big-teams": replace(
        ISSUE_11,
        name="big-teams",
        peers=200,
        engagements=8,
        team_sizes=(6, 8),
        days=(3, 8),
        max_days=(5, 20),
        window_days=40,
    ),
}


@dataclass
class Instance:
    family: Family
    seed: int
    peers: list[PeerRecord]
    engagements: list[EngagementRequest]
    areas: CouncilAreas

    @property
    def label(self) -> str:
        return f"{self.family.name}#{self.seed}"


def generate(family: Family, councils: list[CouncilFact], seed: int = 0) -> Instance:
    """A SYNTHETIC instance of `family` on these councils."""
    rng = random.Random(f"{family.name}|{seed}")
    councils = sorted(councils, key=lambda c: c.gss)
    engaged = rng.sample(councils, family.engagements)
    engagements = [_engagement(n, c, family, rng) for n, c in enumerate(engaged, start=1)]
    # Conflicts: a share of peers serve (or served) an engaged council, its county or a district
    # of its county, so they are kept off that engagement.
    near: dict[str, list[CouncilFact]] = {}
    for c in engaged:
        area = {c.gss, c.county_gss} - {""}
        near[c.gss] = [f for f in councils if f.gss in area or (f.county_gss in area)]
    # Exact counts of chief executives and member peers, in a shuffled order.
    chiefs = round(family.chief_executive_share * family.peers)
    members = round(family.member_share * family.peers)
    kinds = ["chief"] * chiefs + ["member"] * members
    kinds += ["officer"] * (family.peers - len(kinds))
    rng.shuffle(kinds)
    peers = [
        _peer(n, kind, family, councils, engaged, near, rng)
        for n, kind in enumerate(kinds, start=1)
    ]
    return Instance(family, seed, peers, engagements, areas_from_facts(councils))


def _engagement(n: int, c: CouncilFact, family: Family, rng: random.Random) -> EngagementRequest:
    if family.noc_share is not None:
        party = "NOC" if rng.random() < family.noc_share else _pick(rng, family.party_mix)
    else:
        party = c.control or "NOC"
    low, high = family.needs
    return EngagementRequest(
        engagement_id=f"ENG{n:03d}",
        council_gss=c.gss,
        region=c.region,
        ruling_party=party,
        start_date=family.first_day + dt.timedelta(days=rng.randint(0, family.window_days)),
        days=rng.randint(*family.days),
        team_size=rng.randint(*family.team_sizes),
        needs=tuple(sorted(rng.sample(EXPERTISE, rng.randint(low, min(high, len(EXPERTISE)))))),
        council_name=c.name,
    )


def _peer(n, drawn: str, family: Family, councils, engaged, near, rng) -> PeerRecord:
    if drawn == "chief":
        kind, role = "officer", "chief_executive"
    elif drawn == "member":
        kind, role = "member", ""
    else:
        kind, role = "officer", rng.choice(OTHER_OFFICER_ROLES)
    home = rng.choice(councils)
    former: set[str] = set()
    if rng.random() < family.conflict_density:
        target = rng.choice(engaged)
        pick = rng.choice(near[target.gss])
        if rng.random() < 0.5:
            home = pick
        else:
            former.add(pick.gss)
    expertise = (
        set(ROLE_EXPERTISE.get(role, [])[:1]) if rng.random() < family.role_expertise else set()
    )
    for _ in range(rng.randint(*family.peer_expertise)):
        expertise.add(_pick(rng, family.expertise_mix))
    party = ""
    if kind == "member":
        lean = home.control if home.control and home.control != "NOC" else ""
        party = lean if lean and rng.random() < 0.5 else _pick(rng, family.party_mix)
    window_end = family.first_day + dt.timedelta(days=family.window_days + max(family.days))
    if rng.random() < family.expiry:
        until = family.first_day + dt.timedelta(days=rng.randint(0, family.window_days))
    else:
        until = window_end + dt.timedelta(days=rng.randint(30, 900))
    history: tuple[PriorDeployment, ...] = ()
    if rng.random() < family.busy_share:
        # Earlier deployments in the same deployment year, before the window starts.
        year_start = dt.date(family.first_day.year - (family.first_day.month < 4), 4, 1)
        room = max((family.first_day - year_start).days - 10, 1)
        history = tuple(
            PriorDeployment(year_start + dt.timedelta(days=rng.randint(0, room)), rng.randint(2, 4))
            for _ in range(rng.randint(1, 2))
        )
    return PeerRecord(
        peer_id=f"SYN{n:05d}",
        kind=kind,
        role=role,
        party=party,
        expertise=frozenset(expertise),
        home_council=home.gss,
        former_councils=frozenset(former - {home.gss}),
        region=home.region,
        max_days=rng.randint(*family.max_days),
        accredited_until=until,
        accredited_from=family.first_day - dt.timedelta(days=rng.randint(30, 900)),
        history=history,
        name=f"Synthetic Peer {n:04d}",
    )


def _pick(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]
