"""Opening and closing moments are London days: a consultation closing on 30 June closes at
23:59:59 BST (22:59:59 UTC), not at midnight UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

from apps.consultations.models import Consultation

UTC = ZoneInfo("UTC")


def test_closes_at_end_of_day_london_in_summer():
    c = Consultation(opens_on=dt.date(2026, 4, 1), closes_on=dt.date(2026, 6, 30))
    assert c.closes_at.astimezone(UTC).replace(microsecond=0) == dt.datetime(
        2026, 6, 30, 22, 59, 59, tzinfo=UTC
    )
    assert c.is_open(dt.datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    assert not c.is_open(dt.datetime(2026, 6, 30, 23, 0, 1, tzinfo=UTC))
    assert c.is_closed(dt.datetime(2026, 6, 30, 23, 0, 1, tzinfo=UTC))


def test_closes_at_end_of_day_london_in_winter():
    c = Consultation(opens_on=dt.date(2026, 11, 1), closes_on=dt.date(2026, 12, 1))
    assert c.is_open(dt.datetime(2026, 12, 1, 23, 59, tzinfo=UTC))
    assert not c.is_open(dt.datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC))


def test_not_open_before_opening_day_in_london():
    c = Consultation(opens_on=dt.date(2026, 4, 1), closes_on=dt.date(2026, 6, 30))
    # 23:30 UTC on 31 March is 00:30 BST on 1 April: open.
    assert c.is_open(dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert not c.is_open(dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
