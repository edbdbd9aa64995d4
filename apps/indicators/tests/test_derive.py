"""The derived-indicator rules on small frames (no database): each rule, the sustainability cap,
publication dates as the latest input's, and revisions carried through."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from apps.indicators.catalogue import derived_definitions
from apps.indicators.services.derive import compute_derived, ordered_definitions

D = dt.date


def obs(rows):
    """rows: (gss, indicator, year, value, published)."""
    return pd.DataFrame(
        [
            {
                "gss_code": g,
                "indicator": i,
                "period": f"{y}-{(y + 1) % 100:02d}",
                "period_end": D(y + 1, 3, 31),
                "value": float(v),
                "text_value": None,
                "published": p,
            }
            for g, i, y, v, p in rows
        ]
    )


def reserves(gss, levels, nre=1000.0, first_year=2012):
    rows = []
    for offset, level in enumerate(levels):
        year = first_year + offset
        published = D(year + 1, 11, 20)
        rows += [
            (gss, "rs_reserves_earmarked", year, level * 0.75, published),
            (gss, "rs_reserves_unallocated", year, level * 0.25, published),
            (gss, "rs_net_revenue_expenditure", year, nre, published),
        ]
    return rows


def values(derived, code, gss="E1"):
    rows = derived[(derived["indicator"] == code) & (derived["gss_code"] == gss)]
    return dict(zip(rows["period"], rows["value"], strict=True))


def test_reserves_rules_including_sustainability():
    frame = obs(
        reserves("E1", [100, 90, 80, 70])
        + reserves("E2", [50, 60, 70, 80])
        + reserves("E3", [30, 20, 10, 0])
    )
    derived = compute_derived(frame, derived_definitions())
    assert values(derived, "usable_reserves")["2015-16"] == pytest.approx(70)
    assert values(derived, "reserves_to_nre")["2015-16"] == pytest.approx(7.0)
    assert values(derived, "reserves_change_3y") == {"2015-16": pytest.approx(-30.0)}
    assert values(derived, "reserves_sustainability_years") == {"2015-16": pytest.approx(7.0)}
    assert values(derived, "reserves_sustainability_years", "E2") == {"2015-16": 100.0}  # cap
    assert values(derived, "reserves_sustainability_years", "E3") == {"2015-16": 0.0}  # none left
    assert values(derived, "reserves_change_3y", "E3") == {"2015-16": pytest.approx(-100.0)}


def test_ratios_need_a_positive_denominator_and_take_the_latest_input_date():
    frame = obs(
        [
            ("E1", "gross_borrowing", 2016, 500, D(2017, 7, 31)),
            ("E1", "rs_net_revenue_expenditure", 2016, 250, D(2017, 11, 16)),
            ("E2", "gross_borrowing", 2016, 500, D(2017, 7, 31)),
            ("E2", "rs_net_revenue_expenditure", 2016, 0, D(2017, 11, 16)),
        ]
    )
    derived = compute_derived(frame, derived_definitions())
    net = derived[(derived["indicator"] == "net_borrowing") & (derived["gss_code"] == "E1")]
    assert net.empty  # no investments figure: no net borrowing invented
    row = derived[(derived["indicator"] == "borrowing_to_nre")]
    assert row["gss_code"].tolist() == ["E1"]
    assert row.iloc[0]["value"] == pytest.approx(200.0)
    assert row.iloc[0]["published"] == pd.Timestamp(2017, 11, 16)


def test_social_care_uses_the_split_lines_or_the_combined_one():
    frame = obs(
        [
            ("E1", "rs_children_social_care", 2016, 30, D(2017, 11, 16)),
            ("E1", "rs_adult_social_care", 2016, 50, D(2017, 11, 16)),
            ("E1", "rs_social_care_combined", 2010, 70, D(2011, 11, 30)),
            ("E1", "rs_net_revenue_expenditure", 2016, 200, D(2017, 11, 16)),
            ("E1", "rs_net_revenue_expenditure", 2010, 200, D(2011, 11, 30)),
        ]
    )
    derived = compute_derived(frame, derived_definitions())
    assert values(derived, "social_care_share") == {
        "2010-11": pytest.approx(35.0),
        "2016-17": pytest.approx(40.0),
    }


def test_a_revised_input_gives_a_second_vintage_and_an_unchanged_one_does_not():
    frame = obs(
        [
            ("E1", "gross_borrowing", 2016, 100, D(2017, 7, 31)),
            ("E1", "gross_borrowing", 2017, 150, D(2018, 7, 31)),
            ("E1", "gross_borrowing", 2016, 120, D(2018, 7, 31)),  # 2016-17 restated
            ("E1", "gross_borrowing", 2016, 120, D(2020, 7, 31)),  # restated again, same value
        ]
    )
    derived = compute_derived(frame, derived_definitions())
    growth = derived[derived["indicator"] == "borrowing_growth"]
    assert growth[["period", "value"]].values.tolist() == [["2017-18", pytest.approx(25.0)]]
    assert growth.iloc[0]["published"] == pd.Timestamp(2018, 7, 31)
    raw_like = derived[derived["indicator"] == "nre"]
    assert raw_like.empty  # no NRE input, nothing invented


def test_definitions_are_ordered_after_their_inputs():
    order = [d["code"] for d in ordered_definitions(derived_definitions())]
    assert order.index("usable_reserves") < order.index("reserves_to_nre")
    assert order.index("nre") < order.index("borrowing_to_nre")
    assert order.index("social_care_spend") < order.index("social_care_share")


def test_net_borrowing_is_borrowing_less_investments():
    frame = obs(
        [
            ("E1", "gross_borrowing", 2019, 500, D(2020, 7, 31)),
            ("E1", "total_investments", 2019, 200, D(2020, 7, 31)),
            ("E1", "rs_net_revenue_expenditure", 2019, 100, D(2020, 11, 19)),
        ]
    )
    derived = compute_derived(frame, derived_definitions())
    assert values(derived, "net_borrowing") == {"2019-20": 300.0}
    assert values(derived, "net_borrowing_to_nre") == {"2019-20": 300.0}
