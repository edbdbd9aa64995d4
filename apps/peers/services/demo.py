"""Demo data for `make run`: a modest SYNTHETIC register and one demo team (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from apps.peers.models import Peer, PeerKind, TeamRequest

from .register import create_synthetic_register, ensure_expertise_areas
from .teams import build_team, ruling_party_for


def ensure_demo(stdout: TextIO, *, count: int = 300) -> None:
    ensure_expertise_areas()
    if not Peer.objects.exists():
        counts = create_synthetic_register(count, seed=0)
        stdout.write(f"   SYNTHETIC peer register: {counts['peers created']} peers created\n")
    else:
        stdout.write(f"   peer register present: {Peer.objects.count()} peers\n")
    _link_demo_peer(stdout)
    _demo_team(stdout)


def _link_demo_peer(stdout: TextIO) -> None:
    from apps.accounts.models import User

    user = User.objects.filter(username="peer").first()
    if user is None or Peer.objects.filter(user=user).exists():
        return
    today = timezone.localdate()
    peer = (
        Peer.objects.filter(user__isnull=True, synthetic=True, kind=PeerKind.MEMBER)
        .accredited_on(today)
        .order_by("peer_ref")
        .first()
    )
    if peer:
        peer.user = user
        peer.save(update_fields=["user"])
        stdout.write(f"   demo user 'peer' linked to {peer.name} ({peer.peer_ref})\n")


def _demo_team(stdout: TextIO) -> None:
    from apps.councils.models import Council

    if TeamRequest.objects.filter(is_demo=True).exists():
        return
    council = (
        Council.objects.filter(gss_code="E06000039").first() or Council.objects.current().first()
    )
    if council is None:
        return
    start = timezone.localdate() + dt.timedelta(days=49)
    start -= dt.timedelta(days=start.weekday())  # a Monday
    party, source = ruling_party_for(council, start)
    team = TeamRequest.objects.create(
        council=council,
        start_date=start,
        days=5,
        team_size=5,
        needs=["finance", "governance", "childrens"],
        ruling_party=party,
        ruling_party_source=source,
        is_demo=True,
    )
    result = build_team(team)
    stdout.write(f"   demo peer team for {council.name}: {result.summary()}\n")
