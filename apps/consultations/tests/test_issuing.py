"""Contacts seeded from the councils register, and a record of what was issued to whom and when."""

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Role
from apps.consultations.models import Contact, Issue, StakeholderGroup
from apps.consultations.services.contacts import seed_contacts
from apps.consultations.services.issuing import issue_paper
from apps.councils.models import Council

pytestmark = pytest.mark.django_db


def test_every_current_council_gets_a_leader_and_chief_executive_contact():
    seed_contacts()
    current = Council.objects.current().count()
    assert current > 300
    assert Contact.objects.filter(group=StakeholderGroup.COUNCIL_LEADERS).count() == current
    assert Contact.objects.filter(group=StakeholderGroup.CHIEF_EXECUTIVES).count() == current
    croydon = Contact.objects.get(group="council_leaders", council__gss_code="E09000008")
    assert croydon.role == "Leader, Croydon"
    assert croydon.email_is_placeholder and croydon.email.endswith("@placeholder.invalid")
    assert Contact.objects.filter(group=StakeholderGroup.REGIONAL_PARTNERSHIPS).count() == 9
    assert seed_contacts() == 0  # idempotent


def test_issue_records_each_contact_and_emails_only_verified_addresses(consultation, make_user):
    seed_contacts()
    verified = Contact.objects.filter(group="inspectorates").first()
    verified.email, verified.email_is_placeholder = "office@inspectorate.example", False
    verified.save()
    user = make_user(role=Role.PROGRAMME_MANAGER)
    paper = consultation.current_paper()
    result = issue_paper(consultation, paper, ["inspectorates", "council_leaders"], user=user)
    expected = Contact.objects.filter(group__in=["inspectorates", "council_leaders"]).count()
    assert result.issued == expected == Issue.objects.count()
    assert result.emailed == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["office@inspectorate.example"]
    assert Issue.objects.get(contact=verified).emailed
    assert Issue.objects.filter(issued_by=user, paper_version=paper).count() == expected
    again = issue_paper(consultation, paper, ["inspectorates"], user=user)
    assert (
        again.issued == 0 and again.already == Contact.objects.filter(group="inspectorates").count()
    )


def test_issue_page(client, consultation, make_user):
    seed_contacts()
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.post(
        reverse("consultations:issue", args=[consultation.slug]),
        {"groups": ["regional_partnerships"]},
    )
    assert page.status_code == 302
    assert Issue.objects.count() == 9
    manage = client.get(reverse("consultations:manage", args=[consultation.slug])).content.decode()
    assert "Regional partnerships" in manage and "Placeholder address" in manage


def test_new_paper_version_keeps_the_old(client, consultation, make_user):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.post(
        reverse("consultations:paper_new", args=[consultation.slug]),
        {"title": "Revised paper", "body": "New text"},
    )
    assert page.status_code == 302
    assert list(consultation.paper_versions.values_list("version", flat=True)) == [2, 1]
    assert consultation.current_paper().title == "Revised paper"


def test_staff_record_a_verified_address_and_publish(client, consultation, make_user):
    seed_contacts()
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    contact = Contact.objects.get(group="council_leaders", council__gss_code="E06000039")
    page = client.get(reverse("consultations:contacts") + "?group=council_leaders&q=Slough")
    assert "Leader, Slough" in page.content.decode()
    client.post(reverse("consultations:contacts"), {"contact": contact.pk, "email": "x@y.example"})
    contact.refresh_from_db()
    assert contact.email == "x@y.example" and not contact.email_is_placeholder
    client.post(
        reverse("consultations:publish", args=[consultation.slug]),
        {"what": "report_published", "value": "yes"},
    )
    consultation.refresh_from_db()
    assert consultation.report_published and not consultation.responses_published


def test_staff_create_a_consultation_and_its_questions(client, make_user):
    from apps.consultations.models import Consultation

    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    bad = client.post(
        reverse("consultations:new"),
        {"title": "Framework", "opens_on": "01/04/2026", "closes_on": "31/03/2026"},
    )
    assert "The closing date must be on or after the opening date" in bad.content.decode()
    page = client.post(
        reverse("consultations:new"),
        {"title": "Framework", "opens_on": "01/04/2026", "closes_on": "30/06/2026"},
    )
    c = Consultation.objects.get()
    assert page["Location"] == reverse("consultations:questions", args=[c.slug])
    url = reverse("consultations:questions", args=[c.slug])
    refused = client.post(url, {"text": "Pick one", "kind": "single", "options": "Only one"})
    assert "Give at least two options" in refused.content.decode()
    client.post(url, {"text": "Pick one", "kind": "single", "options": "Yes\nNo\n"})
    client.post(url, {"text": "Tell us", "kind": "free_text", "options": "ignored"})
    assert [(q.number, q.options) for q in c.questions.all()] == [(1, ["Yes", "No"]), (2, [])]
    client.post(url, {"delete": c.questions.get(number=2).pk})
    assert c.questions.count() == 1


def test_uploaded_paper_is_downloadable(client, consultation, make_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    upload = SimpleUploadedFile("paper.pdf", b"%PDF-1.4 paper", content_type="application/pdf")
    client.post(
        reverse("consultations:paper_new", args=[consultation.slug]),
        {"title": "With file", "upload": upload},
    )
    client.logout()
    got = client.get(reverse("consultations:paper_download", args=[consultation.slug, 2]))
    assert b"".join(got.streaming_content) == b"%PDF-1.4 paper"


def test_a_paper_upload_must_be_a_pdf_or_word_document_by_its_content(
    client, consultation, make_user
):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    url = reverse("consultations:paper_new", args=[consultation.slug])
    disguised = SimpleUploadedFile("paper.pdf", b"<html><script>alert(1)</script></html>")
    page = client.post(url, {"title": "Revised paper", "upload": disguised})
    assert page.status_code == 200
    assert "paper.pdf is not a PDF or a Word document" in page.content.decode()
    assert list(consultation.paper_versions.values_list("version", flat=True)) == [1]

    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    word = SimpleUploadedFile("paper.docx", docx.getvalue())
    assert client.post(url, {"title": "Revised paper", "upload": word}).status_code == 302
    pdf = SimpleUploadedFile("paper.pdf", b"%PDF-1.7\n%%EOF\n")
    assert client.post(url, {"title": "Third paper", "upload": pdf}).status_code == 302
    assert list(consultation.paper_versions.values_list("version", flat=True)) == [3, 2, 1]
