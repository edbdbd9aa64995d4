"""Team dates are working days: weekends and bank holidays in England are stepped over."""

import datetime as dt

from apps.peers.teams.calendar import skipped, working_days, working_span
from apps.peers.teams.check import check_teams
from apps.peers.teams.domain import Assignment

from .factories import AREAS, basic_pool, engagement, rules


def test_a_five_day_team_from_wednesday_runs_to_tuesday_not_sunday():
    wednesday = dt.date(2027, 3, 3)
    assert working_span(wednesday, 5) == (wednesday, dt.date(2027, 3, 9))
    assert engagement(start_date=wednesday, days=5).end_date == dt.date(2027, 3, 9)
    assert [d.weekday() for d in working_days(wednesday, 5)] == [2, 3, 4, 0, 1]


def test_easter_bank_holidays_are_stepped_over():
    # Good Friday 26 March and Easter Monday 29 March 2027.
    thursday = dt.date(2027, 3, 25)
    assert working_span(thursday, 3) == (thursday, dt.date(2027, 3, 31))
    assert [name for _, name in skipped(thursday, 3)] == ["Good Friday", "Easter Monday"]


def test_a_team_starting_on_a_saturday_starts_on_monday():
    assert working_span(dt.date(2027, 3, 6), 1) == (dt.date(2027, 3, 8), dt.date(2027, 3, 8))


def test_the_weekend_inside_a_team_counts_for_double_booking():
    pool = basic_pool()
    first = engagement("E1", start_date=dt.date(2027, 3, 3), days=5)  # Wed 3 - Tue 9
    second = engagement("E2", start_date=dt.date(2027, 3, 8), days=1)  # Monday 8
    team = [Assignment("E1", "CE1", "officer"), Assignment("E2", "CE1", "officer")]
    broken = {v.rule for v in check_teams(team, [first, second], pool, rules(), AREAS)}
    assert "availability.overlap" in broken
