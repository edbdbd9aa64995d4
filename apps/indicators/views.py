"""Pages: the indicator catalogue, and one council's published indicators (with CSV export)."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from apps.councils.models import Council
from apps.indicators.catalogue import source_rules
from apps.indicators.models import Indicator
from apps.indicators.services import history, point_in_time

SOURCE_TITLES = {"derived": "Derived from the indicators above (rules in catalogue.toml)"}
SOURCE_ORDER = ["derived", "revenue_outturn", "borrowing", "ofsted", "adult_social_care"]
DERIVED_NOTE = (
    "Defined once and computed for every council and year. Each derived figure is dated by the "
    "latest publication date of the figures it is computed from."
)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    rules = source_rules()
    groups = []
    for source, indicators in _by_source(Indicator.objects.order_by("code")):
        rule = rules.get(source, {})
        groups.append(
            {
                "source": source,
                "title": SOURCE_TITLES.get(source) or rule.get("title", source),
                "origin": rule.get("origin", ""),
                "when_public": rule.get("when_public", DERIVED_NOTE if source == "derived" else ""),
                "indicators": indicators,
            }
        )
    return render(request, "indicators/catalogue.html", {"groups": groups})


def _by_source(indicators) -> list[tuple[str, list[Indicator]]]:
    order = SOURCE_ORDER
    grouped: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        grouped.setdefault(indicator.source, []).append(indicator)
    return sorted(grouped.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)


def _as_at(request: HttpRequest) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("as_at", ""))
    except ValueError:
        return None


@login_required
def council(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = get_object_or_404(Council, gss_code=gss_code.upper())
    as_at = _as_at(request)
    latest = point_in_time.latest_known_on(as_at, councils=[council.gss_code])
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = [
        {
            "indicator": indicators.get(r.indicator),
            "code": r.indicator,
            "period": r.period,
            "value": r.value,
            "text_value": r.text_value,
            "published": r.published,
        }
        for r in latest.sort_values("indicator").itertuples()
    ]
    rank = {source: n for n, source in enumerate(SOURCE_ORDER)}
    rows.sort(key=lambda row: (rank.get(getattr(row["indicator"], "source", ""), 99), row["code"]))
    if request.GET.get("format") in {"csv", "xlsx"}:
        return _export(council, as_at, request.GET["format"])
    return render(
        request,
        "indicators/council.html",
        {"council": council, "rows": rows, "as_at": as_at, "today": dt.date.today()},
    )


EXPORT_COLUMNS = point_in_time.COLUMNS


def _export(council: Council, as_at: dt.date | None, kind: str) -> HttpResponse:
    """Every observation of the council known at `as_at`, as CSV or XLSX."""
    frame = point_in_time.observations_known_on(as_at, None, [council.gss_code])
    frame = frame.sort_values(["indicator", "period_end"])
    rows = [
        [r.gss_code, r.indicator, r.period, r.period_end, r.value, r.text_value or "", r.published]
        for r in frame.itertuples(index=False)
    ]
    name = f"indicators-{council.gss_code}{'-' + as_at.isoformat() if as_at else ''}"
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Indicators"
        sheet.append(EXPORT_COLUMNS)
        for row in rows:
            sheet.append(row)
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        book.save(response)
        return response
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return response


@login_required
def indicator_history(request: HttpRequest, gss_code: str, code: str) -> HttpResponse:
    council = get_object_or_404(Council, gss_code=gss_code.upper())
    indicator = get_object_or_404(Indicator, code=code)
    as_at = _as_at(request)
    points = history.series(council.gss_code, indicator.code, as_at)
    numeric = [p for p in points if not p.text_value]
    chart = history.chart_svg(numeric, f"{indicator.title}, {council.name}", indicator.unit)
    return render(
        request,
        "indicators/history.html",
        {
            "council": council,
            "indicator": indicator,
            "points": points,
            "chart": mark_safe(chart),  # noqa: S308 - generated by matplotlib from our numbers
            "as_at": as_at,
            "today": dt.date.today(),
        },
    )
