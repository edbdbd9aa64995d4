"""A member of the public, not signed in, answers the demo consultation in Chromium and gets a
confirmation page with a reference number and a confirmation email; saving and coming back by the
private link works; after the closing date the form is closed."""

import datetime as dt
import re

from playwright.sync_api import expect

from apps.consultations.models import Consultation, Response
from apps.consultations.services.demo import OPEN_SLUG, create_demo


def test_public_answers_demo_consultation_and_gets_confirmation(page, mailoutbox):
    create_demo()
    consultation = Consultation.objects.get(slug=OPEN_SLUG)
    before = Response.objects.filter(consultation=consultation).count()

    page.goto("/consultations/")
    page.get_by_role("link", name=consultation.title).click()
    expect(page.locator("h1")).to_have_text(consultation.title)
    page.get_by_role("button", name="Respond to this consultation").click()
    expect(page.locator("h1")).to_have_text("Respond to the consultation")

    # Sending with nothing answered shows the GOV.UK error summary, and keeps nothing.
    page.get_by_role("button", name="Send response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether we may publish your response"
    )

    page.get_by_label("On behalf of an organisation").check()
    page.get_by_label("Organisation name").fill("Anytown Residents' Forum")
    page.get_by_label("Which best describes your organisation?").select_option(
        label="Other organisations"
    )
    page.get_by_label("Email address (optional)").fill("forum@example.org")
    page.locator("#question-1").get_by_label("Agree", exact=True).check()
    page.locator("#question-2").get_by_label("Strongly agree").check()
    page.locator("#question-3").get_by_label("Clarity about the support architecture").check()
    page.locator("#question-3").get_by_label("Trust between the council").check()
    page.locator("#question-4").get_by_label("Partly").check()
    page.locator("#question-4").get_by_label("Tell us more (optional)").fill(
        "The regional and national roles overlap."
    )
    page.locator("#question-5").get_by_label("Peer challenge").check()
    page.locator("#question-6").get_by_role("textbox").fill(
        "Give the sector six months before any intervention."
    )
    page.get_by_label("Yes, you may publish my response").check()
    page.get_by_role("button", name="Send response").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Response sent")
    reference = page.locator("#reference").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    expect(page.locator("main")).to_contain_text("Give the sector six months")

    response = Response.objects.get(reference=reference)
    assert Response.objects.filter(consultation=consultation).count() == before + 1
    assert response.organisation == "Anytown Residents' Forum"
    assert response.group == "other_organisations" and response.consent_to_publish
    assert not response.is_late and response.channel == "online"
    assert response.answers.get(question__number=3).choices == [
        "Trust between the council and the sector's improvement bodies",
        "Clarity about the support architecture",
    ]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["forum@example.org"]
    assert reference in mailoutbox[0].subject and reference in mailoutbox[0].body


def test_save_and_return_then_form_closed_after_the_date(page, mailoutbox):
    create_demo()
    consultation = Consultation.objects.get(slug=OPEN_SLUG)
    page.goto(f"/consultations/{OPEN_SLUG}/respond/")
    page.get_by_label("Email address (optional)").fill("later@example.org")
    page.locator("#question-7").get_by_role("textbox").fill("Draft thoughts")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator("h1")).to_have_text("Your answers have been saved")
    link = page.locator("main a.govuk-link").first.get_attribute("href")
    assert link and link in mailoutbox[0].body

    page.goto(link)
    expect(page.locator("#question-7").get_by_role("textbox")).to_have_value("Draft thoughts")

    # The consultation closes: the private link and the form now show a clear closed page.
    consultation.closes_on = consultation.opens_on = dt.date(2020, 1, 1)
    consultation.save()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("This consultation has closed")
    page.goto(f"/consultations/{OPEN_SLUG}/respond/")
    expect(page.locator("h1")).to_have_text("This consultation has closed")
    assert (
        not Response.objects.filter(consultation=consultation, is_demo=False).submitted().exists()
    )
