"""Web pages: watchlist, a council's early-warning page, notes, map, framework comparison.

Thin: each view parses its request, asks a service, renders. Who may see soft intelligence is
decided by apps.accounts.permissions only.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apps.accounts import permissions
from apps.core.exports import table_download
from apps.councils.models import Council, CouncilType
from apps.early_warning.engine import FrameworkError, load_framework
from apps.early_warning.engine.reasons import format_value
from apps.early_warning.forms import CompareForm, NoteForm, NotesFilterForm, WatchlistForm
from apps.early_warning.models import SoftIntelligence
from apps.early_warning.services import charts, geo, views_data
from apps.early_warning.services.compare import compare_frameworks
from apps.early_warning.services.coverage import data_reach
from apps.early_warning.services.watchlist import (
    DEFAULT_FRAMEWORK,
    compute_watchlist,
    latest_scorable_date,
)

WATCHLIST_PAGE_SIZE = 50  # rows per page; the exports hold every matching council
EXPORT_COLUMNS = ["gss_code", "name", "council_type", "region", "rank", "score", "band"]


def _default_as_at(framework) -> dt.date:
    """With no date asked for, show the latest date the published data can score: "today" on
    figures that stop years ago would be a page of "insufficient data"."""
    return latest_scorable_date(framework) or dt.date.today()


def _watchlist_form(request) -> WatchlistForm:
    if request.GET:
        return WatchlistForm(request.GET)
    return WatchlistForm(initial={"as_at": _default_as_at(DEFAULT_FRAMEWORK)})


def _watchlist_for(request, form: WatchlistForm):
    data = form.cleaned_data if form.is_valid() else {}
    framework = data.get("framework") or DEFAULT_FRAMEWORK
    as_at = data.get("as_at") or _default_as_at(framework)
    include_notes = permissions.is_national(request.user)
    frame = compute_watchlist(as_at, framework, include_notes=include_notes)
    shown = frame
    if data.get("band"):
        shown = shown[shown["band"] == data["band"]]
    if data.get("region"):
        shown = shown[shown["region"] == data["region"]]
    if data.get("council_type"):
        shown = shown[shown["council_type"] == data["council_type"]]
    if data.get("q"):
        shown = shown[shown["name"].str.contains(data["q"], case=False, regex=False)]
    return as_at, frame.attrs["framework"], frame, shown, include_notes


@login_required
def watchlist(request):
    form = _watchlist_form(request)
    as_at, fw, frame, shown, include_notes = _watchlist_for(request, form)
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        return _export(shown, fw, as_at, export)
    counts = frame["band"].value_counts().to_dict()
    bands = [
        {
            "label": label,
            "count": counts.get(label, 0),
            "tag": fw.tag_for(label),
            "rule": fw.band_rule(label),
        }
        for label in fw.band_order
    ]
    page = Paginator(shown.to_dict("records"), WATCHLIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    type_labels = dict(CouncilType.choices)
    for row in rows:
        row["score_text"] = "" if pd.isna(row["score"]) else f"{row['score']:.1f}"
        row["type_label"] = type_labels.get(row.get("council_type"), row.get("council_type"))
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("page", None)
    scored = int(frame["score"].notna().sum())
    partial = getattr(request, "htmx", False) and not request.htmx.history_restore_request
    return render(
        request,
        "early_warning/_watchlist_results.html" if partial else "early_warning/watchlist.html",
        {
            "form": form,
            "framework": fw,
            "as_at": as_at,
            "rows": rows,
            "page": page,
            "matching": len(shown),
            "total": len(frame),
            "scored": scored,
            "bands": bands,
            "include_notes": include_notes,
            "query": query.urlencode(),
            "latest_scorable": latest_scorable_date(fw) if scored == 0 else None,
            "coverage": data_reach(fw, as_at),
        },
    )


def _export(frame: pd.DataFrame, fw, as_at: dt.date, kind: str) -> HttpResponse:
    columns = [(c, c) for c in EXPORT_COLUMNS if c in frame.columns] + [
        ("top_reasons", "top_reasons")
    ]
    return table_download(
        frame.to_dict("records"),
        columns,
        f"watchlist-{fw.name}-{as_at.isoformat()}",
        kind,
        title="Watchlist",
        notes=[f"{fw.title} v{fw.version}, as at {as_at.isoformat()}"],
        dated=False,
    )


@login_required
def council(request, gss_code: str):
    target = get_object_or_404(Council, gss_code=gss_code)
    form = _watchlist_form(request)
    data = form.cleaned_data if form.is_valid() else {}
    framework = data.get("framework") or DEFAULT_FRAMEWORK
    as_at = data.get("as_at") or _default_as_at(framework)
    try:
        detail = views_data.council_detail(target, as_at, framework, request.user)
    except FrameworkError as exc:
        raise Http404(str(exc)) from exc
    fw = detail["framework"]
    series = views_data.council_series(target, as_at, fw)
    figures = []
    for measure, s in series.items():
        indicator = next(i for i in fw.indicators if i.measure.strip() == measure)
        unit = {
            "percent": "%",
            "change": "% change",
            "percent_of_nre": "% of net revenue exp.",
        }.get(indicator.unit, indicator.unit)
        rows = [
            {
                "period": p,
                "council": format_value(c, indicator.unit),
                "median": format_value(m, indicator.unit),
            }
            for p, c, m in zip(s["periods"], s["council"], s["median"], strict=True)
        ]
        peer_rows = [
            {"name": n, "value": format_value(v, indicator.unit), "is_self": n == target.name}
            for n, v in s["peer_values"]
        ]
        figures.append(
            {
                "code": measure,
                "title": indicator.title,
                "trend_svg": charts.trend_chart(
                    indicator.title, s["periods"], s["council"], s["median"], unit
                ),
                "peer_svg": charts.peer_chart(
                    f"{indicator.title}, {s['latest']}",
                    [n for n, _ in s["peer_values"]],
                    [v for _, v in s["peer_values"]],
                    target.name,
                    unit,
                )
                if s["peer_values"]
                else "",
                "rows": rows,
                "peer_rows": peer_rows,
                "latest": s["latest"],
            }
        )
    coverage = data_reach(fw, as_at)
    indicators = []
    for item in detail["indicators"]:
        reach = coverage.reach_of(item["title"]) if item["period"] else None
        indicators.append(
            {
                **item,
                "age_text": reach.age_text if reach and reach.period == item["period"] else "",
                "value_text": format_value(item["value"], item["unit"]),
                "median_text": format_value(item["peer_median"], item["unit"])
                if item["peer_median"] is not None
                else "",
                "z_text": f"{item['z']:+.1f}" if item["z"] is not None else "",
                "points_text": "" if item["points"] is None else f"{item['points']:g}",
            }
        )
    notes = detail["notes"]
    history = views_data.score_history(target, framework)
    history_svg = ""
    if any(h["score"] is not None for h in history):
        history_svg = charts.score_history_chart(
            f"{fw.title}: score on 1 December each year",
            [h["as_at"].strftime("%b %Y") for h in history],
            [h["score"] for h in history],
            marks=views_data.ageing_marks([h["as_at"] for h in history], fw),
        )
    return render(
        request,
        "early_warning/council.html",
        {
            "council": target,
            "form": form,
            "as_at": as_at,
            "framework": fw,
            "assessment": detail["assessment"],
            "tag": fw.tag_for(detail["assessment"].band),
            "band_rule": fw.band_rule(detail["assessment"].band),
            "indicators": indicators,
            "figures": figures,
            "warnings": [n for n in notes if not n.is_local_context] if notes is not None else None,
            "context_notes": [n for n in notes if n.is_local_context]
            if notes is not None
            else None,
            "can_add_note": permissions.can_manage_council_cases(request.user, target),
            "include_notes": detail["includes_notes"],
            "history": history,
            "history_svg": history_svg,
            "coverage": coverage,
        },
    )


@login_required
def note_create(request, gss_code: str):
    target = get_object_or_404(Council, gss_code=gss_code)
    if not permissions.can_view_council_cases(request.user, target):
        raise Http404("No such council")
    permissions.require(permissions.can_manage_council_cases(request.user, target))
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.save(commit=False)
        note.council = target
        note.author = request.user
        note.save()
        messages.success(request, f"Note recorded for {target.name}.")
        return redirect(reverse("early_warning:council", args=[target.gss_code]))
    return render(request, "early_warning/note_form.html", {"council": target, "form": form})


@login_required
def england_map(request):
    form = _watchlist_form(request)
    data = form.cleaned_data if form.is_valid() else {}
    framework = data.get("framework") or DEFAULT_FRAMEWORK
    as_at = data.get("as_at") or _default_as_at(framework)
    level = "county" if request.GET.get("level") == "county" else "district"
    frame = compute_watchlist(as_at, framework, include_notes=permissions.is_national(request.user))
    fw = frame.attrs["framework"]
    svg, rows = views_data.band_map(frame, fw, as_at, level)
    colours = geo.band_colours(fw)
    by_band = [
        {
            "label": label,
            "colour": colours.get(label),
            "count": int((frame["band"] == label).sum()),
            "rule": fw.band_rule(label),
        }
        for label in fw.band_order
    ]
    return render(
        request,
        "early_warning/map.html",
        {
            "form": form,
            "svg": svg,
            "framework": fw,
            "as_at": as_at,
            "level": level,
            "by_band": by_band,
            "rows": rows,
            "via_predecessors": [r for r in rows if r["shade"].via_predecessors],
            "coverage": data_reach(fw, as_at),
        },
    )


@login_required
def compare(request):
    query = request.GET.copy()
    query.setdefault("a", DEFAULT_FRAMEWORK)
    query.setdefault("b", "cipfa_style_resilience")
    form = CompareForm(query)
    data = form.cleaned_data if form.is_valid() else {}
    a = data.get("a") or DEFAULT_FRAMEWORK
    b = data.get("b") or "cipfa_style_resilience"
    # no date asked for: the latest date both frameworks can score, not "today" on old data
    as_at = data.get("as_at") or min(_default_as_at(a), _default_as_at(b))
    result = compare_frameworks(as_at, a, b, include_notes=permissions.is_national(request.user))
    crosstab = result["crosstab"]
    table = {
        "columns": list(crosstab.columns),
        "rows": [
            (label, [int(v) for v in crosstab.loc[label].tolist()]) for label in crosstab.index
        ],
    }
    return render(
        request,
        "early_warning/compare.html",
        {
            "form": form,
            "result": result,
            "table": table,
            "as_at": as_at,
            "coverage": data_reach(result["a"], as_at),
        },
    )


@login_required
def frameworks(request):
    from apps.early_warning.engine import available_frameworks
    from apps.early_warning.forms import STATUS_ORDER

    items = sorted(
        (load_framework(name) for name in available_frameworks()),
        key=lambda fw: (
            STATUS_ORDER.get(fw.status, 1),
            fw.source.get("kind") != "english-councils",
        ),
    )
    return render(request, "early_warning/frameworks.html", {"frameworks": items})


@login_required
def notes(request):
    """Every soft-intelligence note the person may see, newest first."""
    permissions.require(permissions.can_see_case_detail(request.user))
    form = NotesFilterForm(request.GET or None)
    found = SoftIntelligence.objects.visible_to(request.user).select_related("council", "author")
    if form.is_valid():
        if form.cleaned_data.get("category"):
            found = found.filter(category=form.cleaned_data["category"])
        if form.cleaned_data.get("q"):
            found = found.filter(council__name__icontains=form.cleaned_data["q"])
    return render(request, "early_warning/notes.html", {"form": form, "notes": found[:500]})


@login_required
def validation(request):
    from apps.early_warning.services.validation import REFIT, cached_validation

    result = cached_validation(DEFAULT_FRAMEWORK)
    shown = [r for r in result.rankings if r.kind != "single" or r.name == "single_reserves_to_nre"]
    headline = result.headline
    refit = headline.metrics[REFIT]
    reserves = headline.metrics.get("single_reserves_to_nre", {})
    best = result.best_single(headline)
    summary = {
        "events": headline.events,
        "refit": refit,
        "shipped": headline.metrics[result.framework.name],
        "reserves": reserves,
        "best": best,
        "best_title": next((r.title for r in result.rankings if r.name == best), ""),
        "best_metrics": headline.metrics.get(best, {}),
        "beats": bool(
            reserves and refit["auc"] > reserves["auc"] and refit["in_top10"] > reserves["in_top10"]
        ),
    }
    ordered = [headline] + [g for g in result.sets if g is not headline] + result.after_cutoff
    ordered += result.fixed
    sets = []
    for group in ordered:
        best = result.best_single(group)
        rows = [
            {"ranking": r, "m": group.metrics[r.name], "best_single": r.name == best}
            for r in result.rankings
            if r.name in group.metrics
        ]
        sets.append({"group": group, "rows": rows, "best_single": best})
    events = []
    for item in result.events:
        events.append(
            {
                "event": item["event"],
                "cells": [(r, item["ranks"][r.name]) for r in shown],
            }
        )
    return render(
        request,
        "early_warning/validation.html",
        {
            "result": result,
            "sets": sets,
            "shown": shown,
            "summary": summary,
            "events": events,
            "refit": REFIT,
            "years": f"{result.years[0]}-{str(result.years[0] + 1)[2:]} to "
            f"{result.years[-1]}-{str(result.years[-1] + 1)[2:]}",
        },
    )
