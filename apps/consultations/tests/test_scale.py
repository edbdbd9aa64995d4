"""What makes large consultations affordable must not change what people see: tallies counted in
the database, copies of one text sharing its themes and codes, quotes from distinct texts, and
discovery on a sample with every answer still placed in a theme."""

import numpy as np
import pytest
from django.utils import timezone

from apps.consultations.models import (
    Answer,
    CodingSource,
    Response,
    StakeholderGroup,
    Theme,
    ThemeAssignment,
)
from apps.consultations.services import engine, tallies, themes

pytestmark = pytest.mark.django_db

FUNDING = "Small councils cannot pay for peer support; a national fund is needed."
INSPECTION = "Inspectorates should co-ordinate their inspection visits to avoid duplication."


def _answer(question, text="", choices=(), group=StakeholderGroup.INDIVIDUALS):
    response = Response.objects.create(
        consultation=question.consultation, submitted_at=timezone.now(), group=group
    )
    return Answer.objects.create(response=response, question=question, text=text, choices=choices)


def test_tallies_count_every_answer_when_many_give_the_same_choices(consultation):
    question = consultation.questions.get(number=2)
    for _ in range(7):
        _answer(question, choices=["Trust", "Clarity"])
    for _ in range(3):
        _answer(question, choices=["Trust"], group=StakeholderGroup.COUNCIL_LEADERS)
    table = tallies.question_tally(question)
    assert table.loc["Trust", "All"] == 10 and table.loc["Clarity", "All"] == 7
    assert table.loc["Trust", "Council leaders"] == 3
    scale = consultation.questions.get(number=1)
    for _ in range(4):
        _answer(scale, choices=["Agree"])
    assert tallies.question_agreement(scale).loc["All", "respondents"] == 4


def test_copies_of_a_coded_text_get_the_persons_themes_and_are_never_asked_again(consultation):
    question = consultation.questions.get(number=5)
    funding = Theme.objects.create(question=question, name="Funding", agreed=True)
    inspection = Theme.objects.create(question=question, name="Inspection", agreed=True)
    copies = [_answer(question, FUNDING) for _ in range(5)]
    others = [_answer(question, f"{INSPECTION} ({i})") for i in range(4)]
    others += [_answer(question, f"{FUNDING} ({i})") for i in range(4)]
    themes.code_answer(copies[0], [funding])
    themes.code_answer(others[0], [inspection])
    asked = themes.next_to_code(question, k=20)
    assert {a.text for a in asked}.isdisjoint({FUNDING, others[0].text})
    assert len(asked) == len({a.text for a in asked})  # one answer per distinct text
    result = themes.map_rest(question)
    assert result.mapped == len(copies) + len(others) - 2
    for copy in copies[1:]:
        got = ThemeAssignment.objects.filter(answer=copy)
        assert [(a.theme_id, a.source, a.score) for a in got] == [
            (funding.pk, CodingSource.MODEL, 1.0)
        ]
    person = ThemeAssignment.objects.get(answer=copies[0])
    assert person.source == CodingSource.PERSON  # the person's own code untouched


def test_theme_quotes_show_a_campaign_text_once(consultation):
    question = consultation.questions.get(number=5)
    theme = Theme.objects.create(question=question, name="Funding", agreed=True)
    answers = [_answer(question, FUNDING) for _ in range(6)]
    answers.append(_answer(question, "Funding must follow responsibility, because budgets fell."))
    for answer in answers:
        ThemeAssignment.objects.create(answer=answer, theme=theme, source=CodingSource.MODEL)
    quotes = themes.theme_quotes(theme, k=3)
    assert len(quotes) == 2 and len({q.text for q in quotes}) == 2
    assert all(q.pk in {a.pk for a in answers} for q in quotes)


def test_discovery_on_a_sample_places_every_text_in_one_theme():
    rng = np.random.default_rng(0)
    texts = [f"{FUNDING} Point {i}." for i in range(30)] + [
        f"{INSPECTION} Point {i}." for i in range(30)
    ]
    vectors = np.vstack(
        [np.tile(rng.normal(size=512), (30, 1)), np.tile(rng.normal(size=512), (30, 1))]
    )
    vectors += rng.normal(scale=0.05, size=vectors.shape)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = engine.discover(texts, k=2, embeddings=vectors.astype(np.float32), sample=20)
    members = sorted(m for theme in found for m in theme.members)
    assert members == list(range(60))  # every text placed, once
    split = [set(theme.members) for theme in found]
    assert set(range(30)) in split and set(range(30, 60)) in split
