"""Contact lists for issuing the paper, seeded from the councils register.

Every current council gets two organisation records, "Leader, <council>" and "Chief executive,
<council>", with placeholder role addresses (flagged as placeholders): we never invent people's
names or personal email addresses. Staff replace placeholders with verified addresses.
"""

from __future__ import annotations

import re

from django.db import transaction

from apps.consultations.models import Contact, StakeholderGroup
from apps.councils.models import REGIONS, Council

PLACEHOLDER_DOMAIN = "placeholder.invalid"  # RFC 2606: can never deliver

# National bodies the seed paper names (inspectorates, departments), as organisations.
NATIONAL_CONTACTS = [
    (StakeholderGroup.INSPECTORATES, "Ofsted", "Chief Inspector, Ofsted"),
    (StakeholderGroup.INSPECTORATES, "Care Quality Commission", "Chief Executive, CQC"),
    (
        StakeholderGroup.INSPECTORATES,
        "HM Inspectorate of Constabulary and Fire & Rescue Services",
        "Chief Inspector, HMICFRS",
    ),
    (
        StakeholderGroup.GOVERNMENT_DEPARTMENTS,
        "Ministry of Housing, Communities and Local Government",
        "Permanent Secretary, MHCLG",
    ),
    (
        StakeholderGroup.GOVERNMENT_DEPARTMENTS,
        "Department for Education",
        "Permanent Secretary, DfE",
    ),
    (
        StakeholderGroup.GOVERNMENT_DEPARTMENTS,
        "Department of Health and Social Care",
        "Permanent Secretary, DHSC",
    ),
    (StakeholderGroup.GOVERNMENT_DEPARTMENTS, "HM Treasury", "Permanent Secretary, HM Treasury"),
]


def placeholder_email(role: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", ".", role.lower()).strip(".")
    return f"{slug[:60]}@{PLACEHOLDER_DOMAIN}"


@transaction.atomic
def seed_contacts() -> int:
    """Create missing contacts; existing ones (and any verified addresses) are left alone."""
    wanted: list[Contact] = []
    for council in Council.objects.current().order_by("name"):
        for group, title in (
            (StakeholderGroup.COUNCIL_LEADERS, "Leader"),
            (StakeholderGroup.CHIEF_EXECUTIVES, "Chief executive"),
        ):
            role = f"{title}, {council.name}"
            wanted.append(
                Contact(
                    group=group,
                    organisation=council.official_name,
                    role=role,
                    email=placeholder_email(f"{title} {council.gss_code}"),
                    council=council,
                    region=council.region,
                )
            )
    for region in REGIONS:
        role = f"Director, regional improvement partnership, {region}"
        wanted.append(
            Contact(
                group=StakeholderGroup.REGIONAL_PARTNERSHIPS,
                organisation=f"Regional improvement and efficiency partnership, {region}",
                role=role,
                email=placeholder_email(role),
                region=region,
            )
        )
    for group, organisation, role in NATIONAL_CONTACTS:
        wanted.append(
            Contact(
                group=group, organisation=organisation, role=role, email=placeholder_email(role)
            )
        )
    before = Contact.objects.count()
    Contact.objects.bulk_create(wanted, ignore_conflicts=True)
    return Contact.objects.count() - before
