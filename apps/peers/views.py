"""Web pages for the peer register and peer teams. Thin: rules live in apps.peers.teams."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.permissions import (
    can_manage_council_cases,
    can_view_peer,
    can_view_peer_register,
    is_national,
    require,
)
from apps.councils.models import Council
from apps.peers.forms import RegisterFilterForm, SwapForm, TeamRequestForm, batch_forms
from apps.peers.models import Peer, TeamBatch, TeamMember, TeamRequest, TeamStatus
from apps.peers.services import exports
from apps.peers.services import teams as team_service
from apps.peers.services.register import export_csv
from apps.peers.services.suggestions import replacements
from apps.peers.teams.diagnosis import TIME_LIMIT
from apps.peers.teams.rules import RULE_LABELS, load_rules, party_name


def _filtered(request: HttpRequest):
    form = RegisterFilterForm(request.GET or None)
    peers = Peer.objects.select_related("home_council").prefetch_related("expertise")
    if form.is_valid():
        data = form.cleaned_data
        today = timezone.localdate()
        peers = (
            peers.search(data["q"])
            .of_kind(data["kind"])
            .in_region(data["region"])
            .of_party(data["party"])
            .with_expertise(data["expertise"])
        )
        if data["role"]:
            peers = peers.filter(officer_role=data["role"])
        if data["accredited"] == "valid":
            peers = peers.accredited_on(today)
        elif data["accredited"] == "expired":
            peers = peers.expired_on(today)
    return form, peers.distinct()


@login_required
def register(request: HttpRequest) -> HttpResponse:
    require(can_view_peer_register(request.user))
    form, peers = _filtered(request)
    page = Paginator(peers, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "peers/register.html",
        {
            "form": form,
            "page": page,
            "total": peers.count(),
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "synthetic": Peer.objects.filter(synthetic=True).exists(),
        },
    )


@login_required
def register_csv(request: HttpRequest) -> HttpResponse:
    require(can_view_peer_register(request.user))
    _, peers = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="peers.csv"'
    export_csv(peers.prefetch_related("former_councils", "deployments"), response)
    return response


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    require(can_view_peer_register(request.user))
    _, peers = _filtered(request)
    body = exports.register_xlsx(peers.prefetch_related("former_councils", "deployments"))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="peers.xlsx"'
    return response


@login_required
def team_export(request: HttpRequest, pk: int) -> HttpResponse:
    team = _get_team(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="team-{team.ref}.csv"'
    exports.team_csv(team, response)
    return response


@login_required
def peer_detail(request: HttpRequest, ref: str) -> HttpResponse:
    peer = get_object_or_404(
        Peer.objects.select_related("home_council", "user").prefetch_related(
            "expertise", "former_councils", "training"
        ),
        peer_ref=ref,
    )
    if not can_view_peer(request.user, peer):
        raise Http404("No such peer")  # the same answer as for a peer that does not exist
    deployments = peer.deployments.select_related("council", "team")
    places = peer.team_places.select_related("team", "team__council").filter(
        team__status=TeamStatus.PROPOSED
    )
    rules = load_rules()
    today = timezone.localdate()
    year = rules.year_of(today)
    in_year = [d for d in deployments if rules.year_of(d.start_date) == year]
    return render(
        request,
        "peers/peer_detail.html",
        {
            "peer": peer,
            "deployments": deployments,
            "proposed_places": places,
            "accredited": peer.accredited(today),
            "party_name": party_name(peer.party) if peer.party else "",
            "year_label": f"{year}-{(year + 1) % 100:02d}",
            "year_count": len(in_year),
            "year_days": sum(d.days for d in in_year),
            "max_deployments": rules.max_deployments_per_year,
            "can_see_register": can_view_peer_register(request.user),
        },
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """A peer's own record (the demo user `peer` is linked to one)."""
    peer = get_object_or_404(Peer, user=request.user)
    return redirect("peers:peer", ref=peer.peer_ref)


def _councils_for(user):
    councils = Council.objects.current()
    if is_national(user):
        return councils
    return councils.filter(region=user.region) if user.region else councils.none()


def _engagements_for(user):
    try:
        from apps.engagements.models import Engagement
    except ImportError:  # pragma: no cover - engagements is always installed
        return []
    return list(Engagement.objects.visible_to(user).select_related("council")[:200])


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    require(can_view_peer_register(request.user))
    teams = (
        TeamRequest.objects.visible_to(request.user)
        .select_related("council", "engagement")
        .prefetch_related("members")
    )
    return render(request, "peers/team_list.html", {"teams": teams[:200]})


