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
    assert reasons[0].startswith("usable reserves 2.1% in 2017-18, lowest of its ")
    assert "nearest neighbours (median " in reasons[0] and "%)" in reasons[0]
    assert any("at or below 5% of net revenue expenditure" in r for r in reasons)


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
