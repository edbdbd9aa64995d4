"""Watchlist: point-in-time correctness, every council listed, reasons in plain English."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from django.core.management import call_command

from apps.councils.models import Council
from apps.early_warning.services.watchlist import compute_watchlist

pytestmark = pytest.mark.django_db

D = dt.date(2019, 11, 1)


def observations(rows: list[tuple]) -> pd.DataFrame:
    """Hand-made observations in the point-in-time contract's columns."""
    return pd.DataFrame(
        [
            {
                "gss_code": gss,
                "indicator": code,
                "period": period,
                "period_end": dt.date(int(period[:4]) + 1, 3, 31),
                "value": value,
                "text_value": None,
                "published": published,
            }
            for gss, code, period, value, published in rows
        ]
    )


@pytest.fixture
def london(councils_loaded):
    return list(
        Council.objects.existing_on(D).filter(region="London").values_list("gss_code", flat=True)
    )


def base_rows(codes):
    rows = []
    for i, gss in enumerate(codes):
        rows.append((gss, "reserves_to_nre", "2017-18", 30.0 + i % 7, dt.date(2018, 11, 15)))
        rows.append(
            (gss, "borrowing_to_nre", "2017-18", 150.0 + 10 * (i % 5), dt.date(2018, 11, 15))
        )
    return rows


def test_an_observation_published_after_d_changes_nothing_at_d(london):
    rows = base_rows(london)
    before = compute_watchlist(D, observations=observations(rows), include_notes=False)
    late = rows + [("E09000008", "reserves_to_nre", "2018-19", 0.5, D + dt.timedelta(days=1))]
    at_d = compute_watchlist(D, observations=observations(late), include_notes=False)
    pd.testing.assert_frame_equal(
        before[["gss_code", "rank", "score", "band"]], at_d[["gss_code", "rank", "score", "band"]]
    )
    after = compute_watchlist(
        D + dt.timedelta(days=1), observations=observations(late), include_notes=False
    )
    croydon = after.set_index("gss_code").loc["E09000008"]
    assert croydon["rank"] == 1
    assert "reserves_to_nre" in croydon["flags"]


def test_every_existing_council_is_listed_and_insufficient_data_ranks_last(london):
    frame = compute_watchlist(D, observations=observations(base_rows(london)), include_notes=False)
    existing = Council.objects.existing_on(D).count()
    assert len(frame) == existing
    assert list(frame["rank"]) == list(range(1, existing + 1))
    insufficient = frame[frame["band"] == "insufficient data"]
    assert len(insufficient) == existing - len(london)
    assert insufficient["rank"].min() > frame[frame["band"] != "insufficient data"]["rank"].max()


def test_reasons_are_plain_english_with_value_and_comparison(london):
    rows = base_rows(london) + [
        ("E09000008", "reserves_to_nre", "2017-18", 2.1, dt.date(2018, 11, 15))
    ]
    rows = [
        r for r in rows if not (r[0] == "E09000008" and r[1] == "reserves_to_nre" and r[3] != 2.1)
    ]
    frame = compute_watchlist(D, observations=observations(rows), include_notes=False)
    croydon = frame.set_index("gss_code").loc["E09000008"]
    reasons = croydon["top_reasons"]
    # the scorecard: value in words, the period, and the points out of the most it can give
    reserves = next(r for r in reasons if r.startswith("usable reserves 2.1%"))
    assert reserves.startswith("usable reserves 2.1% of net revenue expenditure in 2017-18, ")
    most = frame.attrs["framework"].indicator("reserves_to_nre").scale.points
    assert reserves.endswith(f" of {most:g} points")


def test_ratios_above_100_percent_read_as_times_net_revenue_expenditure():
    from apps.early_warning.engine.reasons import format_value

    assert format_value(45.0, "percent_of_nre") == "45.0% of net revenue expenditure"
    assert format_value(320.0, "percent_of_nre") == "3.2 times net revenue expenditure"
    assert format_value(4500.0, "percent_of_nre") == "45 times net revenue expenditure"


def test_watchlist_command_prints_the_contract_header(london):
    out = io.StringIO()
    call_command("watchlist", "--as-at", "2019-11-01", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "gss_code,name,rank,score,band,top_reasons"
    assert len(lines) == Council.objects.existing_on(D).count() + 1


def test_council_assessment_for_triage(london):
    from apps.early_warning.services.watchlist import council_assessment

    croydon = Council.objects.get(gss_code="E09000008")
    result = council_assessment(croydon, as_at=D)
    assert result.gss_code == "E09000008" and result.as_at == D
    assert result.out_of == Council.objects.existing_on(D).count()
    # no observations in the database here: listed, ranked, but not scored
    assert result.band == "insufficient data" and result.score is None and result.flags == []
    gone = Council.objects.exclude(end_date=None).filter(end_date__lte=D).first()
    assert council_assessment(gone, as_at=D).rank is None


def test_same_figure_reasons_are_merged():
    from apps.early_warning.engine.reasons import _merge_same_figure

    merged = _merge_same_figure(
        [
            "usable reserves 1.2% in 2017-18, lowest of its 15 nearest neighbours (median 33.7%)",
            "usable reserves 1.2% in 2017-18, at or below 5% of net revenue expenditure",
            "gross borrowing 331% in 2017-18, 2nd highest against its 15 nearest neighbours",
        ]
    )
    assert merged[0].endswith("(median 33.7%), and at or below 5% of net revenue expenditure")
    assert len(merged) == 2


def _store(rows):
    """Hand-made observations written to the database (as the indicators importers would)."""
    from apps.indicators.models import Indicator, Observation

    names = {f.name for f in Observation._meta.get_fields()}
    councils = {c.gss_code: c for c in Council.objects.all()}
    made = []
    for gss, code, period, value, published in rows:
        indicator, _ = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "title": code,
                "unit": "%",
                "polarity": "neutral",
                "source": "derived",
                "definition": "test",
            },
        )
        extra = {"vintage": published} if "vintage" in names else {}
        made.append(
            Observation(
                council=councils[gss],
                indicator=indicator,
                period=period,
                period_end=dt.date(int(period[:4]) + 1, 3, 31),
                value=value,
                source_file="test",
                published=published,
                **extra,
            )
        )
    Observation.objects.bulk_create(made)


