"""Small-number suppression: try to recover withheld counts from the published ones, and fail."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.disclosure import (
    THRESHOLD,
    TOTAL,
    WITHHELD,
    feasible_ranges,
    protect_counts,
    protect_table,
    with_totals,
)


def assert_nothing_recoverable(table) -> None:
    published = table.published
    ranges = feasible_ranges(published)
    for cell, (lo, hi) in ranges.items():
        true = table.values.loc[cell]
        assert lo <= true <= hi, (cell, true, lo, hi)
        # every withheld cell could be a publishable count, so none is known to be small (a
        # small cell is then never pinned either: lo <= true < THRESHOLD <= hi)
        assert hi >= THRESHOLD, f"{cell} is known to be small ({lo}-{hi})"
    small = (table.values > 0) & (table.values < THRESHOLD)
    assert not (small & ~table.hidden).to_numpy().any(), "a small count is published"
    pairs = zip(published.to_numpy().flat, table.values.to_numpy().flat, strict=True)
    assert all(shown is None or shown == true for shown, true in pairs)


def test_primary_suppression_alone_is_undone_by_differencing():
    """Today's rule: nine states each 'fewer than 3' beside a total of 9, so each is 1."""
    counts = pd.DataFrame([[1] * 9], index=["count"], columns=[f"s{i}" for i in range(9)])
    values = with_totals(counts)
    naive = values.astype(object).where(~((values > 0) & (values < THRESHOLD)), None)
    ranges = feasible_ranges(naive)
    assert all(lo == hi == 1 for lo, hi in ranges.values())


def test_the_board_example_is_protected():
    table = protect_counts({f"s{i}": 1 for i in range(9)})
    assert table.value(TOTAL, TOTAL) is None
    assert_nothing_recoverable(table)


def test_one_small_cell_takes_a_partner_in_its_row_and_column():
    counts = pd.DataFrame(
        [[1, 5, 7], [4, 6, 9], [8, 3, 10]], index=["a", "b", "c"], columns=["x", "y", "z"]
    )
    table = protect_table(counts)
    assert table.hidden.loc["a", "x"]
    assert table.hidden.loc["a"].sum() >= 2 and table.hidden["x"].sum() >= 2
    assert_nothing_recoverable(table)
    assert table.text.loc["a", "x"] == WITHHELD
    assert table.value("b", "y") in (6, None)


def test_a_table_without_small_counts_is_published_whole():
    counts = pd.DataFrame([[3, 0], [5, 9]], index=["a", "b"], columns=["x", "y"])
    table = protect_table(counts)
    assert not table.any_withheld
    assert table.value(TOTAL, TOTAL) == 17


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.integers(1, 6).flatmap(
            lambda cols: st.lists(
                st.lists(
                    st.one_of(st.just(0), st.integers(1, 2), st.integers(3, 12)),
                    min_size=cols,
                    max_size=cols,
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_random_table_can_be_undone(grid):
    counts = pd.DataFrame(grid, index=[f"r{i}" for i in range(len(grid))])
    counts.columns = [f"c{j}" for j in range(counts.shape[1])]
    assert_nothing_recoverable(protect_table(counts))


@pytest.mark.parametrize("threshold", [3, 5])
def test_threshold_is_respected(threshold):
    table = protect_counts({"a": 4, "b": 7, "c": 20}, threshold=threshold)
    assert table.hidden.loc[TOTAL, "a"] == (threshold > 4)
