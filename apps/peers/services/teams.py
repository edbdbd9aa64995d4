"""Teams for engagements in the database: build with the solver, explain, swap by hand, confirm.

Views and the API call these; every rule decision goes through `apps.peers.teams` (the solver and
the independent checker), so the web never re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from apps.peers.models import Deployment, Peer, TeamBatch, TeamMember, TeamRequest, TeamStatus
from apps.peers.teams.check import Violation, check_teams
from apps.peers.teams.domain import (
    Assignment,
    BatchResult,
    Blocker,
    EngagementRequest,
    PeerRecord,
)
from apps.peers.teams.eligibility import (
    can_lead_member,
    can_lead_officer,
    describe_exclusion,
    exclusions,
    prior_load,
)
from apps.peers.teams.rules import TeamRules, load_rules, party_name
from apps.peers.teams.solver import build_teams

from .council_facts import areas_from_register
from .register import solver_records

WEB_TIME_LIMIT = 8.0


def ruling_party_for(council, day: dt.date) -> tuple[str, str]:
    """The council's ruling party on `day`, or the latest on record, saying which was used."""
    control = council.political_control_on(day)
    if control:
        return control.control, f"{control.source}, valid on {day:%-d %B %Y}"
    latest = council.political_control.order_by("-valid_from").first()
    if latest:
        return latest.control, (
            f"latest on record ({latest.source}, {latest.valid_from:%Y}-{latest.valid_to:%y}); "
            "check it is still current"
            if latest.valid_to
            else f"latest on record ({latest.source})"
        )
    return "NOC", "no political control on record: treated as no overall control"


def request_record(team: TeamRequest) -> EngagementRequest:
    return EngagementRequest(
        engagement_id=team.ref,
        council_gss=team.council.gss_code,
        region=team.council.region,
        ruling_party=team.ruling_party,
        start_date=team.start_date,
        days=team.days,
        team_size=team.team_size,
        needs=tuple(team.needs),
        council_name=team.council.name,
        name=team.label,
    )


def _peers_for(team: TeamRequest) -> list[PeerRecord]:
    # This team's own deployments and hold must not count against its own peers.
    return solver_records(exclude_team=team.pk)


def build_team(team: TeamRequest, *, rules: TeamRules | None = None) -> BatchResult:
    """Solve for this request against the whole register and store the proposed team."""
    return build_batch([team], rules=rules)[1]


def build_batch(
    teams: list[TeamRequest], *, rules: TeamRules | None = None, by=None, attempts: int = 2
) -> tuple[TeamBatch | None, BatchResult]:
    """Build teams for several requests at once (one search over the shared pool), store each
    proposed team and hold its peers for `hold_proposed_hours`.

    Peers held by other proposed teams count as deployed on those dates. If another manager's
    team took one of the chosen peers while this search ran, the search runs again."""
    rules = rules or load_rules()
    own = {t.pk for t in teams}
    result = build_teams(
        [request_record(t) for t in teams],
        solver_records(exclude_team=own),
        rules,
        areas_from_register(),
        time_limit=WEB_TIME_LIMIT,
    )
    with transaction.atomic():
        # Re-check against holds and deployments recorded meanwhile, inside the transaction.
        fresh = solver_records(exclude_team=own)
        engs = [request_record(t) for t in teams]
        if check_teams(result.assignments, engs, fresh, rules, areas_from_register()):
            if attempts > 1:
                return build_batch(teams, rules=rules, by=by, attempts=attempts - 1)
            result.assignments = []
            result.blockers = [
                Blocker(e.engagement_id, "availability.overlap", TAKEN_MEANWHILE) for e in engs
            ]
        batch = None
        if len(teams) > 1:
            batch = TeamBatch.objects.create(created_by=by, summary=_summary(result))
        _store(teams, result, rules, batch)
    return batch, result


TAKEN_MEANWHILE = (
    "Other managers kept promising the peers this team needed while it was being built; "
    "build it again."
)


STAGE_WORDS = {"teams": "teams staffed", "coverage": "needs covered", "load": "spread of load"}


