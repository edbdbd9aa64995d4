"""The service navigation: a handful of entries per role, grouped by what the role does."""

import re

import pytest

from apps.accounts.models import Role

pytestmark = pytest.mark.django_db


def _menu(page: str) -> list[str]:
    nav = page[
        page.index('aria-label="Menu"') : page.index("</nav>", page.index('aria-label="Menu"'))
    ]
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'link"[^>]*>(.*?)</a>', nav)]


def test_the_programme_manager_sees_groups_not_every_page(client, make_user):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    menu = _menu(client.get("/").content.decode())
    assert menu[0] == "Early warning"
    assert "Engagements" in menu and "Triage" not in menu and "Councils" not in menu
    assert len(menu) <= 6


def test_a_group_lists_its_pages_on_its_pages_and_marks_the_current_one(client, make_user):
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.get("/support/triage/").content.decode()
    section = page[page.index('aria-label="Engagements pages"') :]
    section = section[: section.index("</nav>")]
    assert 'href="/engagements/"' in section
    assert 'href="/support/triage/" aria-current="page"' in section


def test_a_board_member_sees_figures_not_cases(client, make_user):
    client.force_login(make_user(role=Role.BOARD_MEMBER))
    menu = _menu(client.get("/").content.decode())
    assert "Engagement figures" in menu
    assert "Engagements" not in menu and "Peers" not in menu


def test_the_public_see_public_entries_and_sign_in(client):
    menu = _menu(client.get("/").content.decode())
    assert menu[-1] == "Sign in"
    assert "Early warning" not in menu
