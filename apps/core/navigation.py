"""Navigation entries declared by each app, so no app edits a shared template to appear.

An AppConfig may set `nav_items = [NavItem("Label", "app:url-name", who, group=..., order=...)]`,
where `who` is "public", "signed_in", "case_detail" (everyone who may see case detail) or "staff".
Entries sharing a `group` make one entry in the service navigation (named after the group, or after
its only entry when the user may see one), linking to the group's first entry by `order`; the
group's entries are listed under the service navigation on its pages. So each role sees a handful
of entries grouped by what it does, not one per page. An AppConfig may also set
`council_links = [NavItem("Label", "app:url-name", who)]` for pages about one council, whose URL
takes the council's GSS code: they are listed on the council's page; and a method
`home_panel(self, request) -> dict | None` returning {"template": ..., **context} for a panel on the
signed-in home page (None to show nothing to this user).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    who: str = "signed_in"
    group: str = ""  # defaults to the label: an entry of its own
    order: int = 100  # position within its group


@dataclass
class NavGroup:
    label: str
    entries: list[dict] = field(default_factory=list)
    active: bool = False

    @property
    def url(self) -> str:
        return self.entries[0]["url"]

    @property
    def title(self) -> str:
        return self.entries[0]["label"] if len(self.entries) == 1 else self.label


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


def nav_items_for(request: HttpRequest) -> list[NavGroup]:
    """Groups of entries the user may see, in app order of each group's first entry; the entry
    whose URL is the longest prefix of the page is active, and so is its group."""
    groups: dict[str, NavGroup] = {}
    ordered: list[tuple[int, int, dict, str]] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", []):
            if not _allowed(item.who, request.user):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            name = item.group or item.label
            groups.setdefault(name, NavGroup(name))
            entry = {"label": item.label, "url": url, "active": False}
            ordered.append((item.order, len(ordered), entry, name))
    first_seen: dict[str, int] = {}
    for _, seq, entry, name in sorted(ordered, key=lambda o: (o[0], o[1])):
        groups[name].entries.append(entry)
        first_seen.setdefault(name, seq)
    entries = [e for _, _, e, _ in ordered]
    matches = [e for e in entries if request.path.startswith(e["url"]) and e["url"] != "/"]
    if matches:
        best = max(matches, key=lambda e: len(e["url"]))
        best["active"] = True
        for group in groups.values():
            group.active = group.active or any(e is best for e in group.entries)
    # a group sits where its first entry's app sits, so an app adding a minor entry to another
    # group does not move that group
    return sorted(groups.values(), key=lambda g: first_seen[g.label])


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
