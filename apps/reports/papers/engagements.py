"""Engagements: aggregate figures as at a date (by state, region and tier, overdue actions, time
in state, exits and escalations since the last paper), with the board dashboard's small-number
rules, so no figure points at one council's case. Case detail appears only in the confidential
annex."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from apps.reports.documents import OFFICIAL, Section, Table, count, number
from apps.reports.papers import Content, charts, months_before
from apps.reports.papers.case_state import end_of_day, states_as_at, transitions_until


def shown(value: int) -> str:
    """A count as a board member may see it (the dashboard's small-number rule)."""
    from apps.engagements.dashboard import SUPPRESS_BELOW

    if 0 < value < SUPPRESS_BELOW:
        return f"fewer than {SUPPRESS_BELOW}"
    return number(value)


def suppressed(value: int) -> bool:
    return shown(value) != number(value)


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


def _split_table(frame: pd.DataFrame, key: str, labels: dict, caption: str, first: str) -> Table:
    rows = []
    for value, label in labels.items():
        mine = frame[frame[key] == value]
        opened, closed = int(mine["open"].sum()), int((~mine["open"]).sum())
        if opened or closed:
            rows.append([label, shown(opened), shown(closed)])
    return Table(caption=caption, header=[first, "Open", "Closed"], rows=rows)


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
        from apps.councils.models import REGIONS, CouncilType
        from apps.engagements.dashboard import SUPPRESS_BELOW, state_durations, time_in_state
        from apps.engagements.models import Engagement, State

        since = since or months_before(as_at, 3)
        frame = states_as_at(as_at)
        total, open_total = len(frame), int(frame["open"].sum()) if len(frame) else 0
        by_state = frame["state"].value_counts() if total else pd.Series(dtype=int)
        state_rows = [[s.label, shown(int(by_state.get(s.value, 0)))] for s in State]
        drawn = [(s.label, int(by_state.get(s.value, 0))) for s in State]
        drawn = [(label, n) for label, n in drawn if n and not suppressed(n)]
        states = Section(
            heading="Engagements by state",
            paragraphs=[
                f"As at {as_at:%-d %B %Y} the sector had {count(total, 'engagement')} on record, "
                f"{shown(open_total)} of them open. Counts of 1 or 2 are shown as 'fewer than "
                f"{SUPPRESS_BELOW}' so that no figure points at one council's case."
            ],
            tables=[
                Table(
                    caption=f"Engagements by state as at {as_at:%-d %B %Y}",
                    header=["State", "Engagements"],
                    rows=state_rows,
                )
            ],
            charts=[
                charts.bars(
                    [label for label, _ in drawn],
                    [n for _, n in drawn],
                    title="Engagements by state",
                    xlabel="Engagements",
                    alt="Bar chart of engagements by state: "
                    + "; ".join(f"{label} {n}" for label, n in drawn)
                    + ". States with fewer than "
                    f"{SUPPRESS_BELOW} engagements are not drawn.",
                )
            ]
            if drawn
            else [],
        )
        regions = {r: r for r in sorted(set(REGIONS) | set(frame["region"].dropna()) - {""})}
        where = Section(
            heading="Engagements by region and by tier",
            tables=[
                _split_table(frame, "region", regions, "Engagements by region", "Region"),
                _split_table(
                    frame,
                    "council_type",
                    dict(CouncilType.choices),
                    "Engagements by type of council",
                    "Type of council",
                ),
            ],
        )
        open_ids = frame.loc[frame["open"], "engagement_id"].tolist() if total else []
        overdue = overdue_as_at(as_at, open_ids)
        late = Section(
            heading="Overdue actions",
            paragraphs=[
                f"At the end of {as_at:%-d %B %Y}, {shown(len(overdue))} improvement-plan "
                f"actions were overdue across {shown(overdue['engagement_id'].nunique())} open "
                "engagements."
                if len(overdue)
                else f"At the end of {as_at:%-d %B %Y} no improvement-plan action was overdue."
            ],
        )
        durations = state_durations(transitions_until(as_at), end_of_day(as_at))
        times = time_in_state(durations)
        timing = Section(
            heading="Time in state",
            paragraphs=[
                "Median days engagements spent in each state, counting time still running at "
                "the paper's date; for closed and escalated cases, days since they ended. "
                f"Medians over fewer than {SUPPRESS_BELOW} engagements are withheld."
            ],
            tables=[
                Table(
                    caption="Days in each state",
                    header=["State", "Engagements", "Median days"],
                    rows=[
                        [
                            row["label"],
                            shown(int(row["engagements"])),
                            "withheld"
                            if suppressed(int(row["engagements"]))
                            else number(round(row["median_days"] or 0)),
                        ]
                        for row in times.to_dict("records")
                        if row["engagements"]
                    ],
                )
            ],
        )
        exits = self._exits(since, as_at)
        escalated = Engagement.EscalatedTo
        exit_section = Section(
            heading="Exits and escalations",
            paragraphs=[f"Engagements that ended between {since:%-d %B %Y} and {as_at:%-d %B %Y}."],
            tables=[
                Table(
                    caption=f"Exits since {since:%-d %B %Y}",
                    header=["How the engagement ended", "Engagements"],
                    rows=[
                        [State.CLOSED_IMPROVED.label, shown(exits["closed"])],
                        [State.DECLINED.label, shown(exits["declined"])],
                        *[
                            [f"Escalated to {label[0].lower()}{label[1:]}", shown(exits[key])]
                            for key, label in escalated.choices
                        ],
                    ],
                )
            ],
        )
        content = Content(
            sections=[states, where, late, timing, exit_section],
            summary=[
                f"This paper gives the Board the aggregate position of the sector's "
                f"engagements with councils as at {as_at:%-d %B %Y}: {shown(open_total)} open "
                f"engagements and {shown(exits['total'])} that ended since {since:%-d %B %Y}.",
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
        late = overdue["engagement_id"].value_counts()
        return Section(
            heading="Engagements case by case",
            paragraphs=[
                "Each engagement's state at the paper's date. Confidential to the sector's "
                "improvement staff; not for the Board's public papers."
            ],
            tables=[
                Table(
                    caption=f"Engagements as at {as_at:%-d %B %Y}",
                    header=["Council", "Region", "State", "Since", "Overdue actions"],
                    rows=[
                        [
                            row["council"],
                            row["region"],
                            row["label"],
                            f"{row['since']:%-d %b %Y}",
                            int(late.get(row["engagement_id"], 0)),
                        ]
                        for row in frame.to_dict("records")
                    ],
                )
            ],
        )
