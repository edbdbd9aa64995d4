"""A regional associate records consent, agrees support and adds an action; the council user
signs in and sees the plan; the board member sees only aggregate figures."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.councils.models import Council
from apps.engagements import services


def test_consent_support_plan_then_council_and_board_views(page, sign_in, make_user):
    call_command("import_support_offers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    croydon = Council.objects.get(gss_code="E09000008")
    slough = Council.objects.get(gss_code="E06000039")
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, username="rhys", region="London")
    make_user(role=Role.COUNCIL_USER, username="chris", council=croydon)
    make_user(role=Role.BOARD_MEMBER, username="bola")
    pm = make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    engagement = services.create_engagement(council=croydon, title="Croydon finances", by=ra)
    services.transition(
        engagement,
        "start_conversation",
        by=ra,
        reason="Met the chief executive",
        data={"conversation_date": "2026-01-05", "with_whom": "Chief executive"},
    )
    services.create_engagement(council=slough, title="Slough budget gap", by=pm)

    # Before consent, the council's own user cannot see the engagement.
    sign_in(page, "chris")
    page.goto(f"/engagements/{engagement.pk}/")
    expect(page.locator("h1")).not_to_have_text("Croydon finances")
    page.goto("/engagements/")
    expect(page.locator("#engagement-count")).to_contain_text("0 engagements")
    page.get_by_role("button", name="Sign out").click()

    # The regional associate records consent.
    sign_in(page, "rhys")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Engagements", exact=True
    ).click()
    page.get_by_role("link", name="Croydon finances").click()
    page.get_by_role("link", name="Record consent: the council acknowledges the need").click()
    page.get_by_label("Consent given by (name)").fill("Cllr Jane Example")
    page.get_by_label("Their role").fill("Leader of the council")
    page.get_by_label("Date of consent").fill("2026-01-20")
    page.get_by_label("Scope of consent").fill("Finances and governance")
    page.get_by_label("Why (kept in the record)").fill("Leader wrote to accept help")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("done")
    expect(page.get_by_text("Cllr Jane Example (Leader of the council)")).to_be_visible()

    # ...agrees support...
    page.get_by_role("link", name="Agree support (terms of engagement)").click()
    page.get_by_label("Terms of engagement").fill("Finance peer review, then 12 months' support")
    page.get_by_label("Finance peer review").check()
    page.get_by_label("Why (kept in the record)").fill("Agreed at the leader's meeting")
    page.get_by_role("button", name="Agree support (terms of engagement)").click()
    expect(page.locator("#state")).to_contain_text("Support agreed")
    expect(page.get_by_role("link", name="Finance peer review")).to_be_visible()

    # ...and adds an action to the improvement plan.
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Title").fill("Set a balanced budget for 2026-27")
    page.get_by_label("Owner").fill("Section 151 officer")
    page.get_by_label("Due date").fill("2026-03-01")
    page.get_by_label("RAG status").select_option("red")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator("#plan-table")).to_contain_text("Set a balanced budget for 2026-27")

    # An illegal step is refused with a clear message.
    page.goto(f"/engagements/{engagement.pk}/transitions/close_improved/")
    expect(page.locator("#refusal")).to_contain_text(
        "'Close as improved' is not allowed from 'Support agreed'"
    )
    page.get_by_role("button", name="Sign out").click()

    # The council user now sees the plan, and only their own council's engagement.
    sign_in(page, "chris")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Engagements", exact=True
    ).click()
    expect(page.locator("#engagement-count")).to_contain_text("1 engagement ")
    expect(page.get_by_text("Slough budget gap")).to_have_count(0)
    page.get_by_role("link", name="Croydon finances").click()
    expect(page.locator("#plan-table")).to_contain_text("Set a balanced budget for 2026-27")
    expect(page.locator("#plan-table")).to_contain_text("Section 151 officer")
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    # The board member sees aggregate figures only.
    sign_in(page, "bola")
    expect(
        page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Engagements", exact=True
        )
    ).to_have_count(0)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Engagement figures"
    ).click()
    expect(page.locator("h1")).to_have_text("Engagement figures")
    expect(page.locator("#state-table")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Croydon" not in body and "Slough" not in body
    response = page.goto(f"/engagements/{engagement.pk}/")
    assert response.status in (403, 404)
    response = page.goto("/engagements/")
    assert response.status == 403
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))
