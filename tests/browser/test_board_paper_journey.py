"""A programme manager drafts the quarterly early-warning paper, edits its recommendations,
approves and publishes it; a board member downloads the PDF, which is the published paper."""

import os

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.reports.tests.test_pdf import check_board_pdf, pdf_facts

SHOTS = os.environ.get("NLB_SCREENSHOTS")  # a folder: save screenshots to look at


def shot(page, name: str) -> None:
    if SHOTS:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.slow
def test_quarterly_paper_drafted_edited_approved_published_and_downloaded(page, sign_in, make_user):
    make_user(
        role=Role.PROGRAMME_MANAGER,
        username="priya",
        first_name="Priya",
        last_name="Example",
        job_title="Improvement Programme Manager",
        phone="020 7946 0123",
        email="priya@example.org",
    )
    make_user(role=Role.BOARD_MEMBER, username="bola")

    sign_in(page, "priya")
    page.goto("/reports/")
    page.get_by_role("link", name="Draft a board paper").click()
    page.get_by_label("Template").select_option(
        label="Early warning and sector-led support, quarterly"
    )
    page.get_by_label("Meeting date").fill("2019-12-10")
    page.get_by_label("Agenda item number").fill("4")
    page.get_by_label("Figures as at").fill("2019-11-01")
    shot(page, "paper-new")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator("h1")).to_contain_text("Early warning and sector-led support")
    expect(page.locator(".govuk-tag").first).to_have_text("Draft")

    page.get_by_role("link", name="Edit the prose").click()
    page.get_by_label("Recommendations").fill(
        "Note the councils entering the bands of concern.\n"
        "Ask regional associates to meet each council newly in the highest band."
    )
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version 2")).to_be_visible()
    expect(page.get_by_text("Ask regional associates to meet each council")).to_be_visible()

    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The paper is now approved")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The paper is now published")).to_be_visible()
    shot(page, "paper-published")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "bola")
    page.goto("/reports/")
    page.get_by_role(
        "link",
        name="Early warning and sector-led support: quarterly report to 1 November 2019",
        exact=True,
    ).click()
    expect(page.get_by_text("Ask regional associates to meet each council")).to_be_visible()
    expect(page.get_by_text("Confidential annex")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF (A4, for the board)").click()
    pdf = open(download.value.path(), "rb").read()  # noqa: SIM115
    check_board_pdf(pdf)
    text = "\n".join(pdf_facts(pdf)["texts"])
    assert "Ask regional associates to meet each council newly in the highest band." in text
    assert "Priya Example" in text and "020 7946 0123" in text
    assert "Improvement Board · 10 December 2019 · Item 4" in text
    assert "DRAFT" not in text
