"""A SYNTHETIC register of peers on real councils and their real 2019-20 political control.

Real peer lists are personal data, so the product ships none. This generator draws peers whose
names say they are synthetic ("Synthetic Peer 0042"), placed on real English councils; a member
peer's party leans to the party that controlled their council in 2019-20. Same seed, same register.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from apps.peers.teams.domain import EngagementRequest, PeerRecord, PriorDeployment

from .council_facts import CouncilFact

SYNTHETIC_PREFIX = "Synthetic Peer"
NATIONAL_PARTY_MIX = {"Con": 40, "Lab": 35, "LD": 14, "Green": 5, "Ind": 6}
OFFICER_ROLE_MIX = {
    "chief_executive": 22,
    "finance": 16,
    "monitoring_officer": 10,
    "childrens": 14,
    "adults": 14,
    "other": 24,
}
ROLE_EXPERTISE = {
    "chief_executive": ["leadership", "transformation"],
    "finance": ["finance", "commercial"],
    "monitoring_officer": ["governance"],
    "childrens": ["childrens"],
    "adults": ["adults"],
    "other": [],
}
EXPERTISE = [
    "finance",
    "governance",
    "leadership",
    "childrens",
    "adults",
    "transformation",
    "housing",
    "planning",
    "commercial",
    "workforce",
    "communities",
    "digital",
]
LEADERSHIP_ROLES = ["Leader", "Deputy leader", "Cabinet member", "Committee chair", "Group leader"]
COURSES = [
    "Peer challenge induction",
    "Finance peer training",
    "Children's services peer update",
    "Safeguarding refresher",
    "Lead peer masterclass",
]


@dataclass
class SyntheticPeer:
    record: PeerRecord
    leadership_roles: list[str] = field(default_factory=list)
    training: list[tuple[str, dt.date]] = field(default_factory=list)


def _pick(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def generate_peers(
    count: int, councils: Sequence[CouncilFact], *, seed: int = 0, as_of: dt.date | None = None
) -> list[SyntheticPeer]:
    """`count` synthetic peers; about 40% member peers, 60% officer peers."""
    rng = random.Random(seed)
    as_of = as_of or dt.date.today()
    councils = sorted(councils, key=lambda c: c.gss)
    if not councils:
        raise ValueError("no councils to place synthetic peers on: load the councils register")
    out = []
    for n in range(1, count + 1):
        home = rng.choice(councils)
        kind = "member" if rng.random() < 0.4 else "officer"
        role = party = ""
        if kind == "officer":
            role = _pick(rng, OFFICER_ROLE_MIX)
            expertise = set(ROLE_EXPERTISE[role]) | set(rng.sample(EXPERTISE, rng.randint(1, 2)))
        else:
            if home.control and home.control != "NOC" and rng.random() < 0.7:
                party = home.control
            else:
                party = _pick(rng, NATIONAL_PARTY_MIX)
            expertise = {"leadership"} | set(rng.sample(EXPERTISE, rng.randint(1, 2)))
        former = set()
        if rng.random() < (0.45 if kind == "officer" else 0.1):
            former = {c.gss for c in rng.sample(councils, rng.randint(1, 2))} - {home.gss}
        accredited_from = as_of - dt.timedelta(days=rng.randint(0, 1200))
        record = PeerRecord(
            peer_id=f"SYN{n:05d}",
            kind=kind,
            role=role,
            party=party,
            expertise=frozenset(expertise),
            home_council=home.gss,
            former_councils=frozenset(former),
            region=home.region,
            max_days=rng.choice([10, 15, 20, 20, 25, 30]),
            accredited_until=accredited_from + dt.timedelta(days=3 * 365),
            accredited_from=accredited_from,
            name=f"{SYNTHETIC_PREFIX} {n:04d}",
        )
        leadership = rng.sample(LEADERSHIP_ROLES, rng.randint(1, 2)) if kind == "member" else []
        training = [
            (course, accredited_from + dt.timedelta(days=rng.randint(0, 700)))
            for course in rng.sample(COURSES, rng.randint(1, 3))
        ]
        out.append(SyntheticPeer(record, leadership, [t for t in training if t[1] <= as_of]))
    return out


def generate_engagements(
    count: int,
    councils: Sequence[CouncilFact],
    *,
    seed: int = 0,
    start: dt.date,
    spread_days: int = 0,
    team_size: int = 5,
) -> list[EngagementRequest]:
    """`count` SYNTHETIC engagement requests on real councils (for benchmarks and scale tests)."""
    rng = random.Random(seed + 1)
    chosen = rng.sample(sorted(councils, key=lambda c: c.gss), count)
    return [
        EngagementRequest(
            engagement_id=f"ENG{n:03d}",
            council_gss=c.gss,
            region=c.region,
            ruling_party=c.control or "NOC",
            start_date=start + dt.timedelta(days=rng.randint(0, spread_days)),
            days=rng.choice([4, 5, 5, 6]),
            team_size=team_size,
            needs=tuple(sorted(rng.sample(EXPERTISE, rng.randint(2, 4)))),
            council_name=c.name,
        )
        for n, c in enumerate(chosen, start=1)
    ]


def with_history(peer: PeerRecord, *deployments: PriorDeployment) -> PeerRecord:
    from dataclasses import replace

    return replace(peer, history=peer.history + tuple(deployments))
