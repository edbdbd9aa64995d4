"""Dashboard figures: durations from transitions, counts, suppression, charts, exports."""

import datetime as dt
import io

import pandas as pd
import pytest
from django.test import Client
from openpyxl import load_workbook

from apps.engagements import dashboard
from apps.engagements.models import Engagement


def test_state_durations_run_until_the_next_transition_and_now():
    t = pd.Timestamp
    transitions = pd.DataFrame(
        {
            "engagement_id": [1, 1, 1, 2],
            "to_state": ["identified", "first_conversation", "declined", "identified"],
            "at": [
                t("2026-01-01", tz="UTC"),
                t("2026-01-11", tz="UTC"),
                t("2026-01-15", tz="UTC"),
                t("2026-01-21", tz="UTC"),
            ],
        }
    )
    durations = dashboard.state_durations(transitions, dt.datetime(2026, 1, 31, tzinfo=dt.UTC))
    got = {(r.engagement_id, r.state): r.days for r in durations.itertuples()}
    assert got == {
        (1, "identified"): 10,
        (1, "first_conversation"): 4,
        (1, "declined"): 16,
        (2, "identified"): 10,
    }
    table = dashboard.time_in_state(durations).set_index("state")
    assert table.loc["identified", "engagements"] == 2
    assert table.loc["identified", "median_days"] == 10
    assert pd.isna(table.loc["progress_review", "median_days"])
    # final states are reported too: the days since the case ended
    assert table.loc["declined", "final"] and table.loc["declined", "median_days"] == 16
    assert table.loc["escalated", "final"] and table.loc["escalated", "engagements"] == 0


@pytest.mark.django_db
def test_programme_manager_dashboard_has_charts_with_tables(people, cases):
    client = Client()
    client.force_login(people.pm)
    page = client.get("/engagements/dashboard/").content.decode()
    assert page.count("<svg") == 2
    assert 'id="state-table"' in page and 'id="time-table"' in page
    board = dashboard.build(Engagement.objects.all(), suppress=False)
    assert board.total == 4
    assert (
        dict(zip(board.by_state["state"], board.by_state["count"], strict=True))["in_delivery"] == 1
    )


@pytest.mark.django_db
def test_dashboard_exports(people, cases):
    client = Client()
    client.force_login(people.board)
    got = client.get("/engagements/dashboard/?format=xlsx")
    book = load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["By state", "By region", "Time in state"]
    text = client.get("/engagements/dashboard/?format=csv").content.decode()
    assert "Croydon" not in text and "State,Engagements" in text


@pytest.mark.django_db
def test_staff_see_state_by_region_and_overdue_actions_board_does_not(people, cases):
    import datetime as dt

    from apps.engagements import services

    services.add_action(
        cases.croydon_live,
        by=people.ra_london,
        title="Late budget",
        owner="S151",
        due_date=dt.date(2020, 1, 1),
    )
    client = Client()
    client.force_login(people.ra_london)
    page = client.get("/engagements/dashboard/").content.decode()
    assert 'id="crosstab-table"' in page and "Late budget" in page
    client.force_login(people.board)
    page = client.get("/engagements/dashboard/").content.decode()
    assert 'id="crosstab-table"' in page
    assert "Late budget" not in page and 'id="overdue-table"' not in page
    board = dashboard.build(Engagement.objects.all(), suppress=True)
    london = next(r for r in board.crosstab_rows() if r["region"] == "London")
    assert set(london["cells"]) <= {"0", "withheld"}
