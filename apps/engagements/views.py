"""Web pages for engagements. Every case page reads through `Engagement.objects.visible_to`
(others get 404), and every change goes through `services` (which checks and audits)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.core import idempotency
from apps.core.exports import CONTENT_TYPES, download, to_csv, to_xlsx
from apps.councils.models import Council
from apps.engagements import dashboard as dash
from apps.engagements import exports, services, workflow
from apps.engagements.forms import (
    ActionForm,
    EngagementEditForm,
    EngagementFilterForm,
    EngagementForm,
    NoteForm,
    ProgressForm,
)
from apps.engagements.models import Action, Engagement, State
from apps.engagements.workflow import TransitionRefused
from apps.support.models import TriageDecision


def _visible(request: HttpRequest, pk: int) -> Engagement:
    """The engagement if the user may see it; 404 otherwise (never confirm it exists)."""
    return get_object_or_404(
        Engagement.objects.visible_to(request.user).select_related("council"), pk=pk
    )


def _early_warning_url(engagement: Engagement) -> str | None:
    try:
        return reverse("early_warning:council", args=[engagement.council.gss_code])
    except NoReverseMatch:
        return None


def _case_detail_only(request: HttpRequest) -> None:
    permissions.require(permissions.can_see_case_detail(request.user))


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    _case_detail_only(request)
    form = EngagementFilterForm(request.GET or None)
    engagements = Engagement.objects.visible_to(request.user).select_related("council")
    if form.is_valid():
        engagements = form.apply(engagements)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(engagements, export)
    template = "engagements/_results.html" if request.htmx else "engagements/list.html"
    counted = engagements.annotate(action_count=Count("actions", distinct=True)).order_by(
        "-state_changed_at", "-pk"
    )
    page = Paginator(counted, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "engagements": page,
            "page": page,
            "total": page.paginator.count,
            "can_create": permissions.is_staff_role(request.user),
            "query": query.urlencode(),
        },
    )


def _export(engagements, kind: str) -> HttpResponse:
    rows = exports.engagement_rows(engagements)
    if kind == "csv":
        return download(to_csv(rows, exports.ENGAGEMENT_COLUMNS), "engagements", kind)
    sheets = [
        ("Engagements", rows, exports.ENGAGEMENT_COLUMNS),
        ("Improvement plan actions", exports.action_rows(engagements), exports.ACTION_COLUMNS),
    ]
    return download(to_xlsx(sheets), "engagements", kind)


@login_required
def engagement_create(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.is_staff_role(request.user))
    initial = {"council": request.GET.get("council", "").upper()} if request.GET else None
    form = EngagementForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    triage_id = request.POST.get("triage") or request.GET.get("triage") or ""
    if (repeat := idempotency.seen(request)) is not None:
        return repeat
    if request.method == "POST" and form.is_valid():
        council = form.cleaned_data["council"]
        triage = (
            TriageDecision.objects.filter(pk=triage_id, council=council).first()
            if triage_id.isdigit()
            else None
        )

        def create() -> HttpResponse:
            engagement = services.create_engagement(
                council=council,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                by=request.user,
                triage=triage,
            )
            messages.success(request, f"Engagement opened with {engagement.council.name}.")
            return redirect("engagements:detail", pk=engagement.pk)

        return idempotency.once(request, create)
    existing = form.existing  # the council's open engagements, found when the form is checked
    if not form.is_bound and initial and initial["council"]:
        council = Council.objects.filter(gss_code=initial["council"]).first()
        existing = list(Engagement.objects.open().for_council(council)) if council else []
    existing = [e for e in existing if permissions.can_view_council_cases(request.user, e.council)]
    council = existing[0].council if existing else None
    return render(
        request,
        "engagements/create.html",
        {"form": form, "triage_id": triage_id, "existing": existing, "council": council},
    )


@login_required
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible(request, pk)
    can_manage = permissions.can_manage_council_cases(request.user, engagement.council)
    today = timezone.localdate()
    actions = list(engagement.actions.all())
    return render(
        request,
        "engagements/detail.html",
        {
            "engagement": engagement,
            "can_manage": can_manage,
            "can_report": permissions.can_report_case_progress(request.user, engagement.council),
            "transitions": workflow.available_from(engagement.state) if can_manage else [],
            "history": _history(engagement, request.user),
            "actions": actions,
            "overdue_ids": {a.pk for a in actions if a.is_overdue(today)},
            "notes": engagement.notes_for(request.user),
            "members": engagement.members.select_related("user"),
            "offers": engagement.offers.all(),
            "note_form": NoteForm(),
            "can_mark_staff_only": permissions.sees_staff_only_notes(request.user),
            "early_warning_url": _early_warning_url(engagement)
            if permissions.is_staff_role(request.user)
            else None,
        },
    )


def _history(engagement: Engagement, user) -> list[dict]:
    """Each transition with the data it recorded, labelled as the workflow declares it."""
    history = []
    for move in engagement.history_for(user):
        spec = workflow.BY_NAME.get(move.name)
        labels = {f.name: f.label for f in spec.fields} if spec else {}
        details = [
            (labels.get(k, k), ", ".join(map(str, v)) if isinstance(v, list) else v)
            for k, v in (move.data or {}).items()
            if v
        ]
        history.append({"move": move, "details": details})
    return history


@login_required
def engagement_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    from apps.engagements.forms import TransitionForm

    engagement = _visible(request, pk)
    permissions.require(permissions.can_manage_council_cases(request.user, engagement.council))
    try:
        spec = workflow.get(name)
    except TransitionRefused as exc:
        raise Http404(exc.message) from exc
    refusal = None
    try:
        workflow.check_allowed(spec, engagement)
    except TransitionRefused as exc:
        refusal = exc.message
    initial = {}
    if engagement.triage_id and any(f.kind == "offers" for f in spec.fields):
        # start from what triage decided; the person can change it
        initial["offers"] = list(engagement.triage.offers.values_list("slug", flat=True))
    form = TransitionForm(
        request.POST if request.method == "POST" else None, spec=spec, initial=initial
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            services.transition(
                engagement,
                spec.name,
                by=request.user,
                reason=form.cleaned_data["reason"],
                data=form.transition_data(),
            )
        except TransitionRefused as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
            refusal = None if exc.errors else exc.message
        else:
            messages.success(request, f"{spec.label}: done.")
            return redirect("engagements:detail", pk=engagement.pk)
    status = 409 if refusal and request.method == "POST" else 200
    return render(
        request,
        "engagements/transition.html",
        {"engagement": engagement, "spec": spec, "form": form, "refusal": refusal},
        status=status,
    )


@login_required
def action_edit(request: HttpRequest, pk: int, action_id: int | None = None) -> HttpResponse:
    """Staff add and change actions; the council's own users report progress on them."""
    engagement = _visible(request, pk)
    manage = permissions.can_manage_council_cases(request.user, engagement.council)
    progress_only = not manage and action_id is not None
    permissions.require(
        manage
        or (
            progress_only and permissions.can_report_case_progress(request.user, engagement.council)
        )
    )
    action = get_object_or_404(Action, pk=action_id, engagement=engagement) if action_id else None
    if action is None and (repeat := idempotency.seen(request)) is not None:
        return repeat
    form_class = ProgressForm if progress_only else ActionForm
    form = form_class(
        request.POST if request.method == "POST" else None,
        instance=action,
        initial={"version": action.version} if action else None,
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form_class.Meta.fields}
        plan = reverse("engagements:detail", args=[engagement.pk]) + "#plan"
        if action is None:

            def create() -> HttpResponse:
                try:
                    services.add_action(engagement, by=request.user, **fields)
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
                    return _action_page(request, engagement, form, action, progress_only)
                messages.success(request, "Action added to the improvement plan.")
                return redirect(plan)

            return idempotency.once(request, create)
        try:
            services.update_action(
                action,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
                **fields,
            )
        except services.StaleEdit as exc:
            form.add_error(None, exc.message)
            return _action_page(request, engagement, form, action, progress_only, status=409)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "Action updated.")
            return redirect(plan)
    return _action_page(request, engagement, form, action, progress_only)


