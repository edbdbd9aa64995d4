"""The public form: errors in the GOV.UK error summary, save and return by a private link."""

import pytest
from django.core import mail
from django.urls import reverse

from apps.consultations.models import Response
from apps.core.tokens import hash_token

pytestmark = pytest.mark.django_db


def test_form_shows_every_question_without_sign_in(client, consultation):
    page = client.get(reverse("consultations:respond", args=[consultation.slug]))
    body = page.content.decode()
    assert page.status_code == 200
    for q in consultation.questions.all():
        assert q.text in body
    assert "Strongly agree" in body and 'type="checkbox"' in body


def test_errors_are_summarised_and_nothing_saved(client, consultation):
    page = client.post(
        reverse("consultations:respond", args=[consultation.slug]),
        {"respondent_type": "organisation", "q1": "Agree"},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in body
    assert "Enter the name of the organisation you represent" in body
    assert "Select whether we may publish your response" in body
    assert 'href="#id_organisation"' in body
    assert Response.objects.count() == 0


def test_invalid_option_is_refused(client, consultation):
    page = client.post(
        reverse("consultations:respond", args=[consultation.slug]),
        {"respondent_type": "individual", "consent_to_publish": "no", "q1": "Meh"},
    )
    assert "There is a problem" in page.content.decode()
    assert Response.objects.count() == 0


def test_save_and_return_by_private_link(client, consultation):
    saved = client.post(
        reverse("consultations:respond", args=[consultation.slug]),
        {"save": "1", "email": "me@example.org", "q5_text": "First thoughts"},
    )
    assert saved.status_code == 302
    draft = Response.objects.get()
    assert not draft.is_submitted
    token = saved["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 32  # unguessable: 24 random bytes
    assert token in mail.outbox[0].body
    # Only the token's hash is stored, and the link is found by it.
    assert draft.token_hash == hash_token(token) and token not in str(draft.__dict__)
    draft.token = token
    resume = client.get(reverse("consultations:resume", args=[draft.token]))
    assert "First thoughts" in resume.content.decode()
    done = client.post(
        reverse("consultations:resume", args=[draft.token]),
        {
            "respondent_type": "individual",
            "consent_to_publish": "yes",
            "email": "me@example.org",
            "q5_text": "Final thoughts",
        },
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.is_submitted and Response.objects.count() == 1
    assert draft.answers.get().text == "Final thoughts"
    confirmation = client.get(done["Location"]).content.decode()
    assert draft.reference in confirmation and "Final thoughts" in confirmation
    # After submission the private link shows the confirmation, not an editable form.
    again = client.get(reverse("consultations:resume", args=[draft.token]))
    assert again.status_code == 302 and "confirmation" in again["Location"]


def test_wrong_token_is_not_found(client, consultation):
    assert client.get(reverse("consultations:resume", args=["nope" * 8])).status_code == 404
    assert client.get(reverse("consultations:confirmation", args=["x" * 32])).status_code == 404


def test_not_yet_open_consultation_is_hidden_from_public(client, make_consultation):
    c = make_consultation(opens=5, closes=50)
    assert client.get(reverse("consultations:detail", args=[c.slug])).status_code == 404
    assert c.title not in client.get(reverse("consultations:index")).content.decode()


def test_error_summary_links_reach_radio_inputs(client, consultation):
    page = client.post(reverse("consultations:respond", args=[consultation.slug]), {"q1": "Agree"})
    body = page.content.decode()
    assert 'href="#id_consent_to_publish_0"' in body and 'id="id_consent_to_publish_0"' in body
    assert 'href="#id_respondent_type_0"' in body and 'id="id_respondent_type_0"' in body


def test_a_saved_response_sent_from_two_browsers_is_submitted_once(client, consultation):
    """Two tabs hold the same saved response; both press send: one submission, one email, and
    the second tab's answers do not overwrite the first's."""
    from django.test import Client

    saved = client.post(
        reverse("consultations:respond", args=[consultation.slug]),
        {"save": "1", "email": "me@example.org", "q5_text": "Draft"},
    )
    draft = Response.objects.get()
    mail.outbox.clear()
    token = saved["Location"].rstrip("/").rsplit("/", 1)[-1]
    url = reverse("consultations:resume", args=[token])
    first, second = Client(), Client()
    pages = [first.get(url), second.get(url)]  # both open the form before either sends
    keys = [p.content.decode().split('name="idempotency_key" value="')[1][:32] for p in pages]
    answer = {"respondent_type": "individual", "consent_to_publish": "yes", "email": "me@x.org"}
    one = first.post(url, {**answer, "q5_text": "First", "idempotency_key": keys[0]})
    two = second.post(url, {**answer, "q5_text": "Second", "idempotency_key": keys[1]})
    assert one["Location"] == two["Location"]
    draft.refresh_from_db()
    assert draft.is_submitted and draft.answers.get().text == "First"
    assert len(mail.outbox) == 1


def test_a_new_response_double_clicked_is_one_response(client, consultation):
    page = client.get(reverse("consultations:respond", args=[consultation.slug]))
    key = page.content.decode().split('name="idempotency_key" value="')[1][:32]
    data = {"respondent_type": "individual", "consent_to_publish": "yes", "idempotency_key": key}
    data.update(email="me@example.org", q5_text="Mine")
    first = client.post(reverse("consultations:respond", args=[consultation.slug]), data)
    second = client.post(reverse("consultations:respond", args=[consultation.slug]), data)
    assert first["Location"] == second["Location"]
    assert Response.objects.count() == 1 and len(mail.outbox) == 1


def test_a_new_response_whose_random_reference_is_taken_draws_another(consultation):
    """With a million stored responses a new random reference clashes about once in a million:
    the respondent's submission must not fail on the unique constraint."""
    first = Response.objects.create(consultation=consultation)
    second = Response(consultation=consultation, reference=first.reference)
    second.save()
    assert second.reference != first.reference
    assert Response.objects.filter(reference=first.reference).count() == 1
