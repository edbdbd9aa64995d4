"""Anyone, without signing in, finds support by searching and filtering (htmx, in place)."""

import re

from django.core.management import call_command
from playwright.sync_api import expect


def test_public_support_page_search_and_filter(page):
    call_command("import_support_offers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.goto("/support/")
    expect(page.locator("h1")).to_have_text("Where to go for support")
    expect(page.locator("#offer-count")).to_have_text("12 offers")

    page.get_by_label("Search").fill("mentoring")
    expect(page.locator("#offer-count")).to_have_text("1 offer")
    expect(
        page.get_by_role("link", name="Leadership mentoring for leaders and chief executives")
    ).to_be_visible()

    page.get_by_label("Search").fill("")
    page.get_by_label("Tier of support").select_option("intensive")
    expect(page.locator("#offer-count")).to_have_text("3 offers")
    expect(page).to_have_url(re.compile(r"tier=intensive"))
    page.get_by_label("Provider").select_option("regional")
    expect(page.locator("#offer-count")).to_have_text("0 offers")
    expect(page.get_by_text("No offers match")).to_be_visible()

    page.goto("/support/offers/corporate-peer-challenge/")
    expect(page.get_by_text("Usually about 10 months after delivery")).to_be_visible()
    assert page.locator("h1").count() == 1