def test_one_pass_history_agrees_with_the_watchlist(london):
    from apps.early_warning.services.recompute import recompute_history

    rows = base_rows(london) + [
        (g, "reserves_to_nre", "2016-17", 40.0, dt.date(2017, 11, 16)) for g in london
    ]
    _store(rows)
    watchlist = compute_watchlist(D, include_notes=False).set_index("gss_code")
    history = recompute_history([D]).to_dicts()
    assert len(history) == len(watchlist)
    for row in history:
        assert row["rank"] == watchlist.loc[row["entity"], "rank"]
        assert row["band"] == watchlist.loc[row["entity"], "band"]


def test_a_framework_can_ask_for_the_value_n_periods_back(london):
    from apps.early_warning.engine.framework import parse_framework
    from apps.early_warning.services.watchlist import score_councils

    rows = [
        (g, "reserves_to_nre", p, v, dt.date(int(p[:4]) + 1, 11, 15))
        for g in london
        for p, v in (("2015-16", 30.0), ("2016-17", 25.0), ("2017-18", 20.0))
    ]
    fw = parse_framework(
        {
            "framework": {"name": "lag", "title": "Lag", "version": "0", "status": "test"},
            "indicator": [
                {
                    "code": "fall",
                    "title": "Fall in reserves over two periods",
                    "measure": "reserves_to_nre - reserves_to_nre_y2",
                    "unit": "percent",
                    "bands": [{"le": -10, "points": 5}],
                }
            ],
        }
    )
    _, scored = score_councils(D, fw, include_notes=False, observations=observations(rows))
    croydon = scored.filter(scored["entity"] == "E09000008").to_dicts()[0]
    assert croydon["fall"] == -10.0 and croydon["fall__points"] == 5
    # a year earlier only two periods were known: no value two periods back
    _, earlier = score_councils(
        dt.date(2018, 1, 1), fw, include_notes=False, observations=observations(rows)
    )
    assert earlier.filter(earlier["entity"] == "E09000008")["fall"].item() is None


def test_every_councils_series_in_one_pass_are_each_councils_own(london):
    """The council page's series prepared for every council at once (warm_cache) are exactly
    those computed for one council alone: values, neighbours' medians, latest peer figures."""
    from apps.early_warning.services import views_data
    from apps.indicators.services.point_in_time import invalidate_cache

    rows = base_rows(london) + [
        (g, "reserves_to_nre", "2016-17", 40.0 + i % 5, dt.date(2017, 11, 16))
        for i, g in enumerate(london)
        if i % 3  # some councils lack the earlier year: gaps in their own line
    ]
    rows.append(("E09000008", "reserves_to_nre", "2015-16", 12.5, dt.date(2016, 11, 17)))
    _store(rows)
    invalidate_cache()
    measures = ["reserves_to_nre", "no_figures_for_this_measure"]
    every = views_data.all_council_series(D, measures)["councils"]
    assert set(every) == set(Council.objects.existing_on(D).values_list("gss_code", flat=True))
    with_data = 0
    for council in Council.objects.existing_on(D):
        alone = views_data._compute_series(council, D, measures)
        assert repr(every[council.gss_code]) == repr(alone), council.gss_code
        with_data += bool(alone)
    assert with_data >= len(london)
    croydon = every["E09000008"]["reserves_to_nre"]
    assert croydon["periods"][0] == "2015-16" and croydon["council"][0] == 12.5
    assert croydon["median"][0] is None  # no neighbour has that year


def test_warming_fills_the_shared_cache_for_every_process(london):
    """After warm_cache, a fresh process (empty memory) finds the daily pages' results in the
    shared cache instead of computing them."""
    from apps.core.memo import clear_process_memos
    from apps.early_warning.services import views_data
    from apps.early_warning.services.warm import warm_daily_pages
    from apps.early_warning.services.watchlist import (
        _data_stamp,
        _identity,
        _watchlists,
        latest_scorable_date,
        resolve_framework,
    )

    _store(base_rows(london))
    timings = warm_daily_pages()
    assert {"watchlists", "data reach", "map", "council series"} <= set(timings)
    clear_process_memos()
    fw = resolve_framework(None)
    as_at = latest_scorable_date(fw)
    assert _watchlists.peek((as_at, _identity(fw), False, _data_stamp()))
    measures = tuple(views_data.series_measures(fw))
    assert views_data._all_series.peek((as_at, measures, views_data._published_stamp()))
    croydon = Council.objects.get(gss_code="E09000008")
    assert views_data.council_series(croydon, as_at, fw)["reserves_to_nre"]["council"]
    clear_process_memos()  # a new gunicorn worker loads it all before its first request
    from apps.core.memo import cached_only

    with cached_only():
        assert set(warm_daily_pages()) == set(timings)
