"""Engagements: aggregate figures as at a date (by state, region and tier, overdue actions, time
in state, exits and escalations since the last paper), with the board dashboard's small-number
rules, so no figure points at one council's case. Case detail appears only in the confidential
annex."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from apps.reports.documents import OFFICIAL, Section, Table, count, number
from apps.reports.papers import Content, charts, months_before, table_section
from apps.reports.papers.case_state import end_of_day, states_as_at, transitions_until


def overdue_as_at(as_at: dt.date, open_ids: list[int]) -> pd.DataFrame:
    """Actions of open engagements that were overdue at the end of `as_at`: due before it,
    created by then and not completed by then."""
    from django.db.models import Q

    from apps.engagements.models import Action

    rows = (
        Action.objects.filter(
            engagement_id__in=open_ids,
            created_at__lte=end_of_day(as_at),
            due_date__lt=as_at,
        )
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=as_at))
        .values("id", "engagement_id")
    )
    return pd.DataFrame(list(rows), columns=["id", "engagement_id"])


def as_at_dashboard(as_at: dt.date, frame: pd.DataFrame, overdue: pd.DataFrame):
    """The board dashboard's figures (and its disclosure rule) over the engagements as they
    stood at the end of `as_at`."""
    from apps.engagements.dashboard import from_rows

    rows = frame.rename(columns={"engagement_id": "id", "region": "council__region"})
    return from_rows(
        rows[["id", "state", "council__region"]],
        transitions_until(as_at),
        now=end_of_day(as_at),
        overdue_actions=len(overdue),
        engagements_with_overdue=int(overdue["engagement_id"].nunique()),
        reviews_due=0,
        suppress=True,
    )


class EngagementsPaper:
    key = "engagements"
    label = "Engagements"
    description = (
        "Aggregate figures on the sector's engagements: by state, region and tier, overdue "
        "actions, time in state, exits and escalations; small numbers withheld."
    )
    classification = OFFICIAL
    purpose = "information"

    def default_title(self, as_at: dt.date, options: dict) -> str:
        return f"Sector-led support: engagements to {as_at:%-d %B %Y}"

    def build(
        self, as_at: dt.date, since: dt.date | None, options: dict, *, with_annex: bool
    ) -> Content:
        from apps.core import disclosure
        from apps.councils.models import CouncilType
        from apps.engagements.models import Engagement, State

        since = since or months_before(as_at, 3)
        frame = states_as_at(as_at)
        open_ids = frame.loc[frame["open"].astype(bool), "engagement_id"].tolist()
        overdue = overdue_as_at(as_at, open_ids)
        dash = as_at_dashboard(as_at, frame, overdue)
        state_rows = dash.state_rows()
        drawn = [(r["label"], r["count"]) for r in state_rows if r["count"]]
        states = table_section(
            "Engagements by state",
            [
                f"Engagements as they stood at the end of {as_at:%-d %B %Y}. "
                f"{disclosure.EXPLANATION} This is the board dashboard's rule, so no figure "
                "points at one council's case."
            ],
            f"Engagements by state as at {as_at:%-d %B %Y}",
            ["State", "Engagements"],
            [[r["label"], r["shown"]] for r in state_rows] + [["Total", dash.total_shown]],
            chart=charts.bars(
                [label for label, _ in drawn],
                [n for _, n in drawn],
                title="Engagements by state",
                xlabel="Engagements",
                alt="Bar chart of engagements by state: "
                + "; ".join(f"{label} {n}" for label, n in drawn)
                + ". Withheld counts are not drawn.",
            )
            if drawn
            else None,
        )
        region_rows = dash.region_rows()
        # By type of council: the same rule as regions (each type's state counts protected,
        # an open or closed sum shown only when none of its counts is withheld), and no totals
        # beside it, so it cannot be set against the state table's withheld totals.
        types = dict(CouncilType.choices)
        by_type = (
            pd.crosstab(frame["council_type"].map(types), frame["label"])
            if len(frame)
            else pd.DataFrame()
        )
        by_type = by_type.reindex(
            index=list(types.values()), columns=[s.label for s in State], fill_value=0
        )
        type_rows = replace(dash, state_by_region=by_type).region_rows()
        where = Section(
            heading="Engagements by region and by type of council",
            tables=[
                Table(
                    caption="Engagements by region",
                    header=["Region", "Open", "Closed"],
                    rows=[[r["region"], r["open_shown"], r["closed_shown"]] for r in region_rows],
                ),
                Table(
                    caption="Engagements by type of council",
                    header=["Type of council", "Open", "Closed"],
                    rows=[[r["region"], r["open_shown"], r["closed_shown"]] for r in type_rows],
                ),
            ],
        )
        overdue_shown = dash.single_shown(len(overdue))
        late = Section(
            heading="Overdue actions",
            paragraphs=[
                f"At the end of {as_at:%-d %B %Y} no improvement-plan action was overdue."
                if not len(overdue)
                else f"At the end of {as_at:%-d %B %Y}, {overdue_shown} improvement-plan "
                "actions were overdue across "
                f"{dash.single_shown(dash.engagements_with_overdue)} open engagements."
            ],
        )
        reached = dict(
            zip(dash.time_in_state["state"], dash.time_in_state["engagements"], strict=True)
        )
        timing = table_section(
            "Time in state",
            [
                "Median days engagements spent in each state, counting time still running at "
                "the paper's date; for the final states (closed, escalated, declined) the days "
                "since the case ended. Medians are withheld where few engagements reached a "
                "state or its count is withheld."
            ],
            "Median days in each state",
            ["State", "Median days"],
            [
                [
                    r["label"] + (" (since the case ended)" if r["final"] else ""),
                    "–"
                    if not reached[r["state"]]
                    else disclosure.WITHHELD
                    if r["median_days"] is None
                    else number(round(r["median_days"])),
                ]
                for r in dash.time_rows()
            ],
        )
        exits = self._exits(since, as_at)
        exit_labels = {
            "closed": State.CLOSED_IMPROVED.label,
            "declined": State.DECLINED.label,
        } | {
            key: f"Escalated to {label[0].lower()}{label[1:]}"
            for key, label in Engagement.EscalatedTo.choices
        }
        exit_table = disclosure.protect_counts({exit_labels[k]: exits[k] for k in exit_labels})
        exit_section = table_section(
            "Exits and escalations",
            [f"Engagements that ended between {since:%-d %B %Y} and {as_at:%-d %B %Y}."],
            f"Exits since {since:%-d %B %Y}",
            ["How the engagement ended", "Engagements"],
            [
                [label, exit_table.shown("count", label)]
                for label in [*exit_labels.values(), disclosure.TOTAL]
            ],
        )
        total = dash.total_value
        ended = exit_table.value("count", disclosure.TOTAL)
        summary = (
            f"This paper gives the Board the aggregate position of the sector's engagements "
            f"with councils as at {as_at:%-d %B %Y}. "
        )
        if total is None:
            summary += "There are too few engagements to publish their number. "
        else:
            summary += f"The sector had {count(total, 'engagement')} on record. "
        if ended is not None:
            summary += f"{count(ended, 'engagement')} ended since {since:%-d %B %Y}."
        content = Content(
            sections=[states, where, late, timing, exit_section],
            summary=[
                summary.strip(),
                "It contains no case detail: figures are aggregates and small numbers are "
                "withheld.",
            ],
            recommendations=["Note the position of the sector's engagements."],
            background=[
                "Engagements follow the workflow agreed by the Board, from identification and "
                "first conversation through recorded consent, agreed support and review to exit "
                "or escalation."
            ],
        )
        if with_annex:
            content.annex = [self._annex(frame, overdue, as_at)]
        return content

    @staticmethod
    def _exits(since: dt.date, as_at: dt.date) -> dict[str, int]:
        from apps.engagements.models import Engagement, State, Transition

        ended = Transition.objects.filter(
            at__gt=end_of_day(since),
            at__lte=end_of_day(as_at),
            to_state__in=[State.CLOSED_IMPROVED, State.ESCALATED, State.DECLINED],
        ).select_related("engagement")
        out = {"closed": 0, "declined": 0, "total": 0}
        out |= {key: 0 for key in Engagement.EscalatedTo.values}
        for move in ended:
            out["total"] += 1
            if move.to_state == State.CLOSED_IMPROVED:
                out["closed"] += 1
            elif move.to_state == State.DECLINED:
                out["declined"] += 1
            elif move.engagement.escalated_to in out:
                out[move.engagement.escalated_to] += 1
        return out

    @staticmethod
    def _annex(frame: pd.DataFrame, overdue: pd.DataFrame, as_at: dt.date) -> Section:
        from apps.engagements.models import DEMO_MARK

        late = overdue["engagement_id"].value_counts()
        return table_section(
            "Engagements case by case",
            [
                "Each engagement's state at the paper's date. Confidential to the sector's "
                "improvement staff; not for the Board's public papers."
            ],
            f"Engagements as at {as_at:%-d %B %Y}",
            ["Council", "Region", "State", "Since", "Overdue actions"],
            [
                [
                    row["council"] + (DEMO_MARK if row["is_demo"] else ""),
                    row["region"],
                    row["label"],
                    f"{row['since']:%-d %b %Y}",
                    int(late.get(row["engagement_id"], 0)),
                ]
                for row in frame.to_dict("records")
            ],
        )
