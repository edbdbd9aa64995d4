"""The peers API: the register (staff; a peer may read their own record) and the team builder.

`POST /api/peers/teams/build` runs the same solver as the web and the CLI over the register,
for one engagement or a batch sharing the pool, and stores nothing.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from apps.accounts import permissions
from apps.api.schemas import Limit, Offset
from apps.councils.models import Council
from apps.peers.models import Peer, TeamRequest
from apps.peers.services import teams as team_service
from apps.peers.services.council_facts import areas_from_register
from apps.peers.services.register import solver_records
from apps.peers.teams.domain import EngagementRequest
from apps.peers.teams.rules import load_rules
from apps.peers.teams.solver import build_teams

router = Router(tags=["peers"])


class PeerOut(Schema):
    peer_id: str = Field(..., alias="peer_ref")
    name: str
    synthetic: bool
    kind: str
    officer_role: str
    party: str
    leadership_roles: str
    expertise: list[str]
    home_council_gss: str | None
    former_council_gss: list[str]
    region: str
    max_days: int
    accredited_on: dt.date | None
    accredited_until: dt.date | None

    @staticmethod
    def resolve_expertise(obj: Peer) -> list[str]:
        return sorted(e.code for e in obj.expertise.all())

    @staticmethod
    def resolve_home_council_gss(obj: Peer) -> str | None:
        return obj.home_council.gss_code if obj.home_council else None

    @staticmethod
    def resolve_former_council_gss(obj: Peer) -> list[str]:
        return sorted(c.gss_code for c in obj.former_councils.all())


class TeamEngagementIn(Schema):
    engagement_id: str
    council_gss: str
    start_date: dt.date
    days: int = 5
    team_size: int | None = None
    needs: list[str] = []
    ruling_party: str | None = Field(
        None, description="Party code or NOC; default: the council's control on record"
    )


class BuildIn(Schema):
    engagements: list[TeamEngagementIn]
    time_limit: float | None = Field(None, le=30)


class AssignmentOut(Schema):
    engagement_id: str
    peer_id: str
    lead: str
    covers: list[str]


class BlockerOut(Schema):
    engagement_id: str
    rule: str
    message: str


class StageOut(Schema):
    stage: str  # teams, coverage, load (lexicographic order)
    status: str  # OPTIMAL or FEASIBLE
    gap: float  # proved relative gap; 0 when optimal


class BuildOut(Schema):
    status: str
    gap: float
    stages: list[StageOut]
    greedy_teams: int
    seconds: float
    needs_covered: int
    needs_total: int
    assignments: list[AssignmentOut]
    blockers: list[BlockerOut]
    notes: list[str]


class ViolationOut(Schema):
    rule: str
    peer_id: str
    message: str


class TeamMemberOut(Schema):
    peer_id: str = Field(..., alias="peer.peer_ref")
    name: str = Field(..., alias="peer.name")
    lead: str
    chosen_by: str


class TeamOut(Schema):
    id: int
    council_gss: str = Field(..., alias="council.gss_code")
    engagement_id: int | None
    start_date: dt.date
    days: int
    team_size: int
    needs: list[str]
    ruling_party: str
    status: str
    solver_status: str
    solver_gap: float
    members: list[TeamMemberOut]
    violations: list[ViolationOut]
    blockers: list[dict]

    @staticmethod
    def resolve_members(obj: TeamRequest):
        return list(obj.members.select_related("peer"))

    @staticmethod
    def resolve_violations(obj: TeamRequest):
        return [
            {"rule": v.rule, "peer_id": v.peer_id, "message": v.message}
            for v in team_service.check_request(obj)
        ]


@router.get("/", response=list[PeerOut], summary="The peer register (staff)")
def list_peers(
    request,
    q: str = "",
    kind: str = "",
    party: str = "",
    region: str = "",
    expertise: str = "",
    accredited_on: dt.date | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    permissions.require(permissions.can_view_peer_register(request.user))
    peers = (
        Peer.objects.search(q)
        .of_kind(kind)
        .of_party(party)
        .in_region(region)
        .with_expertise(expertise)
        .select_related("home_council")
        .prefetch_related("expertise", "former_councils")
    )
    if accredited_on:
        peers = peers.accredited_on(accredited_on)
    return list(peers.distinct()[offset : offset + min(limit, 1000)])


@router.post("/teams/build", response=BuildOut, summary="Optimal teams from the register")
def build(request, body: BuildIn):
    permissions.require(permissions.can_view_peer_register(request.user))
    rules = load_rules()
    ids = [e.engagement_id for e in body.engagements]
    if len(set(ids)) != len(ids) or not ids:
        raise HttpError(422, "engagement_id values must be present and unique")
    requests = []
    for e in body.engagements:
        council = Council.objects.filter(gss_code=e.council_gss).first()
        if council is None:
            raise HttpError(422, f"{e.engagement_id}: council {e.council_gss!r} is not known")
        permissions.require(permissions.can_manage_council_cases(request.user, council))
        size = e.team_size or rules.default_size
        if not rules.min_size <= size <= rules.max_size:
            raise HttpError(
                422, f"{e.engagement_id}: team_size must be {rules.min_size} to {rules.max_size}"
            )
        party = e.ruling_party or team_service.ruling_party_for(council, e.start_date)[0]
        requests.append(
            EngagementRequest(
                e.engagement_id,
                council.gss_code,
                council.region,
                party,
                e.start_date,
                e.days,
                size,
                tuple(dict.fromkeys(e.needs)),
                council.name,
            )
        )
    result = build_teams(
        requests, solver_records(), rules, areas_from_register(), time_limit=body.time_limit
    )
    return {
        "status": result.status,
        "gap": result.gap,
        "stages": [
            {"stage": name, "status": status, "gap": result.stage_gaps.get(name, 0.0)}
            for name, status in result.stages.items()
        ],
        "greedy_teams": result.greedy_staffed,
        "seconds": result.seconds,
        "needs_covered": result.needs_covered,
        "needs_total": result.needs_total,
        "assignments": [
            {
                "engagement_id": a.engagement_id,
                "peer_id": a.peer_id,
                "lead": a.lead,
                "covers": list(a.covers),
            }
            for a in result.assignments
        ],
        "blockers": [vars(b) for b in result.blockers],
        "notes": result.notes,
    }


@router.get("/teams/{team_id}", response=TeamOut, summary="A team request and its peers")
def team(request, team_id: int):
    found = get_object_or_404(TeamRequest.objects.select_related("council"), pk=team_id)
    if not (
        permissions.can_view_peer_register(request.user)
        and permissions.can_view_council_cases(request.user, found.council)
    ):
        raise HttpError(404, "Not found")
    return found


@router.get("/{peer_id}", response=PeerOut, summary="One peer (staff, or the peer themself)")
def peer(request, peer_id: str):
    found = get_object_or_404(
        Peer.objects.select_related("home_council").prefetch_related(
            "expertise", "former_councils"
        ),
        peer_ref=peer_id,
    )
    if not permissions.can_view_peer(request.user, found):
        raise HttpError(404, "Not found")
    return found
