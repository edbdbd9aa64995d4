"""A programme manager opens the early-warning watchlist as at a date, then a council's page."""

import datetime as dt
import re

from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.councils.models import Council


def _observations():
    from apps.indicators.models import Indicator, Observation

    codes = {"reserves_to_nre": "lower_is_worse", "borrowing_to_nre": "higher_is_worse"}
    indicators = {
        code: Indicator.objects.get_or_create(
            code=code,
            defaults={
                "title": code,
                "unit": "%",
                "polarity": pol,
                "source": "derived",
                "definition": "test",
                "is_derived": True,
            },
        )[0]
        for code, pol in codes.items()
    }
    london = Council.objects.existing_on(dt.date(2019, 11, 1)).filter(region="London")
    names = {f.name for f in Observation._meta.get_fields()}
    names = {f.name for f in Observation._meta.get_fields()}
    rows = []
    for i, council in enumerate(london):
        low = council.gss_code == "E09000008"
        for year in (2016, 2017):
            period = f"{year}-{str(year + 1)[2:]}"
            for code, value in (
                ("reserves_to_nre", 2.1 if low else 30.0 + i % 9),
                ("borrowing_to_nre", 150.0 + 7 * (i % 5)),
            ):
                rows.append(
                    Observation(
                        council=council,
                        indicator=indicators[code],
                        period=period,
                        period_end=dt.date(year + 1, 3, 31),
                        value=value,
                        source_file="browser test",
                        published=dt.date(year + 1, 11, 15),
                        **({"vintage": dt.date(year + 1, 11, 15)} if "vintage" in names else {}),
                    )
                )
    Observation.objects.bulk_create(rows)


def test_watchlist_then_council_early_warning_page(page, live_server, make_user):
    _observations()
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    # by address rather than "localhost", which Chromium may try over IPv6 first in a sandbox
    base = live_server.url
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("test-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Early warning").first.click()
    expect(page.locator("h1")).to_contain_text("Watchlist as at")

    page.get_by_label("As at", exact=True).fill("2019-11-01")
    page.get_by_role("button", name="Show watchlist").click()
    expect(page.locator("h1")).to_have_text("Watchlist as at 1 November 2019")
    first = page.locator("#watchlist tbody tr").first
    expect(first).to_contain_text("Croydon")
    expect(first).to_contain_text("usable reserves 2.1% of net revenue expenditure in 2017-18")

    page.get_by_role("link", name="Croydon").first.click()
    expect(page).to_have_url(re.compile(r"/early-warning/councils/E09000008/"))
    expect(page.locator("h1")).to_have_text("Croydon")
    expect(page.locator("#reasons li").first).to_contain_text("usable reserves 2.1% of net revenue")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.get_by_text("Table: nearest neighbours, 2017-18").first).to_be_visible()
    assert page.locator("h1").count() == 1
