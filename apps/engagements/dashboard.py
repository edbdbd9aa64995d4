"""Aggregate figures for the dashboard: counts by state and region, overdue actions and time
spent in each state. Plain functions over querysets and dataframes, so tests call them directly.

Figures shown to people who may not open cases (board members) suppress small counts, so a
figure never points at one council's case.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from django.utils import timezone
from django.utils.html import escape

from apps.councils.models import REGIONS
from apps.engagements.models import OPEN_STATES, Action, State, Transition

SUPPRESS_BELOW = 3  # counts of 1 or 2 are shown as "fewer than 3" to aggregate-only viewers


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


# Ends of the lifecycle: time "in" them is time since the case ended, so it is not reported.
FINAL_STATES = {State.CLOSED_IMPROVED.value, State.ESCALATED.value}


def time_in_state(durations: pd.DataFrame) -> pd.DataFrame:
    """Median and mean days in each state, over engagements that reached it, in workflow order.
    Final states (closed as improved, escalated) are left out."""
    rows = []
    for state in State:
        if state.value in FINAL_STATES:
            continue
        days = durations.loc[durations["state"] == state.value, "days"]
        rows.append(
            {
                "state": state.value,
                "label": state.label,
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

    def time_rows(self) -> list[dict]:
        """Time in state, with small groups' figures withheld from aggregate-only viewers."""
        rows = []
        for row in self.time_in_state.to_dict("records"):
            for key in ("median_days", "mean_days"):
                row[key] = None if pd.isna(row[key]) else row[key]
            row["shown"] = self.display(row["engagements"])
            if self.suppressed and row["engagements"] < SUPPRESS_BELOW:
                row["median_days"] = row["mean_days"] = None
            rows.append(row)
        return rows

    def crosstab_rows(self) -> list[dict]:
        """State by region, counts as shown to this viewer."""
        return [
            {"region": region, "cells": [self.display(int(v)) for v in row]}
            for region, row in self.state_by_region.iterrows()
        ]

    def display(self, value: int) -> str:
        if self.suppressed and 0 < value < SUPPRESS_BELOW:
            return f"fewer than {SUPPRESS_BELOW}"
        return str(value)


def build(engagements, *, suppress: bool, today: dt.date | None = None) -> Dashboard:
    """Figures over the `engagements` queryset (already limited to what the viewer may count)."""
    today = today or timezone.localdate()
    rows = pd.DataFrame(
        list(engagements.values("id", "state", "council__region")),
        columns=["id", "state", "council__region"],
    )
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
    ids = engagements.values("id")
    transitions = pd.DataFrame(
        list(
            Transition.objects.filter(engagement_id__in=ids).values(
                "engagement_id", "to_state", "at"
            )
        ),
        columns=["engagement_id", "to_state", "at"],
    )
    durations = state_durations(transitions, timezone.now())
    overdue = Action.objects.filter(
        engagement_id__in=ids, due_date__lt=today, completed_on__isnull=True
    )
    return Dashboard(
        total=len(rows),
        by_state=by_state,
        by_region=pd.DataFrame(by_region, columns=["region", "open", "closed"]),
        state_by_region=state_by_region,
        time_in_state=time_in_state(durations),
        overdue_actions=overdue.count(),
        engagements_with_overdue=overdue.values("engagement_id").distinct().count(),
        reviews_due=engagements.review_due(today).count(),
        suppressed=suppress,
    )


def bar_chart_svg(labels: list[str], values: list[float], *, title: str, xlabel: str) -> str:
    """A horizontal bar chart as inline SVG (the page always gives a table alternative)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = 0.4 * max(len(labels), 1) + 1.2
    fig, ax = plt.subplots(figsize=(7, height))
    try:
        ax.barh(labels[::-1], values[::-1], color="#1d70b8")
        ax.set_title(title, loc="left", fontsize=11)
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
    finally:
        plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # an accessible name for the image; the page's table is the full text alternative
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
