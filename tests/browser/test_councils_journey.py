"""A person signs in, finds a council by searching, and opens its page."""

import re

from playwright.sync_api import expect

from apps.accounts.models import Role


def test_sign_in_search_and_open_a_council(page, sign_in, make_user):
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    sign_in(page, "priya")
    expect(page.get_by_text("priya, Improvement programme manager (national)")).to_be_visible()

    page.get_by_role("link", name="Councils").first.click()
    expect(page.locator("h1")).to_have_text("Councils")
    page.get_by_label("Search by name or code").fill("Birmingham")
    # htmx swaps the results in place as the person types.
    expect(page.locator("#council-count")).to_have_text("1 council")
    page.get_by_role("link", name="Birmingham").click()

    expect(page).to_have_url(re.compile(r"/councils/E08000025/$"))
    expect(page.locator("h1")).to_have_text("Birmingham City Council")
    expect(page.get_by_text("Metropolitan district, West Midlands")).to_be_visible()
    expect(page.locator("ul[aria-labelledby=neighbours-heading] li")).to_have_count(15)
    assert page.locator("h1").count() == 1


def test_wrong_password_shows_an_error_and_no_data(page, make_user):
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    page.goto("/councils/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
