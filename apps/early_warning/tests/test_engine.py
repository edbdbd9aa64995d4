"""The framework engine on small hand-made frames: band edges, peer z-scores, combining, reasons."""

from __future__ import annotations

import polars as pl
import pytest

from apps.early_warning.engine import FrameworkError, load_framework, score_frame
from apps.early_warning.engine.framework import parse_framework
from apps.early_warning.engine.reasons import reasons_for


def framework(indicators: list[dict], **combine) -> object:
    return parse_framework(
        {
            "framework": {"name": "t", "title": "Test", "version": "0", "status": "test"},
            "combine": {"method": "sum", **combine},
            "designation": [{"label": "High", "min": 20}, {"label": "Low", "min": 5}],
            "indicator": indicators,
        }
    )


def test_band_edges_follow_inclusive_and_exclusive_bounds_as_written():
    fw = framework(
        [
            {
                "code": "fb",
                "title": "Fund balance",
                "measure": "x",
                "bands": [
                    {"le": 0.0, "points": 25},
                    {"gt": 0.0, "le": 0.0333, "points": 18.75},
                    {"gt": 0.0333, "le": 0.0667, "points": 12.5},
                ],
            }
        ]
    )
    values = [-1.0, 0.0, 0.00001, 0.0333, 0.03331, 0.0667, 0.0668, None]
    inputs = pl.DataFrame({"entity": [str(i) for i in range(len(values))], "x": values})
    out = score_frame(fw, inputs).sort("entity")
    assert out["fb__points"].to_list() == [25, 25, 18.75, 18.75, 12.5, 12.5, 0, None]


def test_fsms_designation_bands_at_their_edges():
    fw = load_framework("nys_fsms_2017_municipal")
    assert fw.designation_for(65.0) == "Significant Fiscal Stress"
    assert fw.designation_for(64.9) == "Moderate Fiscal Stress"
    assert fw.designation_for(55.0) == "Moderate Fiscal Stress"
    assert fw.designation_for(54.9) == "Susceptible Fiscal Stress"
    assert fw.designation_for(45.0) == "Susceptible Fiscal Stress"
    assert fw.designation_for(44.9) == "No Designation"


def test_variants_apply_bands_by_entity_class():
    fw = load_framework("nys_fsms_2017_municipal")
    cash = fw.indicator("cash_months")
    small = framework(
        [
            {
                "code": "cash_months",
                "title": cash.title,
                "measure": "v",
                "variants": [
                    {"when": v.when, "bands": [b.__dict__ for b in v.bands]} for v in cash.variants
                ],
            }
        ]
    )
    inputs = pl.DataFrame(
        {"entity": ["a", "b"], "v": [0.45, 0.45], "entity_class": ["City", "Town"]}
    )
    out = score_frame(small, inputs).sort("entity")
    assert out["cash_months__points"].to_list() == [10.0, 6.67]


PEERS_FW = [
    {
        "code": "reserves",
        "title": "Usable reserves",
        "phrase": "usable reserves",
        "measure": "reserves",
        "unit": "percent",
        "scoring": "peer_z",
        "polarity": "low_is_bad",
        "min_peers": 3,
        "bands": [{"ge": 2, "points": 20}, {"ge": 1, "points": 10}],
    }
]


def _peer_case():
    # entity a has neighbours b..f; their values 10, 12, 14, 16, 40 (an outlier)
    inputs = pl.DataFrame(
        {
            "entity": ["a", "b", "c", "d", "e", "f"],
            "reserves": [2.1, 10.0, 12.0, 14.0, 16.0, 40.0],
        }
    )
    peers = pl.DataFrame({"entity": ["a"] * 5, "peer": ["b", "c", "d", "e", "f"]})
    return inputs, peers


def test_peer_z_uses_median_and_mad_of_the_neighbours():
    inputs, peers = _peer_case()
    out = score_frame(framework(PEERS_FW), inputs, peers=peers)
    a = out.filter(pl.col("entity") == "a").to_dicts()[0]
    # median 14, absolute deviations 4, 2, 0, 2, 26 -> MAD 2; z = (2.1 - 14) / (1.4826 * 2)
    assert a["reserves__peer_median"] == 14.0
    assert a["reserves__peer_mad"] == 2.0
    assert a["reserves__z"] == pytest.approx((14.0 - 2.1) / (1.4826 * 2), rel=1e-6)
    assert a["reserves__peer_position"] == 1 and a["reserves__peer_n"] == 5
    assert a["reserves__points"] == 20
    # councils without enough peers are not compared (no points, not a zero)
    b = out.filter(pl.col("entity") == "b").to_dicts()[0]
    assert b["reserves__z"] is None and b["reserves__points"] is None


def test_reason_names_indicator_value_and_comparison():
    inputs, peers = _peer_case()
    fw = framework(PEERS_FW)
    out = score_frame(fw, inputs, peers=peers)
    a = out.filter(pl.col("entity") == "a").to_dicts()[0]
    assert reasons_for(fw, a) == [
        "usable reserves 2.1%, lowest of its 5 nearest neighbours (median 14.0%)"
    ]


