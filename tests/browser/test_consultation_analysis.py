"""Staff shape themes and code answers one at a time in Chromium: the htmx panel swaps in place
and the mapper then maps the rest."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.consultations.models import (
    Answer,
    CodingSource,
    Consultation,
    Question,
    Response,
    Theme,
    ThemeAssignment,
)

TEXTS = [
    "Small councils cannot pay for peer support; a national fund is needed.",
    "There must be funding for improvement support, budgets are stretched.",
    "Funding for peer support should come from the national improvement budget.",
    "Without funding district councils cannot buy interim capacity.",
    "Inspectorates should co-ordinate their inspection visits.",
    "Reduce the inspection burden where an improvement board is in place.",
    "Duplication between inspectorates wastes officer time.",
    "One joined-up inspection programme instead of three visits.",
]


def test_code_one_at_a_time_then_map_the_rest(page, sign_in, make_user):
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    today = timezone.localdate()
    c = Consultation.objects.create(
        slug="themes-demo",
        title="Themes journey",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
    )
    q = Question.objects.create(consultation=c, number=1, kind="free_text", text="Commitments?")
    for text in TEXTS:
        r = Response.objects.create(consultation=c, submitted_at=timezone.now())
        Answer.objects.create(response=r, question=q, text=text)
    Theme.objects.create(question=q, name="Funding", agreed=True)
    Theme.objects.create(question=q, name="Inspection", agreed=True)

    sign_in(page, "priya")
    page.goto("/consultations/themes-demo/analysis/q1/")
    page.get_by_label("Name", exact=True).first.fill("Money for improvement")
    page.get_by_role("button", name="Save Funding").click()
    expect(page.locator("form").filter(has_text="Saved")).to_be_visible()
    assert Theme.objects.filter(name="Money for improvement").exists()

    page.get_by_role("link", name="Code answers one at a time").click()
    expect(page.locator("#code-progress")).to_contain_text("0 of 8")
    for n in range(1, 4):
        text = page.locator("#answer-text").inner_text()
        label = "Money for improvement" if "fund" in text.lower() else "Inspection"
        page.get_by_label(label).check()
        page.get_by_role("button", name="Save and show the next answer").click()
        expect(page.locator("#code-progress")).to_contain_text(f"{n} of 8")
    assert ThemeAssignment.objects.filter(source=CodingSource.PERSON).count() == 3

    page.goto("/consultations/themes-demo/analysis/q1/")
    page.get_by_role("button", name="Map the rest to the themes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("answers mapped")
    mapped = set(ThemeAssignment.objects.values_list("answer_id", flat=True))
    assert len(mapped) == 8
