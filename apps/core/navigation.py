"""Navigation entries declared by each app, so no app edits a shared template to appear.

An AppConfig may set `nav_items = [NavItem("Label", "app:url-name", who)]`, where `who` is
"public", "signed_in", "case_detail" (everyone who may see case detail) or "staff"; and
`council_links = [NavItem("Label", "app:url-name", who)]` for pages about one council, whose URL
takes the council's GSS code: they are listed on the council's page; and a method
`home_panel(self, request) -> dict | None` returning {"template": ..., **context} for a panel on the
signed-in home page (None to show nothing to this user).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    who: str = "signed_in"


def _allowed(who: str, user) -> bool:
    from apps.accounts import permissions  # models are not ready when AppConfigs import this

    if who == "public":
        return True
    if who == "signed_in":
        return user.is_authenticated
    if who == "case_detail":
        return permissions.can_see_case_detail(user)
    if who == "staff":
        return permissions.is_staff_role(user)
    raise ValueError(f"unknown audience {who!r}")


def nav_items_for(request: HttpRequest) -> list[dict]:
    """Entries the user may see; the one whose URL is the longest prefix of the page is active."""
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", []):
            if not _allowed(item.who, request.user):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "active": False})
    matches = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def council_links_for(request: HttpRequest, council) -> list[dict]:
    links = []
    for config in apps.get_app_configs():
        for item in getattr(config, "council_links", []):
            if not _allowed(item.who, request.user):
                continue
            try:
                url = reverse(item.url_name, args=[council.gss_code])
            except NoReverseMatch:
                continue
            links.append({"label": item.label, "url": url})
    return links


def home_panels_for(request: HttpRequest) -> list[dict]:
    panels = []
    for config in apps.get_app_configs():
        panel_for = getattr(config, "home_panel", None)
        panel = panel_for(request) if panel_for else None
        if panel:
            panels.append(panel)
    return panels
