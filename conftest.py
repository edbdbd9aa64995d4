"""Shared test set-up: the real councils register is loaded once per session, so every database
test can use real councils (Birmingham, Croydon, Northamptonshire, ...)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.accounts.models import Role, User


def load_councils_register() -> None:
    for command in ("import_councils", "import_nearest_neighbours", "import_political_control"):
        call_command(command, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_councils_register()


@pytest.fixture
def councils_loaded(db):
    """Re-loads the register if a transactional test (e.g. a browser test) flushed it."""
    from apps.councils.models import Council

    if not Council.objects.exists():
        load_councils_register()


@pytest.fixture
def make_user(db):
    """make_user(role=Role.X, username=..., region=..., council=Council or gss_code)."""

    counter = {"n": 0}

    def make(role: str = Role.PROGRAMME_MANAGER, username: str | None = None, **extra) -> User:
        from apps.councils.models import Council

        counter["n"] += 1
        council = extra.pop("council", None)
        if isinstance(council, str):
            council = Council.objects.get(gss_code=council)
        return User.objects.create_user(
            username=username or f"{role}-{counter['n']}",
            password="test-password-1",
            role=role,
            council=council,
            **extra,
        )

    return make
