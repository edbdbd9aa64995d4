"""Demo data for `make run`: a modest SYNTHETIC register and one demo team (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from apps.peers.models import Peer, PeerKind, TeamRequest

from .register import create_synthetic_register, ensure_expertise_areas
from .teams import build_team, confirm, ruling_party_for, swap


def ensure_demo(stdout: TextIO, *, count: int = 300) -> None:
    ensure_expertise_areas()
    if not Peer.objects.exists():
        counts = create_synthetic_register(count, seed=0)
        stdout.write(f"   SYNTHETIC peer register: {counts['peers created']} peers created\n")
    else:
        stdout.write(f"   peer register present: {Peer.objects.count()} peers\n")
    _demo_team(stdout)
    _croydon_team(stdout)
    _link_demo_peer(stdout)


def _croydon_team(stdout: TextIO) -> None:
    """The demo peer's deployment to Croydon's demo engagement, made the one way deployments are
    made: a peer team built, the demo peer swapped in (every rule re-checked) and confirmed, which
    records the deployment on the peer's record and deploys them to the engagement in the role
    their place on the team gives them. So the two always agree."""
    from apps.accounts.models import User
    from apps.engagements.models import Engagement, EngagementMember, MemberRole

    user = User.objects.filter(username="peer").first()
    engagement = Engagement.objects.filter(council__gss_code="E09000008", is_demo=True).first()
    if user is None or engagement is None:
        return
    if TeamRequest.objects.filter(engagement=engagement, is_demo=True).exists():
        return
    # Deployments recorded on the engagement alone (older demo data) are not peer deployments.
    peer_roles = [r for r in MemberRole.values if r.endswith("peer")]
    EngagementMember.objects.filter(engagement=engagement, role__in=peer_roles).delete()
    # On site now: from this week's Monday for three working weeks (the plan is in delivery).
    start = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    party, source = ruling_party_for(engagement.council, start)
    team = TeamRequest.objects.create(
        council=engagement.council,
        engagement=engagement,
        start_date=start,
        days=15,
        team_size=5,
        needs=["finance", "governance", "housing"],
        ruling_party=party,
        ruling_party_source=source,
        is_demo=True,
    )
    build_team(team)
    by = (
        User.objects.filter(username="pm").first() or User.objects.filter(is_superuser=True).first()
    )
    peer = Peer.objects.filter(user=user).first()
    candidates = [peer] if peer else _demo_peer_candidates()
    for candidate in candidates:
        if _swap_in(team, candidate):
            if candidate.user_id is None:
                candidate.user = user
                candidate.save(update_fields=["user"])
                stdout.write(
                    f"   demo user 'peer' linked to {candidate.name} ({candidate.peer_ref})\n"
                )
            break
    if by is not None and not confirm(team, by=by):
        stdout.write(
            f"   demo peer team for {engagement.council.name} confirmed (deployments recorded)\n"
        )


def _link_demo_peer(stdout: TextIO) -> None:
    """Without Croydon's demo engagement, the demo user `peer` is still a peer."""
    from apps.accounts.models import User

    user = User.objects.filter(username="peer").first()
    if user is None or Peer.objects.filter(user=user).exists():
        return
    for peer in _demo_peer_candidates()[:1]:
        peer.user = user
        peer.save(update_fields=["user"])
        stdout.write(f"   demo user 'peer' linked to {peer.name} ({peer.peer_ref})\n")


def _demo_peer_candidates() -> list[Peer]:
    today = timezone.localdate()
    return list(
        Peer.objects.filter(user__isnull=True, synthetic=True, kind=PeerKind.MEMBER)
        .accredited_on(today)
        .order_by("peer_ref")[:25]
    )


def _swap_in(team: TeamRequest, peer: Peer) -> bool:
    """Put `peer` on the team in place of a peer who is not a lead, if every rule allows it."""
    if team.members.filter(peer=peer).exists():
        return True
    for member in team.members.filter(lead="").order_by("-peer__kind", "peer__peer_ref"):
        if swap(team, member, peer).done:
            return True
    return False


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
