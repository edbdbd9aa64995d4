"""Demo soft-intelligence notes for `make run` (clearly labelled demo; idempotent)."""

from __future__ import annotations

import datetime as dt

from apps.early_warning.models import NoteCategory, Severity, SoftIntelligence

DEMO_NOTES = [
    # (gss_code, category, severity, observed_on, summary)
    (
        "E09000008",
        NoteCategory.LEADERSHIP_TURNOVER,
        Severity.MEDIUM,
        dt.date(2024, 5, 1),
        "DEMO: interim section 151 officer appointed after the permanent post fell vacant",
    ),
    (
        "E09000008",
        NoteCategory.LOCAL_CONTEXT,
        Severity.LOW,
        dt.date(2024, 6, 1),
        "DEMO: borrowing includes a housing company loan refinanced on fixed terms",
    ),
    (
        "E06000039",
        NoteCategory.WHISTLEBLOWING,
        Severity.HIGH,
        dt.date(2024, 9, 12),
        "DEMO: whistleblowing concern about capital programme governance",
    ),
]


def create_demo_notes() -> int:
    from apps.accounts.models import User
    from apps.councils.models import Council

    author = User.objects.filter(username="ra-london").first()
    created = 0
    for gss, category, severity, day, summary in DEMO_NOTES:
        council = Council.objects.filter(gss_code=gss).first()
        if council is None:
            continue
        _, made = SoftIntelligence.objects.get_or_create(
            council=council,
            summary=summary,
            defaults={
                "category": category,
                "severity": severity,
                "observed_on": day,
                "author": author if council.region == "London" else None,
                "is_demo": True,
            },
        )
        created += int(made)
    return created
