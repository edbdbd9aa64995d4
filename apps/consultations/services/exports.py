"""Responses as a table for staff (CSV and XLSX): one row per response, one column per question,
flags (late, channel, campaign group) and agreed themes, so analysis can continue elsewhere."""

from __future__ import annotations

from apps.consultations.models import Consultation
from apps.consultations.services.campaigns import campaign_groups
from apps.core.exports import to_csv, to_xlsx


def response_table(consultation: Consultation) -> tuple[list[str], list[list[str]]]:
    questions = list(consultation.questions.all())
    header = [
        "reference",
        "received",
        "channel",
        "late",
        "respondent type",
        "organisation",
        "group",
        "consent to publish",
        "demo",
        "campaign group",
    ]
    for q in questions:
        header.append(f"Q{q.number}")
        if q.kind == "choice_text":
            header.append(f"Q{q.number} text")
        if q.has_text:
            header.append(f"Q{q.number} themes")
    campaigns = {c.pk: c for c in campaign_groups(consultation)}
    rows = []
    responses = (
        consultation.responses.submitted()
        .order_by("received_at", "pk")
        .prefetch_related("answers__assignments__theme")
    )
    for r in responses.iterator(chunk_size=2000):  # prefetches per chunk: bounded queries
        answers = {a.question_id: a for a in r.answers.all()}
        row = [
            r.reference,
            r.received_at.isoformat() if r.received_at else "",
            r.get_channel_display(),
            "yes" if r.is_late else "no",
            r.get_respondent_type_display(),
            r.organisation,
            r.get_group_display(),
            "yes" if r.consent_to_publish else "no",
            "yes" if r.is_demo else "no",
            _campaign_label(campaigns, r.answers.all()),
        ]
        for q in questions:
            a = answers.get(q.pk)
            if q.kind == "choice_text":
                row += ["; ".join(a.choices) if a else "", a.text if a else ""]
            elif q.kind == "free_text":
                row.append(a.text if a else "")
            else:
                row.append("; ".join(a.choices) if a else "")
            if q.has_text:
                row.append(
                    "; ".join(sorted({t.theme.name for t in a.assignments.all()})) if a else ""
                )
        rows.append(row)
    return header, rows


def _table(consultation: Consultation) -> tuple[list[tuple[str, str]], list[dict]]:
    header, rows = response_table(consultation)
    return [(name, name) for name in header], [dict(zip(header, row, strict=True)) for row in rows]


def as_csv(consultation: Consultation) -> bytes:
    columns, rows = _table(consultation)
    return to_csv(rows, columns).encode("utf-8-sig")  # the BOM lets Excel read UTF-8


def as_xlsx(consultation: Consultation) -> bytes:
    columns, rows = _table(consultation)
    return to_xlsx([("Responses", rows, columns)])


def _campaign_label(campaigns: dict, answers) -> str:
    ids = sorted(
        {a.campaign_id for a in answers if a.campaign_id}, key=lambda i: campaigns[i].number
    )
    return "; ".join(
        f"{campaigns[i].label} {campaigns[i].number} (Q{campaigns[i].question_number})" for i in ids
    )
