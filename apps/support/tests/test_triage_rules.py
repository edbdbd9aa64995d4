"""Triage rules are a pure function of (band, flags, soft intelligence) and the rules file."""

import pytest

from apps.support.services import triage
from apps.support.services.triage import TriageRulesError, UnknownBand, parse_rules, propose

RULES = parse_rules(
    {
        "version": "t1",
        "bands": {"Calm": "universal", "Worried": "targeted", "Alarmed": "intensive"},
        "tiers": {
            "universal": {"offers": ["self"]},
            "targeted": {"offers": ["cpc"]},
            "intensive": {"offers": ["package"]},
        },
        "soft_intelligence": {"leadership": "Leadership", "finance": "Finance warning"},
        "rule": [
            {"name": "Reserves", "flags_any": ["reserves"], "offers": ["fpr"], "reason": "r"},
            {"name": "Many", "flags_min": 3, "raise_to": "intensive", "offers": ["recovery"]},
            {"name": "Leaders", "soft_any": ["leadership"], "offers": ["mentor"]},
            {
                "name": "Alarmed finance",
                "bands": ["alarmed"],
                "soft_any": ["finance"],
                "offers": ["board"],
            },
        ],
    }
)


def test_band_sets_the_starting_tier_case_insensitively():
    assert propose("calm", rules=RULES).tier == "universal"
    assert propose("WORRIED", rules=RULES).offers == ["cpc"]


def test_flags_add_offers_and_many_flags_raise_the_tier():
    one = propose("Worried", ["reserves"], rules=RULES)
    assert (one.tier, one.offers) == ("targeted", ["cpc", "fpr"])
    many = propose("Worried", ["reserves", "debt", "interest"], rules=RULES)
    assert many.tier == "intensive"
    assert many.offers == ["package", "fpr", "recovery"]
    assert any("raised to intensive" in r for r in many.reasons)


def test_rules_never_lower_the_tier():
    assert propose("Alarmed", ["a", "b", "c"], rules=RULES).tier == "intensive"


def test_soft_intelligence_and_band_conditions_combine():
    assert "board" not in propose("Worried", [], ["finance"], rules=RULES).offers
    assert "board" in propose("Alarmed", [], ["finance"], rules=RULES).offers
    assert "mentor" in propose("Calm", [], ["leadership"], rules=RULES).offers


def test_offer_order_follows_the_catalogue():
    got = propose(
        "Worried", ["reserves"], ["leadership"], rules=RULES, offer_order=["mentor", "fpr", "cpc"]
    )
    assert got.offers == ["mentor", "fpr", "cpc"]


def test_unknown_band_is_refused_not_guessed():
    with pytest.raises(UnknownBand, match="no tier for early-warning band 'insufficient data'"):
        propose("insufficient data", rules=RULES)
    with pytest.raises(ValueError, match="Unknown soft-intelligence"):
        propose("Calm", [], ["gossip"], rules=RULES)


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"bands": {}}, "empty"),
        ({"bands": {"x": "huge"}}, "unknown tier 'huge'"),
        ({"bands": {"x": "universal"}, "rule": [{"name": "n", "offers": []}]}, "no condition"),
        (
            {"bands": {"x": "universal"}, "rule": [{"name": "n", "flags_any": ["a"], "colour": 1}]},
            "unknown key",
        ),
        (
            {"bands": {"x": "universal"}, "rule": [{"name": "n", "soft_any": ["zzz"]}]},
            "undeclared soft-intelligence",
        ),
    ],
)
def test_malformed_rules_are_refused_with_the_rule_named(broken, message):
    with pytest.raises(TriageRulesError, match=message):
        parse_rules(broken)


def test_shipped_rules_load_and_name_only_catalogue_offers(db):
    from django.core.management import call_command

    from apps.support.models import Offer

    call_command("import_support_offers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rules = triage.load_rules()
    assert set(rules.bands.values()) <= set(triage.TIERS)
    assert rules.all_offer_slugs() <= set(Offer.objects.values_list("slug", flat=True))
    worst = propose("High concern", ["a", "b", "c", "d", "e"], rules=rules)
    assert worst.tier == "intervention"
    reserves = propose("Watch", ["reserves_to_nre"], ["leadership_instability"], rules=rules)
    assert reserves.tier == "targeted"
    assert {"finance-peer-review", "leadership-mentoring"} <= set(reserves.offers)


def test_every_band_of_every_shipped_framework_has_a_tier():
    """A new early-warning framework whose designations the rules do not know fails here."""
    import tomllib
    from pathlib import Path

    rules = triage.load_rules()
    frameworks = Path(__file__).resolve().parents[2] / "early_warning" / "frameworks"
    for path in sorted(frameworks.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        labels = [d["label"] for d in data.get("designation", [])]
        labels.append(data.get("combine", {}).get("no_designation_label", "No designation"))
        if "baseline" in path.stem:
            continue  # baselines rank without designations
        for label in labels:
            assert label.lower() in rules.bands, f"{path.name}: {label!r}"
