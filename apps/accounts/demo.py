"""Demo sign-ins for `make run`: one user per role, named in the README. Their addresses are at
DEMO_EMAIL_DOMAIN, which is what labels them demo (`User.is_demo`: a Demo tag beside the name in
the page header), so the names themselves carry no "(demo)"."""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.models import DEMO_EMAIL_DOMAIN, Role, User
from apps.councils.models import Council

DEMO_PASSWORD = "demo-password-1"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    region: str = ""
    council_gss: str = ""
    superuser: bool = False
    job_title: str = ""
    phone: str = ""  # Ofcom's drama range (020 7946 0000-0999): never a real line


DEMO_USERS = [
    DemoUser(
        "pm",
        Role.PROGRAMME_MANAGER,
        "Priya",
        "Manager",
        job_title="Improvement Programme Manager",
        phone="020 7946 0123",
    ),
    DemoUser(
        "ra-london",
        Role.REGIONAL_ASSOCIATE,
        "Rhys",
        "Associate",
        region="London",
        job_title="Regional Associate, London",
        phone="020 7946 0456",
    ),
    DemoUser("croydon", Role.COUNCIL_USER, "Chris", "Croydon", council_gss="E09000008"),
    DemoUser("slough", Role.COUNCIL_USER, "Sam", "Slough", council_gss="E06000039"),
    DemoUser("peer", Role.PEER, "Pat", "Peer"),
    DemoUser("board", Role.BOARD_MEMBER, "Bola", "Board"),
    DemoUser("admin", Role.ADMIN, "Ada", "Admin", superuser=True),
]


def ensure_demo_users() -> list[User]:
    """Create or reset the demo users (idempotent: the password is reset every time)."""
    users = []
    for demo in DEMO_USERS:
        council = Council.objects.get(gss_code=demo.council_gss) if demo.council_gss else None
        user, _ = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "role": demo.role,
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "region": demo.region,
                "council": council,
                "is_staff": demo.superuser,
                "is_superuser": demo.superuser,
                "email": f"{demo.username}@{DEMO_EMAIL_DOMAIN}",
                "job_title": demo.job_title,
                "phone": demo.phone,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users.append(user)
    return users
