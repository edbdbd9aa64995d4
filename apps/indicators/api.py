"""Indicator API: the catalogue and a council's observations. Public statistics, so any
authenticated user may read them (the API's bearer-token default)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from apps.api.schemas import AsAt
from apps.councils.models import Council
from apps.indicators.services import point_in_time

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    title: str
    unit: str
    polarity: str
    source: str
    definition: str
    is_derived: bool


class ObservationOut(Schema):
    indicator: str
    period: str
    period_end: dt.date
    value: float
    text_value: str | None
    published: dt.date


class CouncilObservationsOut(Schema):
    gss_code: str
    name: str
    as_at: dt.date | None
    observations: list[ObservationOut]


class ObservationFilter(Schema):
    as_at: AsAt | None = None
    indicator: list[str] | None = None


@router.get("/", response=list[IndicatorOut], summary="The indicator catalogue")
def list_indicators(request):
    return point_in_time.catalogue().to_dict("records")


class LatestOut(Schema):
    gss_code: str
    indicator: str
    period: str
    period_end: dt.date
    value: float
    text_value: str | None
    published: dt.date


class LatestFilter(Schema):
    as_at: AsAt | None = None
    indicator: list[str] | None = None


@router.get(
    "/latest/",
    response=list[LatestOut],
    summary="Every council's latest figure of each indicator, as known on a date",
    description="One row per council and indicator: its most recent period published on or "
    "before `as_at` (all time if not given). Filter with `indicator=code` (repeatable).",
)
def latest(request, filters: Query[LatestFilter]):
    frame = point_in_time.latest_known_on(filters.as_at, filters.indicator or None)
    return frame.sort_values(["indicator", "gss_code"]).to_dict("records")


@router.get(
    "/{gss_code}/",
    response=CouncilObservationsOut,
    summary="A council's observations, as known on a date",
    description="Every indicator observation for the council (latest vintage of each period), "
    "published on or before `as_at` if given. Filter with `indicator=code` (repeatable).",
)
def council_observations(request, gss_code: str, filters: Query[ObservationFilter]):
    council = get_object_or_404(Council, gss_code=gss_code.upper())
    frame = point_in_time.observations_known_on(
        filters.as_at, filters.indicator or None, [council.gss_code]
    )
    frame = frame.sort_values(["indicator", "period_end", "period"])
    return {
        "gss_code": council.gss_code,
        "name": council.name,
        "as_at": filters.as_at,
        "observations": frame.drop(columns=["gss_code"]).to_dict("records"),
    }
