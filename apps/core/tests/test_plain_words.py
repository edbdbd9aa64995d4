"""Plain words: the glossary, human dates, labels for slugs, and the data sources as a page."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.core.glossary import mark_abbreviations, terms
from apps.core.templatetags.nlb import human_date, label


def test_abbreviations_are_explained_and_text_is_escaped():
    html = mark_abbreviations("Reserves / NRE fell <sharply>; ILACS judged it inadequate")
    assert '<abbr title="net revenue expenditure">NRE</abbr>' in html
    assert "ILACS</abbr>" in html and "&lt;sharply&gt;" in html
    assert "NREX" in mark_abbreviations("NREX") and "<abbr" not in mark_abbreviations("NREX")


def test_every_glossary_term_says_what_it_means():
    assert all(t.means and t.name for t in terms())
    assert len({t.anchor for t in terms()}) == len(terms())


def test_dates_read_as_people_write_them():
    assert human_date(dt.date(2026, 12, 2)) == "2 December 2026"
    assert human_date("2019-11-01") == "1 November 2019"
    assert human_date(dt.datetime(2026, 3, 5, 9, 30), True) == "5 March 2026, 09:30"
    assert human_date(None) == ""
    assert label("finance-peer-review") == "Finance peer review"


def test_templates_write_full_dates_with_human_date():
    """A day, month and year on a page goes through `human_date`, so every page writes it the
    same way; `|date` is left for URLs ('Y-m-d') and short forms without a year."""
    base = Path(settings.BASE_DIR)
    allowed = {"j M Y H:i:s", "l j F Y", "D j M Y"}  # the audit trail's seconds; weekdays
    found = [
        f"{path.relative_to(base)}: {match.group(2)}"
        for folder in (base / "templates", base / "apps")
        for path in folder.rglob("*.html")
        for match in re.finditer(r"""\|date:(["'])(.*?)\1""", path.read_text(encoding="utf-8"))
        if re.search(r"\bj\b.*\b[FMN]\b.*\bY\b", match.group(2)) and match.group(2) not in allowed
    ]
    assert found == []


@pytest.mark.django_db
def test_glossary_and_about_the_data_pages_are_public_and_show_no_file_paths(client):
    glossary = client.get("/glossary/").content.decode()
    assert 'id="robust-z"' in glossary and "median absolute deviation" in glossary
    about = client.get("/about-the-data/").content.decode()
    assert '<h2 class="govuk-heading-m">' in about and "Open Government Licence" in about
    home = client.get("/").content.decode()
    assert "SOURCES.md" not in home and 'href="/about-the-data/"' in home
