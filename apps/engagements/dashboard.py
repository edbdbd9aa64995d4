"""Aggregate figures for the dashboard: counts by state and region, overdue actions and time
spent in each state. Plain functions over querysets and dataframes, so tests call them directly.

Figures shown to people who may not open cases (board members) go through the shared disclosure
rule (`apps.core.disclosure`): small counts are withheld, and enough others that no withheld count
can be worked out from the totals, so a figure never points at one council's case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from django.utils import timezone

from apps.core import disclosure
from apps.councils.models import REGIONS
from apps.engagements.models import OPEN_STATES, Action, State, Transition

SUPPRESS_BELOW = disclosure.THRESHOLD


def state_durations(transitions: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """Days each engagement spent in each state, from its transitions (engagement_id, to_state, at).

    The last state runs until `now`. Returns columns engagement_id, state, days.
    """
    if transitions.empty:
        return pd.DataFrame(columns=["engagement_id", "state", "days"])
    frame = transitions.sort_values(["engagement_id", "at"]).copy()
    frame["until"] = frame.groupby("engagement_id")["at"].shift(-1).fillna(pd.Timestamp(now))
    frame["days"] = (frame["until"] - frame["at"]).dt.total_seconds() / 86400
    return frame.rename(columns={"to_state": "state"})[["engagement_id", "state", "days"]]


# Ends of the lifecycle: time "in" them is the time since the case ended (still counted).
FINAL_STATES = {State.CLOSED_IMPROVED.value, State.ESCALATED.value, State.DECLINED.value}


def time_in_state(durations: pd.DataFrame) -> pd.DataFrame:
    """Median and mean days in each state, over engagements that reached it, in workflow order.
    Every state is reported, the final ones (closed as improved, escalated, declined) too: for
    them the days run from the case's end to now (or to the date the figures are taken at)."""
    rows = []
    for state in State:
        days = durations.loc[durations["state"] == state.value, "days"]
        rows.append(
            {
                "state": state.value,
                "label": state.label,
                "final": state.value in FINAL_STATES,
                "engagements": int(days.size),
                "median_days": round(float(days.median()), 1) if days.size else None,
                "mean_days": round(float(days.mean()), 1) if days.size else None,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class Dashboard:
    total: int
    by_state: pd.DataFrame  # state, label, count
    by_region: pd.DataFrame  # region, open, closed
    state_by_region: pd.DataFrame  # index region, one column per state label
    time_in_state: pd.DataFrame
    overdue_actions: int
    engagements_with_overdue: int
    reviews_due: int
    suppressed: bool

    @cached_property
    def table(self) -> disclosure.ProtectedTable:
        """Region by state, with totals; withheld cells only for aggregate-only viewers."""
        if self.suppressed:
            return disclosure.protect_table(self.state_by_region)
        values = disclosure.with_totals(self.state_by_region)
        return disclosure.ProtectedTable(
            values, pd.DataFrame(False, index=values.index, columns=values.columns)
        )

    def _cell(self, row, column) -> tuple[int | None, str]:
        return self.table.value(row, column), self.table.shown(row, column)

    @property
    def total_value(self) -> int | None:
        return self.table.value(disclosure.TOTAL, disclosure.TOTAL)

    @property
    def total_shown(self) -> str:
        return self.table.shown(disclosure.TOTAL, disclosure.TOTAL)

    def single(self, value: int) -> int | None:
        """A lone count (overdue actions, reviews due): withheld if small, for this viewer."""
        return disclosure.protect_single(value) if self.suppressed else value

    def single_shown(self, value: int) -> str:
        shown = self.single(value)
        return disclosure.WITHHELD if shown is None else str(shown)

    def state_rows(self) -> list[dict]:
        """state, label, count (None if withheld) and shown, from the protected table's totals."""
        rows = []
        for s in State:
            count, shown = self._cell(disclosure.TOTAL, s.label)
            rows.append({"state": s.value, "label": s.label, "count": count, "shown": shown})
        return rows

    def region_rows(self) -> list[dict]:
        """Open and closed per region: a sum is shown only if none of its cells is withheld."""
        open_labels = {s.label for s in OPEN_STATES}
        rows = []
        for region in self.state_by_region.index:
            sums = {}
            for key, labels in (
                ("open", [s.label for s in State if s.label in open_labels]),
                ("closed", [s.label for s in State if s.label not in open_labels]),
            ):
                cells = [self.table.value(region, label) for label in labels]
                sums[key] = None if None in cells else sum(cells)
            rows.append(
                {
                    "region": region,
                    **sums,
                    "open_shown": _shown(sums["open"]),
                    "closed_shown": _shown(sums["closed"]),
                }
            )
        return rows

    def time_rows(self) -> list[dict]:
        """Time in state. Aggregate-only viewers see no counts here (how many reached a state can
        be set against the tables above), and no days where fewer than the threshold reached the
        state or the state's own count is withheld."""
        withheld = {r["state"] for r in self.state_rows() if r["count"] is None}
        rows = []
        for row in self.time_in_state.to_dict("records"):
            for key in ("median_days", "mean_days"):
                row[key] = None if pd.isna(row[key]) else row[key]
            row["shown"] = str(row["engagements"])
            if self.suppressed:
                if row["engagements"] < SUPPRESS_BELOW or row["state"] in withheld:
                    row["median_days"] = row["mean_days"] = None
                row["engagements"] = None
                row["shown"] = disclosure.WITHHELD
            rows.append(row)
        return rows

    def crosstab_rows(self) -> list[dict]:
        """State by region, counts as shown to this viewer, with each region's total."""
        text = self.table.text
        return [
            {
                "region": region,
                "cells": [text.loc[region, s.label] for s in State],
                "total": text.loc[region, disclosure.TOTAL],
            }
            for region in self.state_by_region.index
        ]


def _shown(value: int | None) -> str:
    return disclosure.WITHHELD if value is None else str(value)


def build(engagements, *, suppress: bool, today: dt.date | None = None) -> Dashboard:
    """Figures over the `engagements` queryset (already limited to what the viewer may count)."""
    today = today or timezone.localdate()
    rows = pd.DataFrame(
        list(engagements.values("id", "state", "council__region")),
        columns=["id", "state", "council__region"],
    )
    ids = engagements.values("id")
    transitions = pd.DataFrame(
        list(
            Transition.objects.filter(engagement_id__in=ids).values(
                "engagement_id", "to_state", "at"
            )
        ),
        columns=["engagement_id", "to_state", "at"],
    )
    overdue = Action.objects.filter(
        engagement_id__in=ids, due_date__lt=today, completed_on__isnull=True
    )
    return from_rows(
        rows,
        transitions,
        now=timezone.now(),
        overdue_actions=overdue.count(),
        engagements_with_overdue=overdue.values("engagement_id").distinct().count(),
        reviews_due=engagements.review_due(today).count(),
        suppress=suppress,
    )


def from_rows(
    rows: pd.DataFrame,
    transitions: pd.DataFrame,
    *,
    now: dt.datetime,
    overdue_actions: int,
    engagements_with_overdue: int,
    reviews_due: int,
    suppress: bool,
) -> Dashboard:
    """The dashboard from one row per engagement (id, state, council__region) and their
    transitions (engagement_id, to_state, at), time in state running until `now`. Board papers
    call this with the engagements as they stood on a past date."""
    counts = rows["state"].value_counts() if not rows.empty else pd.Series(dtype=int)
    by_state = pd.DataFrame(
        [{"state": s.value, "label": s.label, "count": int(counts.get(s.value, 0))} for s in State]
    )
    regions = sorted(set(REGIONS) | set(rows["council__region"].dropna()) - {""})
    by_region = []
    for region in regions:
        in_region = rows[rows["council__region"] == region] if not rows.empty else rows
        is_open = in_region["state"].isin([s.value for s in OPEN_STATES])
        by_region.append(
            {"region": region, "open": int(is_open.sum()), "closed": int((~is_open).sum())}
        )
    state_by_region = (
        pd.crosstab(rows["council__region"], rows["state"]) if not rows.empty else pd.DataFrame()
    )
    state_by_region = state_by_region.reindex(
        index=regions, columns=[s.value for s in State], fill_value=0
    )
    state_by_region.columns = [s.label for s in State]
    return Dashboard(
        total=len(rows),
        by_state=by_state,
        by_region=pd.DataFrame(by_region, columns=["region", "open", "closed"]),
        state_by_region=state_by_region,
        time_in_state=time_in_state(state_durations(transitions, now)),
        overdue_actions=overdue_actions,
        engagements_with_overdue=engagements_with_overdue,
        reviews_due=reviews_due,
        suppressed=suppress,
    )


def bar_chart_svg(labels: list[str], values: list[float], *, title: str, xlabel: str) -> str:
    """A horizontal bar chart as inline SVG (the page always gives a table alternative)."""
    from apps.core.charts import bar_chart

    return bar_chart(title, labels, values, xlabel)
