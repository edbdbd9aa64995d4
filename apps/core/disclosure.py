"""Small-number suppression that differencing cannot undo: the one rule every published table
of case counts uses (the engagements dashboard, its API and the board papers).

A table of counts is published with its totals (each row's, each column's and the grand total).
1. Primary suppression: any count, total included, of 1 to `threshold - 1` is withheld.
2. Secondary suppression: more counts are withheld until no withheld count can be worked out from
   the published ones. `feasible_ranges` is the attacker: given the published table (withheld
   cells as None), it finds by linear programming the least and greatest value each withheld cell
   could take, knowing every row and column adds up to its total and a withheld count is never 0.
   A table is safe when every withheld cell could be at least `threshold` and is not pinned to one
   value. Until it is, the smallest published non-zero count sharing a row or column with an
   unsafe cell is withheld too (interior cells before totals).
Zeros are published (a withheld cell is never 0, so the attacker may assume that, and does).
Every withheld cell reads the same, so the reader cannot tell a small count from a secondary one.

Use `protect_table(counts)` for a two-way table (rows x columns of counts; totals are added) or
`protect_counts({label: count})` for one list with its total; render `ProtectedTable.text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.optimize import linprog

THRESHOLD = 3
TOTAL = "Total"
WITHHELD = "withheld"
EXPLANATION = (
    f"Counts from 1 to {THRESHOLD - 1}, and enough other counts that they cannot be worked out "
    "from the totals, are withheld."
)

Cell = tuple[object, object]


@dataclass
class ProtectedTable:
    """Counts with totals (a TOTAL row and column) and which of them are withheld."""

    values: pd.DataFrame  # ints, with the TOTAL row and column
    hidden: pd.DataFrame  # bools, same shape

    @cached_property
    def published(self) -> pd.DataFrame:
        """What a reader sees: the counts, None where withheld."""
        return self.values.astype(object).where(~self.hidden, None)

    @cached_property
    def text(self) -> pd.DataFrame:
        return self.published.map(lambda v: WITHHELD if v is None else str(int(v)))

    def value(self, row, column) -> int | None:
        return None if self.hidden.loc[row, column] else int(self.values.loc[row, column])

    def shown(self, row, column) -> str:
        return WITHHELD if self.hidden.loc[row, column] else str(int(self.values.loc[row, column]))

    @property
    def any_withheld(self) -> bool:
        return bool(self.hidden.to_numpy().any())


def with_totals(counts: pd.DataFrame) -> pd.DataFrame:
    table = counts.astype(int).copy()
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    return table


def _lines(table: pd.DataFrame) -> list[list[Cell]]:
    """Each row and each column of the table with totals: the cells that add up (the last is the
    line's total)."""
    rows, cols = list(table.index), list(table.columns)
    return [[(r, c) for c in cols] for r in rows] + [[(r, c) for r in rows] for c in cols]


def _equations(published: pd.DataFrame, hidden: list[Cell]):
    """Each line's sum as A x = b over the withheld cells x."""
    index = {cell: i for i, cell in enumerate(hidden)}
    a_eq, b_eq = [], []
    for line in _lines(published):
        *parts, total = line
        coefficients = np.zeros(len(hidden))
        rhs = 0.0
        for cell, sign in [(p, 1.0) for p in parts] + [(total, -1.0)]:
            value = published.loc[cell]
            if value is None:
                coefficients[index[cell]] += sign
            else:
                rhs -= sign * float(value)
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(rhs)
    return index, (np.array(a_eq) if a_eq else None), (np.array(b_eq) if b_eq else None)


def _bound(index, a_eq, b_eq, cell: Cell, sense: float) -> float:
    """The least (sense 1) or greatest (sense -1) value of `cell` subject to the equations."""
    objective = np.zeros(len(index))
    objective[index[cell]] = sense
    found = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=[(1, None)] * len(index))
    if found.status == 3:  # unbounded: only a greatest value can be (counts are at least 1)
        return float("inf")
    return round(float(found.fun) * sense, 6)


def _withheld(published: pd.DataFrame) -> list[Cell]:
    return [
        (r, c) for r in published.index for c in published.columns if published.loc[r, c] is None
    ]


def feasible_ranges(published: pd.DataFrame) -> dict[Cell, tuple[float, float]]:
    """For each withheld (None) cell of a published table with totals, the least and greatest
    value consistent with everything published: what someone differencing the table could learn.
    Withheld cells are known to be at least 1; greatest is inf when unbounded."""
    hidden = _withheld(published)
    if not hidden:
        return {}
    index, a_eq, b_eq = _equations(published, hidden)
    return {
        cell: (_bound(index, a_eq, b_eq, cell, 1.0), _bound(index, a_eq, b_eq, cell, -1.0))
        for cell in hidden
    }


def protect_table(counts: pd.DataFrame, threshold: int = THRESHOLD) -> ProtectedTable:
    """Add totals to a table of counts and withhold what must be withheld (see module doc).

    Only small (primary) cells need proving safe: a secondary cell is at least `threshold`, so
    its greatest possible value is too. Withholding more only widens ranges, so a cell once safe
    stays safe and is not checked again."""
    values = with_totals(counts)
    primary = (values > 0) & (values < threshold)
    hidden = primary.copy()
    safe: set[Cell] = set()
    while True:
        published = values.astype(object).where(~hidden, None)
        target = _first_unsafe(published, primary, safe, threshold)
        if target is None:
            break
        candidates = [
            cell
            for line in _lines(values)
            if target in line
            for cell in line
            if not hidden.loc[cell] and values.loc[cell] > 0
        ]
        if not candidates:  # nothing left in its lines: widen to the whole table
            candidates = [
                (r, c)
                for r in values.index
                for c in values.columns
                if not hidden.loc[r, c] and values.loc[r, c] > 0
            ]
        if not candidates:
            break  # everything non-zero is withheld
        best = min(candidates, key=lambda cell: (TOTAL in cell, int(values.loc[cell]), str(cell)))
        hidden.loc[best] = True
    return ProtectedTable(values=values, hidden=hidden)


def _first_unsafe(
    published: pd.DataFrame, primary: pd.DataFrame, safe: set[Cell], threshold: int
) -> Cell | None:
    # cheap first: a line with exactly one withheld cell gives it away by subtraction
    for line in _lines(published):
        missing = [cell for cell in line if published.loc[cell] is None]
        if len(missing) == 1:
            return missing[0]
    hidden = _withheld(published)
    index, a_eq, b_eq = _equations(published, hidden)
    for cell in hidden:
        if not primary.loc[cell] or cell in safe:
            continue
        if _bound(index, a_eq, b_eq, cell, -1.0) < threshold:
            return cell
        safe.add(cell)
    return None


def protect_counts(counts: Mapping[str, int], threshold: int = THRESHOLD) -> ProtectedTable:
    """One list of counts (e.g. engagements by state) with its total, as a one-row table whose
    columns are the labels; read `.value(TOTAL, label)` and `.value(TOTAL, TOTAL)`."""
    frame = pd.DataFrame([dict(counts)], index=["count"])
    table = protect_table(frame, threshold)
    return table


def protect_single(value: int, threshold: int = THRESHOLD) -> int | None:
    """A lone count with no total beside it: withheld (None) if 1 to threshold - 1."""
    return None if 0 < value < threshold else value