def test_weighted_sum_cap_max_and_insufficient_data():
    inds = [
        {
            "code": "x",
            "title": "X",
            "measure": "x",
            "weight": 2,
            "bands": [{"ge": 1, "points": 10}],
        },
        {"code": "y", "title": "Y", "measure": "y", "bands": [{"ge": 1, "points": 8}]},
    ]
    inputs = pl.DataFrame({"entity": ["a", "b", "c"], "x": [1.0, 0.0, None], "y": [1.0, 1.0, None]})
    weighted = score_frame(framework(inds, method="weighted_sum", cap=25), inputs)
    assert dict(zip(weighted["entity"], weighted["score"], strict=True)) == {
        "a": 25.0,
        "b": 8.0,
        "c": None,
    }
    assert weighted.filter(pl.col("entity") == "c")["band"].item() == "insufficient data"
    assert weighted["rank"].to_list() == [1, 2, 3]
    biggest = score_frame(framework(inds, method="max"), inputs)
    assert biggest.filter(pl.col("entity") == "a")["score"].item() == 10


def test_bad_framework_files_are_refused_clearly():
    with pytest.raises(FrameworkError, match="scoring must be one of"):
        framework([{"code": "x", "title": "X", "measure": "x", "scoring": "magic", "bands": []}])
    with pytest.raises(FrameworkError, match="unknown input"):
        score_frame(
            framework([{"code": "x", "title": "X", "measure": "nope", "bands": [{"points": 1}]}]),
            pl.DataFrame({"entity": ["a"], "x": [1.0]}),
        )
    with pytest.raises(FrameworkError, match="no framework"):
        load_framework("does_not_exist")


def test_shipped_frameworks_load_with_metadata():
    for name in ("england_early_warning", "cipfa_style_resilience", "nys_fsms_2017_school"):
        fw = load_framework(name)
        assert fw.version and fw.status and fw.changelog


def test_framework_check_command_validates_a_drafted_file(tmp_path):
    import io

    from django.core.management import CommandError, call_command

    good = io.StringIO()
    call_command("framework_check", "nys_fsms_2017_school", stdout=good)
    assert "NY FSMS 2017: school districts" in good.getvalue()
    draft = tmp_path / "draft.toml"
    draft.write_text('[framework]\nname = "draft"\ntitle = "Draft"\nversion = "0"\n')
    with pytest.raises(CommandError, match="lacks 'status'"):
        call_command("framework_check", str(draft), stdout=io.StringIO())
    broken = tmp_path / "broken.toml"
    broken.write_text("[framework\nname=")
    with pytest.raises(CommandError, match="not valid TOML"):
        call_command("framework_check", str(broken), stdout=io.StringIO())


def test_scale_points_grow_between_anchors_on_a_log_scale_and_flag_from_a_share():
    fw = framework(
        [
            {
                "code": "res",
                "title": "Usable reserves",
                "measure": "x",
                "unit": "percent_of_nre",
                "scoring": "scale",
                "polarity": "low_is_bad",
                "scale": {"zero_at": 100, "full_at": 10, "points": 20, "log": True},
            }
        ]
    )
    values = [200.0, 100.0, 31.6227766, 10.0, 1.0, None]
    inputs = pl.DataFrame({"entity": [str(i) for i in range(len(values))], "x": values})
    out = score_frame(fw, inputs).sort("entity")
    points = out["res__points"].to_list()
    assert points[:2] == [0.0, 0.0] and points[3:5] == pytest.approx([20.0, 20.0])
    assert points[5] is None
    assert points[2] == pytest.approx(10.0)  # halfway on the log scale: half the points
    assert out["n_flagged"].to_list()[:5] == [0, 0, 1, 1, 1]  # flagged from half the points
    row = out.filter(pl.col("entity") == "4").to_dicts()[0]
    assert reasons_for(fw, row) == [
        "usable reserves 1.0% of net revenue expenditure, 20 of 20 points"
    ]


def test_a_scale_needs_its_anchors():
    with pytest.raises(FrameworkError, match="scale lacks full_at"):
        framework(
            [
                {
                    "code": "a",
                    "title": "A",
                    "measure": "x",
                    "scoring": "scale",
                    "scale": {"zero_at": 1, "points": 5},
                }
            ]
        )


def test_band_rules_say_the_score_each_band_needs():
    fw = load_framework("england_early_warning")
    top, second = sorted(fw.designations, key=lambda d: -d.min_score)[:2]
    assert fw.band_rule(top.label) == f"score {top.min_score:g} or more"
    assert fw.band_rule(second.label) == f"score {second.min_score:g} to under {top.min_score:g}"
    assert fw.band_rule(fw.no_designation_label).startswith("score under ")
