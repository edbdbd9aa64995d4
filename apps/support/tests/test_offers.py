"""The catalogue: loaded from the data file, public, searchable and filterable."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from apps.support.importers import OFFERS_PATH, OfferCatalogueImporter
from apps.support.models import Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return OfferCatalogueImporter(OFFERS_PATH).run()


def test_import_is_idempotent(catalogue):
    again = OfferCatalogueImporter(OFFERS_PATH).run()
    assert again["offers created"] == 0 and again["offers updated"] == catalogue["offers created"]
    assert Offer.objects.filter(active=True).count() == catalogue["offers created"] >= 10
    tiers = set(Offer.objects.values_list("tier", flat=True))
    assert tiers == {"universal", "targeted", "intensive", "intervention"}


def test_a_bad_file_is_refused_naming_the_entry_and_nothing_changes(tmp_path, catalogue):
    text = OFFERS_PATH.read_text().replace('tier = "targeted"', 'tier = "urgent"', 1)
    bad = tmp_path / "offers.toml"
    bad.write_text(text)
    before = list(Offer.objects.values_list("slug", "tier"))
    with pytest.raises(CommandError) as refused:
        call_command("import_support_offers", str(bad))
    message = str(refused.value)
    assert "offers.toml" in message and "tier 'urgent'" in message and "column 'tier'" in message
    assert list(Offer.objects.values_list("slug", "tier")) == before


def test_not_toml_is_refused(tmp_path):
    bad = tmp_path / "offers.toml"
    bad.write_text("[[offer]\nslug = ")
    with pytest.raises(CommandError, match="not valid TOML"):
        call_command("import_support_offers", str(bad))
    assert not Offer.objects.exists()


def test_public_page_needs_no_sign_in_and_filters(catalogue):
    page = Client().get("/support/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Where to go for support" in body and "Corporate peer challenge" in body
    finance = Client().get("/support/", {"q": "finance", "tier": "targeted"})
    shown = [o.slug for o in finance.context["offers"]]
    assert "finance-peer-review" in shown and "corporate-peer-challenge" not in shown
    regional = Client().get("/support/", {"provider": "regional"}, HTTP_HX_REQUEST="true")
    assert "<html" not in regional.content.decode()  # htmx gets only the results
    assert [o.provider for o in regional.context["offers"]] == ["regional"]


def test_offer_page_and_public_api(catalogue):
    assert Client().get("/support/offers/corporate-peer-challenge/").status_code == 200
    assert Client().get("/support/offers/no-such-offer/").status_code == 404
    offers = Client().get("/api/support/offers", {"tier": "intensive"}).json()
    assert offers and {o["tier"] for o in offers} == {"intensive"}


def test_triage_rules_page_is_public_and_lists_every_rule(catalogue):
    from apps.support.services.triage import default_rules

    page = Client().get("/support/triage-rules/")
    assert page.status_code == 200
    body = page.content.decode()
    for rule in default_rules().rules:
        assert rule.name in body
    assert "Finance peer review" in body  # offers named by title, not slug
