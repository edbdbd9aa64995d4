"""Working days: a team's days are the first `days` working days from its start date.

Weekends and bank holidays in England (the `holidays` package's GB/ENG calendar, which includes
substitute days) are not working days, so a 5-day team starting on a Wednesday runs to the
following Tuesday, not to Sunday, and one starting before Easter steps over Good Friday and Easter
Monday. The peer is taken for every calendar day from the first working day to the last (the
weekend between counts for double booking, not for capacity: capacity counts working days).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def bank_holiday(day: dt.date) -> str:
    """The bank holiday's name on `day`, or ''."""
    return _BANK_HOLIDAYS.get(day) or ""


@lru_cache(maxsize=65536)
def working_span(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """First and last of the first `days` working days on or after `start`."""
    day = start
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    first = day
    left = max(days, 1) - 1
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return first, day


def working_days(start: dt.date, days: int) -> list[dt.date]:
    first, last = working_span(start, days)
    span = (last - first).days + 1
    return [d for d in (first + dt.timedelta(days=n) for n in range(span)) if is_working_day(d)]


def skipped(start: dt.date, days: int) -> list[tuple[dt.date, str]]:
    """Bank holidays a team of `days` working days from `start` steps over, with their names."""
    first, last = working_span(start, days)
    return [
        (first + dt.timedelta(days=n), bank_holiday(first + dt.timedelta(days=n)))
        for n in range((last - first).days + 1)
        if bank_holiday(first + dt.timedelta(days=n))
    ]
