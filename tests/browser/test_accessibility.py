"""Every role's key pages, at 1280 px and 390 px, in Chromium on the shipped data (`nlb bootstrap`):
axe-core finds no WCAG 2.2 A/AA violation and the page never scrolls sideways.

axe-core is vendored for tests only (tests/browser/vendor/axe.min.js, `make vendor-frontend`);
nothing is downloaded at run time. One test loads the data once and visits every page, so the
suite stays lean; it reports every failure at once. At 390 px it keeps screenshots of the pages
people most use on phones in var/screenshots/ (look at them: the test measures scrollWidth).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
JS = "text/javascript"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = (1280, 390)
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE_SHOTS = {"watchlist", "early warning: Croydon", "engagement", "consultation analysis"}


def _pages() -> dict[str, list[tuple[str, str]]]:
    """username (or "" for the public) -> [(label, path)]: the pages each role opens daily."""
    from apps.consultations.models import Consultation
    from apps.engagements.models import Engagement

    croydon = Engagement.objects.filter(council__gss_code="E09000008").order_by("pk").first()
    closed = Consultation.objects.filter(responses__isnull=False).order_by("closes_on").first()
    staff = [
        ("home", "/"),
        ("watchlist", "/early-warning/"),
        ("early warning: Croydon", "/early-warning/councils/E09000008/"),
        ("map", "/early-warning/map/"),
        ("councils", "/councils/"),
        ("council: Croydon", "/councils/E09000008/"),
        ("indicators: Croydon", "/indicators/E09000008/"),
        ("engagements", "/engagements/"),
        ("engagement", f"/engagements/{croydon.pk}/"),
        ("engagement figures", "/engagements/dashboard/"),
        ("triage", "/support/triage/"),
        ("peers", "/peers/"),
        ("reports", "/reports/"),
        ("glossary", "/glossary/"),
        ("about the data", "/about-the-data/"),
        ("API docs", "/api/docs"),
    ]
    if closed is not None:
        staff += [
            ("consultation analysis", f"/consultations/{closed.slug}/analysis/"),
            ("what we heard", f"/consultations/{closed.slug}/what-we-heard/"),
        ]
    return {
        "": [
            ("home", "/"),
            ("sign in", "/accounts/sign-in/"),
            ("support", "/support/"),
            ("consultations", "/consultations/"),
        ],
        "pm": staff,
        "croydon": [("home", "/"), ("engagement", f"/engagements/{croydon.pk}/")],
        "board": [("home", "/"), ("engagement figures", "/engagements/dashboard/")],
        "peer": [("home", "/"), ("my peer record", "/peers/me/")],
    }


def _check(page, base: str, label: str, path: str, width: int, user: str) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(base + path)
    where = f"{user or 'public'} {width}px {label} ({path})"
    if response is None or response.status != 200:
        return [f"{where}: HTTP {response.status if response else 'no response'}"]
    problems = []
    wide = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if wide[0] > wide[1]:
        problems.append(f"{where}: scrolls sideways ({wide[0]} px wide in {wide[1]} px)")
    if width < 1000 and label in PHONE_SHOTS and user == "pm":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = label.replace(":", "").replace(" ", "-")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.add_script_tag(url="/__axe.js")  # same origin (routed below): the CSP refuses inline
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    for violation in result["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        problems.append(
            f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}"
            f" x{len(violation['nodes'])}: {targets}"
        )
    return problems


@pytest.mark.slow
def test_key_pages_of_every_role_pass_axe_and_never_scroll_sideways(browser, live_server):
    call_command("bootstrap", stdout=io.StringIO())
    problems = []
    for user, pages in _pages().items():
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.route("**/__axe.js", lambda r: r.fulfill(path=str(AXE), content_type=JS))
        if user:
            page.goto(f"{live_server.url}/accounts/sign-in/")
            page.get_by_label("Username").fill(user)
            page.get_by_label("Password").fill("demo-password-1")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        for label, path in pages:
            for width in WIDTHS:
                problems += _check(page, live_server.url, label, path, width, user)
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
