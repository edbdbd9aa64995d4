"""A signed-in user reads the indicator catalogue, then asks what was known about a council on
a chosen date, and sees only figures published by then."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def observe(gss, code, period, value, published):
    from apps.councils.models import Council
    from apps.indicators.models import Indicator, Observation

    year = int(period[:4])
    Observation.objects.create(
        council=Council.objects.get(gss_code=gss),
        indicator=Indicator.objects.get(code=code),
        period=period,
        period_end=dt.date(year + 1, 3, 31),
        value=value,
        source_file="browser test",
        published=published,
        vintage=published,
    )


def test_catalogue_and_a_council_as_known_on_a_date(page, sign_in, make_user):
    from apps.indicators.catalogue import sync_indicators
    from apps.indicators.services.point_in_time import invalidate_cache

    sync_indicators()
    observe("E06000039", "reserves_to_nre", "2015-16", 14.9, dt.date(2016, 11, 17))
    observe("E06000039", "reserves_to_nre", "2016-17", 12.7, dt.date(2017, 11, 16))
    invalidate_cache()
    make_user(role=Role.REGIONAL_ASSOCIATE, username="ra", region="South East")
    sign_in(page, "ra")

    page.get_by_role("link", name="Indicators").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Indicator catalogue"
    assert page.locator("#indicator-reserves_to_nre").is_visible()

    page.goto("/indicators/E06000039/")
    page.get_by_label("Show what was known on").fill("2017-06-30")
    page.get_by_role("button", name="Show").click()
    caption = page.locator("caption").inner_text()
    assert "known on 30 June 2017" in caption
    table = page.locator("table").inner_text()
    assert "2015-16" in table and "14.9" in table
    assert "2016-17" not in table
