"""Engagements as they stood at the end of a day, rebuilt from their recorded transitions, so a
paper "as at" a date shows what was true then even after cases have moved on."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import timezone

COLUMNS = [
    "engagement_id",
    "gss_code",
    "council",
    "region",
    "council_type",
    "is_demo",
    "state",
    "label",
    "open",
    "since",
]


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def transitions_until(as_at: dt.date) -> pd.DataFrame:
    """Every transition recorded by the end of `as_at` (engagement_id, to_state, at)."""
    from apps.engagements.models import Transition

    rows = Transition.objects.filter(at__lte=end_of_day(as_at)).values(
        "engagement_id", "to_state", "at"
    )
    return pd.DataFrame(list(rows), columns=["engagement_id", "to_state", "at"])


def states_as_at(as_at: dt.date) -> pd.DataFrame:
    """One row per engagement opened by `as_at`: its council and its state at the end of that
    day (from the last transition then), whether that state is open, and since when."""
    from apps.engagements.models import OPEN_STATES, Engagement, State

    moves = transitions_until(as_at)
    if moves.empty:
        return pd.DataFrame(columns=COLUMNS)
    last = moves.sort_values(["engagement_id", "at"]).groupby("engagement_id").tail(1)
    councils = pd.DataFrame(
        list(
            Engagement.objects.filter(pk__in=last["engagement_id"].tolist()).values(
                "id",
                "council__gss_code",
                "council__name",
                "council__region",
                "council__council_type",
                "is_demo",
            )
        ),
        columns=[
            "id",
            "council__gss_code",
            "council__name",
            "council__region",
            "council__council_type",
            "is_demo",
        ],
    ).rename(
        columns={
            "id": "engagement_id",
            "council__gss_code": "gss_code",
            "council__name": "council",
            "council__region": "region",
            "council__council_type": "council_type",
        }
    )
    frame = last.merge(councils, on="engagement_id").rename(
        columns={"to_state": "state", "at": "since"}
    )
    labels = dict(State.choices)
    frame["label"] = frame["state"].map(labels)
    frame["open"] = frame["state"].isin([s.value for s in OPEN_STATES])
    return frame[COLUMNS].sort_values("council").reset_index(drop=True)