def _summary(result: BatchResult) -> str:
    """The batch's outcome in words: what it staffed and what was proved, stage by stage."""
    proved = [STAGE_WORDS[s] for s, status in result.stages.items() if status == "OPTIMAL"]
    open_ = [
        f"{STAGE_WORDS[s]} within {result.stage_gaps.get(s, 0):.1%} of the best possible"
        for s, status in result.stages.items()
        if status != "OPTIMAL"
    ]
    parts = [f"{len(result.staffed)} teams, {result.needs_covered} of {result.needs_total} needs"]
    if proved:
        parts.append("proved best for " + ", then ".join(proved))
    parts += open_
    return "; ".join(parts) + f" ({result.seconds:.1f} s)"


def _store(teams: list[TeamRequest], result: BatchResult, rules: TeamRules, batch) -> None:
    refs = {a.peer_id for a in result.assignments}
    by_ref = {p.peer_ref: p for p in Peer.objects.filter(peer_ref__in=refs)}
    held_until = timezone.now() + dt.timedelta(hours=rules.hold_proposed_hours)
    for team in teams:
        team.members.all().delete()
        mine = result.team(team.ref)
        TeamMember.objects.bulk_create(
            TeamMember(team=team, peer=by_ref[a.peer_id], lead=a.lead, chosen_by="solver")
            for a in mine
        )
        team.batch = batch or team.batch
        team.held_until = held_until if mine else None
        team.solver_status = result.status
        team.solver_gap = result.gap
        team.solver_seconds = result.seconds
        team.blockers = [
            {"rule": b.rule, "message": b.message}
            for b in result.blockers
            if b.engagement_id == team.ref
        ] + [{"rule": "note", "message": n} for n in result.notes]
        team.save()


def current_assignments(team: TeamRequest) -> list[Assignment]:
    needs = set(team.needs)
    return [
        Assignment(
            team.ref,
            m.peer.peer_ref,
            m.lead,
            tuple(sorted(needs & {e.code for e in m.peer.expertise.all()})),
        )
        for m in team.members.select_related("peer").prefetch_related("peer__expertise")
    ]


def check_request(
    team: TeamRequest, assignments: list[Assignment] | None = None, peers=None
) -> list[Violation]:
    """Every rule this team breaks now (deployments recorded since may have changed things)."""
    rules = load_rules()
    assignments = current_assignments(team) if assignments is None else assignments
    peers = peers if peers is not None else _peers_for(team)
    return check_teams(assignments, [request_record(team)], peers, rules, areas_from_register())


@dataclass
class MemberExplanation:
    member: TeamMember
    covers: list[str]
    lead: str
    reasons: list[str] = field(default_factory=list)


def explain(team: TeamRequest) -> list[MemberExplanation]:
    """Why each peer is on the team: needs they cover, the lead they take, the rules they meet."""
    rules = load_rules()
    eng = request_record(team)
    areas = areas_from_register()
    out = []
    members = team.members.select_related("peer", "peer__home_council").prefetch_related(
        "peer__expertise", "peer__former_councils", "peer__deployments"
    )
    for m in members:
        rec = m.peer.to_record(exclude_team=team.pk)
        covers = [rules.expertise_label(c) for c in sorted(set(team.needs) & rec.expertise)]
        reasons = []
        if m.lead == "officer":
            reasons.append(f"Leads as officer peer ({m.peer.get_officer_role_display()})")
        if m.lead == "member":
            if eng.ruling_party != "NOC":
                reasons.append(
                    f"Leads as member peer; {party_name(rec.party)}, like the ruling group"
                )
            else:
                reasons.append(f"Leads as member peer ({party_name(rec.party)})")
        elif rec.kind == "member":
            reasons.append(f"Member peer ({party_name(rec.party)}) for cross-party balance")
        broken = exclusions(rec, eng, rules, areas)
        if broken:
            reasons += [
                f"Breaks a rule: {describe_exclusion(b, rec, eng, rules, areas)}" for b in broken
            ]
        else:
            home = m.peer.home_council.name if m.peer.home_council else "no council"
            reasons.append(f"No conflict of interest (serves {home})")
            reasons.append(f"Accredited until {rec.accredited_until:%-d %B %Y}")
            count, days = prior_load(rec, rules.year_of(eng.start_date), rules)
            reasons.append(
                f"Free on these dates; {count} earlier deployment{'s' if count != 1 else ''} "
                f"and {rec.max_days - days} of {rec.max_days} days left this year"
            )
        out.append(MemberExplanation(m, covers, m.lead, reasons))
    return out