@login_required
def team_new(request: HttpRequest) -> HttpResponse:
    require(can_view_peer_register(request.user))
    councils = _councils_for(request.user)
    engagements = _engagements_for(request.user)
    initial = {}
    if request.GET.get("engagement"):
        match = next((e for e in engagements if str(e.pk) == request.GET["engagement"]), None)
        if match:
            initial = {"engagement": str(match.pk), "council": match.council_id}
    form = TeamRequestForm(
        request.POST or None, councils=councils, engagements=engagements, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        council = data["council"]
        require(can_manage_council_cases(request.user, council))
        party, source = team_service.ruling_party_for(council, data["start_date"])
        if data.get("ruling_party"):
            party = data["ruling_party"]
            source = f"set by {request.user.get_full_name() or request.user.username} when building"
        team = TeamRequest.objects.create(
            council=council,
            engagement=data.get("engagement_obj"),
            start_date=data["start_date"],
            days=data["days"],
            team_size=data["team_size"],
            needs=list(data["needs"]),
            ruling_party=party,
            ruling_party_source=source,
            created_by=request.user,
        )
        result = team_service.build_team(team)
        if result.assignments:
            messages.success(request, f"Team proposed ({_status_text(team)}).")
        else:
            messages.warning(request, "No team could be formed; the blocking rule is named below.")
        return redirect("peers:team", pk=team.pk)
    return render(request, "peers/team_form.html", {"form": form})


def _status_text(team: TeamRequest) -> str:
    if team.solver_status == "OPTIMAL":
        return "proved optimal"
    if team.solver_status == "FEASIBLE":
        return f"best found; within {team.solver_gap:.1%} of optimal"
    if team.solver_status == "HAND-EDITED":
        return "edited by hand; rules re-checked"
    return team.solver_status.lower() or "not built"


def _team_context(request: HttpRequest, team: TeamRequest, **extra) -> dict:
    rules = load_rules()
    explanations = team_service.explain(team)
    covered = {c for e in explanations for c in e.covers}
    needed = [rules.expertise_label(c) for c in team.needs]
    violations = team_service.check_request(team) if team.status == TeamStatus.PROPOSED else []
    return {
        "team": team,
        "explanations": explanations,
        "needed": needed,
        "missing": [n for n in needed if n not in covered],
        "covered_count": len([n for n in needed if n in covered]),
        "violations": violations,
        "blockers": [b for b in team.blockers if b["rule"] != "note"],
        "search_stopped": any(b["rule"] == TIME_LIMIT for b in team.blockers),
        "notes": [b["message"] for b in team.blockers if b["rule"] == "note"],
        "rule_labels": RULE_LABELS,
        "status_text": _status_text(team),
        "party_name": party_name(team.ruling_party),
        "can_manage": can_manage_council_cases(request.user, team.council)
        and team.status == TeamStatus.PROPOSED,
        **extra,
    }


def _get_team(request: HttpRequest, pk: int) -> TeamRequest:
    """A team the user may see, else 404 exactly as for a team that does not exist (the rules
    table's "peer team" row)."""
    return get_object_or_404(
        TeamRequest.objects.visible_to(request.user).select_related("council", "engagement"), pk=pk
    )


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = _get_team(request, pk)
    return render(request, "peers/team_detail.html", _team_context(request, team))


@login_required
def team_suggest(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = _get_team(request, pk)
    member = get_object_or_404(TeamMember, pk=member_pk, team=team)
    return render(
        request,
        "peers/_suggestions.html",
        {"team": team, "member": member, "suggestions": replacements(team, member, limit=8)},
    )


@login_required
@require_POST
def team_swap(request: HttpRequest, pk: int) -> HttpResponse:
    team = _get_team(request, pk)
    require(can_manage_council_cases(request.user, team.council))
    form = SwapForm(request.POST)
    outcome = None
    if form.is_valid():
        member = TeamMember.objects.filter(pk=form.cleaned_data["member"], team=team).first()
        peer = Peer.objects.filter(peer_ref=form.cleaned_data["peer_ref"].strip()).first()
        if member is None:
            outcome = team_service.SwapOutcome(False, [], "That peer is no longer on the team.")
        elif peer is None:
            outcome = team_service.SwapOutcome(
                False, [], f"No peer with ID {form.cleaned_data['peer_ref']!r} in the register."
            )
        else:
            outcome = team_service.swap(team, member, peer)
    else:
        outcome = team_service.SwapOutcome(False, [], "Enter the replacement peer's ID.")
    if request.htmx:
        team.refresh_from_db()
        return render(request, "peers/_team.html", _team_context(request, team, outcome=outcome))
    (messages.success if outcome.done else messages.error)(
        request,
        outcome.message + "".join(f" {v.message} ({v.rule_label})." for v in outcome.violations),
    )
    return redirect("peers:team", pk=team.pk)


@login_required
@require_POST
def team_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    team = _get_team(request, pk)
    require(can_manage_council_cases(request.user, team.council))
    if not team.members.exists():
        messages.error(request, "There is no team to confirm.")
        return redirect("peers:team", pk=team.pk)
    violations = team_service.confirm(team, by=request.user)
    if violations:
        messages.error(
            request,
            "Not confirmed: " + "; ".join(f"{v.message} ({v.rule_label})" for v in violations),
        )
    else:
        messages.success(request, f"Team confirmed: {team.members.count()} deployments recorded.")
    return redirect("peers:team", pk=team.pk)


@login_required
@require_POST
def team_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    team = _get_team(request, pk)
    require(can_manage_council_cases(request.user, team.council))
    if team.status != TeamStatus.PROPOSED:
        messages.error(request, "Only a proposed team can be rebuilt.")
    else:
        team_service.build_team(team)
        messages.success(request, f"Team rebuilt ({_status_text(team)}).")
    return redirect(reverse("peers:team", kwargs={"pk": team.pk}))


def _engagements_needing_teams(user):
    """Open engagements in the user's scope without a confirmed peer team."""
    from apps.engagements.models import Engagement

    return list(
        Engagement.objects.visible_to(user)
        .open()
        .exclude(peer_teams__status=TeamStatus.CONFIRMED)
        .select_related("council")
        .order_by("council__name")[:40]
    )


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    """Build teams for several engagements at once: one search over the shared pool."""
    require(can_view_peer_register(request.user))
    engagements = [
        e
        for e in _engagements_needing_teams(request.user)
        if can_manage_council_cases(request.user, e.council)
    ]
    rows = batch_forms(engagements, request.POST or None)
    error = ""
    if request.method == "POST":
        chosen = [f for f in rows if f.is_valid() and f.cleaned_data["include"]]
        invalid = [f for f in rows if f.data.get(f.add_prefix("include")) and not f.is_valid()]
        if not chosen and not invalid:
            error = "Choose at least one engagement to build a team for"
        elif not invalid:
            teams = []
            for form in chosen:
                data, engagement = form.cleaned_data, form.engagement_obj
                party, source = team_service.ruling_party_for(
                    engagement.council, data["start_date"]
                )
                teams.append(
                    TeamRequest.objects.create(
                        council=engagement.council,
                        engagement=engagement,
                        start_date=data["start_date"],
                        days=data["days"],
                        team_size=data["team_size"],
                        needs=list(data["needs"]),
                        ruling_party=party,
                        ruling_party_source=source,
                        created_by=request.user,
                    )
                )
            batch, result = team_service.build_batch(teams, by=request.user)
            messages.success(
                request,
                f"{len(result.staffed)} of {len(teams)} teams proposed; their peers are held "
                f"for {load_rules().hold_proposed_hours} hours.",
            )
            if batch is None:
                return redirect("peers:team", pk=teams[0].pk)
            return redirect("peers:batch", pk=batch.pk)
    return render(
        request,
        "peers/batch_form.html",
        {"rows": rows, "error": error, "rows_with_errors": [f for f in rows if f.errors]},
    )


def _get_batch(request: HttpRequest, pk: int) -> tuple[TeamBatch, list[TeamRequest]]:
    require(can_view_peer_register(request.user))
    batch = get_object_or_404(TeamBatch, pk=pk)
    teams = list(
        TeamRequest.objects.visible_to(request.user)
        .filter(batch=batch)
        .select_related("council", "engagement")
        .prefetch_related("members__peer")
        .order_by("start_date", "pk")
    )
    require(bool(teams))
    return batch, teams


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch, teams = _get_batch(request, pk)
    rules = load_rules()
    cards = []
    for team in teams:
        explanations = team_service.explain(team)
        covered = {c for e in explanations for c in e.covers}
        needed = [rules.expertise_label(c) for c in team.needs]
        cards.append(
            {
                "team": team,
                "explanations": explanations,
                "covered": [n for n in needed if n in covered],
                "needed": needed,
                "blockers": [b for b in team.blockers if b["rule"] != "note"],
                "search_stopped": any(b["rule"] == TIME_LIMIT for b in team.blockers),
            }
        )
    can_confirm = any(
        t.status == TeamStatus.PROPOSED
        and t.members.exists()
        and can_manage_council_cases(request.user, t.council)
        for t in teams
    )
    return render(
        request,
        "peers/batch_detail.html",
        {"batch": batch, "cards": cards, "can_confirm": can_confirm},
    )


@login_required
@require_POST
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm every proposed team of the batch; each is re-checked against every rule."""
    batch, teams = _get_batch(request, pk)
    done, refused = 0, []
    for team in teams:
        if team.status != TeamStatus.PROPOSED or not team.members.exists():
            continue
        require(can_manage_council_cases(request.user, team.council))
        violations = team_service.confirm(team, by=request.user)
        if violations:
            refused.append(
                f"{team.council.name}: "
                + "; ".join(f"{v.message} ({v.rule_label})" for v in violations)
            )
        else:
            done += 1
    if done:
        messages.success(request, f"{done} team{'s' if done != 1 else ''} confirmed.")
    for text in refused:
        messages.error(request, f"Not confirmed: {text}")
    return redirect("peers:batch", pk=batch.pk)
