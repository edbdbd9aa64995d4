"""What did we know on date D: an observation is invisible before its publication date, the
latest vintage wins after a revision, and derived indicators carry the dates of their inputs."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.indicators.importers.command import import_files
from apps.indicators.importers.revenue_outturn import RevenueOutturnImporter
from apps.indicators.services.derive import recompute_and_store
from apps.indicators.services.point_in_time import (
    latest_known_on,
    observations_known_on,
)

from .conftest import RS_2016, RS_2017

pytestmark = pytest.mark.django_db
CAMBS = "E10000003"


@pytest.fixture
def two_years():
    import_files(RevenueOutturnImporter, [RS_2016, RS_2017])


def earmarked(as_at, period="2016-17"):
    frame = observations_known_on(as_at, ["rs_reserves_earmarked"], [CAMBS])
    return frame.loc[frame["period"] == period, "value"].tolist()


def test_contract_columns_and_types(two_years):
    frame = observations_known_on(dt.date(2019, 1, 1), ["rs_net_revenue_expenditure"], [CAMBS])
    assert list(frame.columns) == [
        "gss_code",
        "indicator",
        "period",
        "period_end",
        "value",
        "text_value",
        "published",
    ]
    row = frame[frame["period"] == "2017-18"].iloc[0]
    assert row["period_end"] == dt.date(2018, 3, 31)
    assert row["published"] == dt.date(2018, 11, 15)
    assert isinstance(row["value"], float) and row["text_value"] is None


def test_invisible_before_its_publication_date(two_years):
    assert earmarked(dt.date(2017, 11, 15)) == []
    assert earmarked(dt.date(2017, 11, 16)) == [pytest.approx(44378.13664)]
    nre = observations_known_on(dt.date(2018, 11, 14), ["rs_net_revenue_expenditure"], [CAMBS])
    assert set(nre["period"]) == {"2016-17"}  # 2017-18 was published on 15 November 2018


def test_a_revision_replaces_the_figure_only_from_its_own_date(two_years):
    # 31 March 2017 level as first published (2016-17 outturn), then restated as the
    # 1 April 2017 level in the 2017-18 outturn
    assert earmarked(dt.date(2018, 11, 14)) == [pytest.approx(44378.13664)]
    assert earmarked(dt.date(2018, 11, 15)) == [46381]
    assert earmarked(None) == [46381]


def test_latest_known_on_gives_the_most_recent_period(two_years):
    before = latest_known_on(dt.date(2018, 1, 1), ["rs_reserves_earmarked"])
    after = latest_known_on(dt.date(2019, 1, 1), ["rs_reserves_earmarked"])
    cambs_before = before[before["gss_code"] == CAMBS].iloc[0]
    cambs_after = after[after["gss_code"] == CAMBS].iloc[0]
    assert (cambs_before["period"], cambs_before["value"]) == ("2016-17", pytest.approx(44378.137))
    assert (cambs_after["period"], cambs_after["value"]) == ("2017-18", pytest.approx(47779.442))
    assert before.groupby(["gss_code", "indicator"]).size().max() == 1


def test_derived_indicators_are_dated_by_their_inputs(two_years):
    recompute_and_store()
    early = observations_known_on(
        dt.date(2018, 1, 1), ["usable_reserves", "reserves_to_nre"], [CAMBS]
    )
    late = observations_known_on(
        dt.date(2019, 1, 1), ["usable_reserves", "reserves_to_nre"], [CAMBS]
    )

    def value(frame, code, period="2016-17"):
        rows = frame[(frame["indicator"] == code) & (frame["period"] == period)]
        return rows.iloc[0]["value"], rows.iloc[0]["published"]

    assert value(early, "usable_reserves") == (
        pytest.approx(44378.13664 + 19120.1651),
        dt.date(2017, 11, 16),
    )
    assert value(late, "usable_reserves") == (46381 + 19122, dt.date(2018, 11, 15))
    ratio, published = value(early, "reserves_to_nre")
    assert ratio == pytest.approx((44378.13664 + 19120.1651) / 346582.88199 * 100)
    assert published == dt.date(2017, 11, 16)
    assert "2017-18" not in set(early["period"])


def test_an_empty_table_gives_empty_frames_with_the_contract_columns():
    for frame in (observations_known_on(), latest_known_on(dt.date(2020, 1, 1))):
        assert frame.empty
        assert list(frame.columns) == [
            "gss_code",
            "indicator",
            "period",
            "period_end",
            "value",
            "text_value",
            "published",
        ]


def test_a_few_councils_read_alone_give_what_the_whole_table_gives(two_years):
    """A few councils asked for before the whole table is in memory are read alone from the
    database; the answer is exactly what the whole cached table gives."""
    from apps.indicators.services import point_in_time

    few = [CAMBS, "E09000008", "E08000025", "E99999999"]  # the last: no such council
    day = dt.date(2019, 1, 1)
    point_in_time.invalidate_cache()
    alone = (observations_known_on(day, None, few), latest_known_on(day, None, few))
    assert point_in_time._cache["frame"] is None  # the whole table was not read
    assert len(alone[0]) > 100 and set(alone[0]["gss_code"]) == set(few[:3])
    point_in_time.all_observations()
    whole = (observations_known_on(day, None, few), latest_known_on(day, None, few))
    for a, b in zip(alone, whole, strict=True):
        assert a.equals(b)
        assert list(a.dtypes) == list(b.dtypes)