@dataclass
class SwapOutcome:
    done: bool
    violations: list[Violation]
    message: str


def swap(team: TeamRequest, out_member: TeamMember, in_peer: Peer) -> SwapOutcome:
    """Replace one peer by hand; refused, with every broken rule named, if it breaks a rule."""
    if team.status != TeamStatus.PROPOSED:
        return SwapOutcome(False, [], "Only a proposed team can be changed.")
    if team.members.filter(peer=in_peer).exists():
        return SwapOutcome(False, [], f"{in_peer} is already on the team.")
    rules = load_rules()
    eng = request_record(team)
    peers = _peers_for(team)
    by_id = {p.peer_id: p for p in peers}
    incoming = by_id.get(in_peer.peer_ref)
    if incoming is None:
        return SwapOutcome(False, [], f"{in_peer} is not an active peer.")
    current = current_assignments(team)
    lead = out_member.lead
    if lead == "officer" and not can_lead_officer(incoming, rules):
        lead = ""
    if lead == "member" and not can_lead_member(incoming, eng, rules):
        lead = ""
    proposed = [a for a in current if a.peer_id != out_member.peer.peer_ref]
    proposed.append(Assignment(team.ref, incoming.peer_id, lead))
    proposed = _redesignate(proposed, out_member.lead, lead, by_id, eng, rules)
    violations = check_teams(proposed, [eng], peers, rules, areas_from_register())
    if violations:
        return SwapOutcome(
            False, violations, f"Swap refused: {in_peer} cannot replace {out_member.peer}."
        )
    with transaction.atomic():
        leads = {a.peer_id: a.lead for a in proposed}
        out_name = str(out_member.peer)
        out_member.delete()
        TeamMember.objects.create(
            team=team, peer=in_peer, lead=leads[in_peer.peer_ref], chosen_by="hand"
        )
        for m in team.members.select_related("peer"):
            if m.lead != leads.get(m.peer.peer_ref, m.lead):
                m.lead = leads[m.peer.peer_ref]
                m.save(update_fields=["lead"])
        team.solver_status = "HAND-EDITED"
        team.save(update_fields=["solver_status"])
    return SwapOutcome(True, [], f"{in_peer} replaces {out_name}; every rule still holds.")


def _redesignate(proposed, old_lead, new_lead, by_id, eng, rules) -> list[Assignment]:
    """If the incoming peer cannot take the outgoing lead, hand it to another able member."""
    if not old_lead or new_lead == old_lead:
        return proposed
    able = can_lead_officer if old_lead == "officer" else None
    for i, a in enumerate(proposed):
        peer = by_id[a.peer_id]
        ok = able(peer, rules) if able else can_lead_member(peer, eng, rules)
        if not a.lead and ok:
            proposed[i] = Assignment(a.engagement_id, a.peer_id, old_lead, a.covers)
            break
    return proposed


def confirm(team: TeamRequest, *, by) -> list[Violation]:
    """Record the deployments (and deploy peers with accounts to the engagement), if rules hold."""
    if team.status == TeamStatus.CONFIRMED:
        return []
    violations = check_request(team)
    if violations:
        return violations
    with transaction.atomic():
        for m in team.members.select_related("peer", "peer__user"):
            Deployment.objects.create(
                peer=m.peer,
                council=team.council,
                team=team,
                start_date=team.start_date,
                days=team.days,
                lead=m.lead,
                description=f"Peer team for {team.council.name} ({team.label})",
                recorded_by=by,
            )
            if team.engagement_id and m.peer.user_id:
                _deploy(team, m, by)
        team.status = TeamStatus.CONFIRMED
        team.held_until = None
        team.confirmed_by = by
        team.confirmed_at = timezone.now()
        team.save()
    return []


def _deploy(team: TeamRequest, member: TeamMember, by) -> None:
    from apps.engagements.services import deploy

    role = {"officer": "lead_officer_peer", "member": "lead_member_peer"}.get(member.lead, "peer")
    # Peers see the engagement from confirmation (to prepare) until the team's last day.
    start = min(timezone.localdate(), team.start_date)
    deploy(team.engagement, member.peer.user, role, by=by, start=start, end=team.end_date)
