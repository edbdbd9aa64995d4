from __future__ import annotations

import datetime as dt

import pytest

from apps.peers.models import Peer
from apps.peers.services.register import save_records
from apps.peers.teams.domain import PeerRecord

DOVER, THANET, SLOUGH, CROYDON = "E07000108", "E07000114", "E06000039", "E09000008"
START = dt.date(2026, 3, 2)


def _officer(ref, role, expertise=(), home=SLOUGH, **kw):
    kw.setdefault("accredited_until", dt.date(2030, 1, 1))
    return PeerRecord(
        ref,
        "officer",
        role=role,
        expertise=frozenset(expertise),
        home_council=home,
        region="South East",
        max_days=20,
        name=f"Test {ref}",
        **kw,
    )


def _member(ref, party, expertise=(), home=CROYDON):
    return PeerRecord(
        ref,
        "member",
        party=party,
        expertise=frozenset(expertise),
        home_council=home,
        region="London",
        max_days=20,
        accredited_until=dt.date(2030, 1, 1),
        name=f"Test {ref}",
    )


@pytest.fixture
def dover_party(db):
    from apps.councils.models import Council
    from apps.peers.services.teams import ruling_party_for

    return ruling_party_for(Council.objects.get(gss_code=DOVER), START)[0]


@pytest.fixture
def register(db, dover_party):
    """A small register around Dover (a Kent district): one peer per rule to trip over."""
    party = dover_party if dover_party != "NOC" else "Con"
    other = "Lab" if party != "Lab" else "Con"
    save_records(
        [
            _officer("CE1", "chief_executive", ["leadership"]),
            _member("M1", party, ["governance"]),
            _member("M2", other, ["housing"]),
            _officer("FIN1", "finance", ["finance"]),
            _officer("FINX", "finance", ["finance", "governance"], home=THANET),  # Kent district
            _officer("OLD", "finance", ["finance"], accredited_until=dt.date(2020, 1, 1)),
            _officer("O1", "other", ["digital"]),
            _officer("O2", "other", ["workforce"]),
            _officer("O3", "other", ["planning"]),
        ]
    )
    return {p.peer_ref: p for p in Peer.objects.all()}