def _action_page(request, engagement, form, action, progress_only, status=200) -> HttpResponse:
    return render(
        request,
        "engagements/action_form.html",
        {
            "engagement": engagement,
            "form": form,
            "action": action,
            "progress_only": progress_only,
        },
        status=status,
    )


@login_required
def plan_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The improvement plan of one engagement, for whoever may see the case."""
    engagement = _visible(request, pk)
    if kind not in CONTENT_TYPES:
        raise Http404("Unknown format")
    rows = exports.action_rows(Engagement.objects.filter(pk=engagement.pk))
    name = f"improvement-plan-{engagement.council.gss_code}-{engagement.pk}"
    if kind == "csv":
        return download(to_csv(rows, exports.ACTION_COLUMNS), name, kind)
    return download(to_xlsx([("Improvement plan", rows, exports.ACTION_COLUMNS)]), name, kind)


@login_required
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible(request, pk)
    permissions.require(permissions.can_manage_council_cases(request.user, engagement.council))
    form = EngagementEditForm(
        request.POST if request.method == "POST" else None,
        initial={
            "title": engagement.title,
            "summary": engagement.summary,
            "version": engagement.version,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_engagement(
                engagement,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except services.StaleEdit as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            messages.success(request, "Engagement updated.")
            return redirect("engagements:detail", pk=engagement.pk)
    return render(
        request, "engagements/edit.html", {"engagement": engagement, "form": form}, status=status
    )


@login_required
@require_POST
def action_remove(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    engagement = _visible(request, pk)
    permissions.require(permissions.can_manage_council_cases(request.user, engagement.council))
    action = get_object_or_404(Action, pk=action_id, engagement=engagement)
    try:
        services.delete_action(action, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("engagements:action_edit", pk=engagement.pk, action_id=action_id)
    messages.success(request, "Action removed from the plan (kept in the audit trail).")
    return redirect(reverse("engagements:detail", args=[engagement.pk]) + "#plan")


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible(request, pk)
    if (repeat := idempotency.seen(request)) is not None:
        return repeat
    form = NoteForm(request.POST)
    back = reverse("engagements:detail", args=[engagement.pk]) + "#notes"
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)

    def create() -> HttpResponse:
        try:
            services.add_note(
                engagement,
                by=request.user,
                text=form.cleaned_data["text"],
                staff_only=form.cleaned_data["staff_only"],
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "Note added.")
        return redirect(back)

    return idempotency.once(request, create)


@login_required
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible(request, pk)
    entries = engagement.audit_for(request.user)
    return render(request, "engagements/audit.html", {"engagement": engagement, "entries": entries})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_see_aggregates(request.user))
    board = dash.build(
        Engagement.objects.for_aggregates(request.user),
        suppress=not permissions.can_see_case_detail(request.user),
    )
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _dashboard_export(board, export)
    state_rows = board.state_rows()
    region_rows = board.region_rows()
    time_rows = board.time_rows()
    charts = {}
    if board.total and not board.suppressed:
        charts["state"] = dash.bar_chart_svg(
            [r["label"] for r in state_rows],
            [r["count"] for r in state_rows],
            title="Engagements by state",
            xlabel="Engagements",
        )
    timed = [r for r in time_rows if r["median_days"] is not None]
    if timed:
        charts["time"] = dash.bar_chart_svg(
            [r["label"] for r in timed],
            [r["median_days"] for r in timed],
            title="Median days spent in each state",
            xlabel="Days",
        )
    sees_cases = permissions.can_see_case_detail(request.user)
    today = timezone.localdate()
    visible = (
        Engagement.objects.visible_to(request.user) if sees_cases else Engagement.objects.none()
    )
    overdue_actions = (
        Action.objects.filter(
            engagement__in=visible.values("pk"), due_date__lt=today, completed_on__isnull=True
        )
        .select_related("engagement__council")
        .order_by("due_date")[:100]
    )
    reviews_due = visible.review_due(today + dt.timedelta(days=30)).select_related("council")
    return render(
        request,
        "engagements/dashboard.html",
        {
            "board": board,
            "state_labels": [s.label for s in State],
            "crosstab": board.crosstab_rows(),
            "overdue_list": overdue_actions,
            "reviews_list": reviews_due.order_by("next_review_due")[:100],
            "state_rows": state_rows,
            "region_rows": region_rows,
            "time_rows": time_rows,
            "charts": charts,
            "sees_cases": sees_cases,
            "overdue_shown": board.single_shown(board.overdue_actions),
            "reviews_shown": board.single_shown(board.reviews_due),
            "withheld_explanation": dash.disclosure.EXPLANATION,
        },
    )


def _dashboard_export(board: dash.Dashboard, kind: str) -> HttpResponse:
    states = [{"state": r["label"], "count": r["shown"]} for r in board.state_rows()]
    regions = [
        {"region": r["region"], "open": r["open_shown"], "closed": r["closed_shown"]}
        for r in board.region_rows()
    ]
    times = [
        {
            "label": r["label"],
            "engagements": r["shown"],
            **{k: r[k] for k in ("median_days", "mean_days")},
        }
        for r in board.time_rows()
    ]
    state_cols = [("state", "State"), ("count", "Engagements")]
    region_cols = [("region", "Region"), ("open", "Open"), ("closed", "Closed or declined")]
    time_cols = [
        ("label", "State"),
        ("engagements", "Engagements that reached it"),
        ("median_days", "Median days"),
        ("mean_days", "Mean days"),
    ]
    sheets = [
        ("By state", states, state_cols),
        ("By region", regions, region_cols),
        ("Time in state", times, time_cols),
    ]
    if kind == "csv":
        body = "\n".join(to_csv(rows, cols) for _, rows, cols in sheets)
        return download(body, "engagement-figures", kind)
    return download(to_xlsx(sheets), "engagement-figures", kind)


@login_required
def workflow_page(request: HttpRequest) -> HttpResponse:
    return render(request, "engagements/workflow.html", {"workflow": workflow.describe()})
