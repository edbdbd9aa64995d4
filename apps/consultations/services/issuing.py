"""Issuing the paper: an Issue record per contact (who, which version, when, by whom), and an
email through Django's backend to every contact with a verified address."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.consultations.models import Consultation, Contact, Issue, PaperVersion


@dataclass
class IssueResult:
    issued: int
    emailed: int
    already: int


@transaction.atomic
def issue_paper(
    consultation: Consultation,
    paper: PaperVersion,
    groups: list[str],
    *,
    user=None,
    base_url: str = "",
) -> IssueResult:
    contacts = Contact.objects.filter(group__in=groups)
    already = set(
        Issue.objects.filter(paper_version=paper, contact__in=contacts).values_list(
            "contact_id", flat=True
        )
    )
    now = timezone.now()
    link = base_url + reverse("consultations:detail", args=[consultation.slug])
    issued = emailed = 0
    connection = get_connection()
    records = []
    for contact in contacts.exclude(pk__in=already):
        send = bool(contact.email) and not contact.email_is_placeholder
        if send:
            send_mail(
                subject=f"Consultation: {consultation.title}",
                message=(
                    f"Dear {contact.role},\n\n{paper.title} (version {paper.version}) is open for "
                    f"consultation until the end of {consultation.closes_on:%d %B %Y}.\n\n"
                    f"Read it and respond: {link}\n"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[contact.email],
                connection=connection,
            )
            emailed += 1
        records.append(
            Issue(
                consultation=consultation,
                paper_version=paper,
                contact=contact,
                issued_at=now,
                issued_by=user,
                emailed=send,
                note="" if send else "Placeholder address: recorded as issued, not emailed",
            )
        )
        issued += 1
    Issue.objects.bulk_create(records)
    return IssueResult(issued=issued, emailed=emailed, already=len(already))
