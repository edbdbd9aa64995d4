"""Triage: propose a tier of support and offers from an early-warning band, the indicator flags
that scored and the categories of soft intelligence recorded.

A pure function of (band, flags, soft intelligence, rules) so the rules can be tested, read and
argued over without a database or the early-warning engine. The rules are data
(`apps/support/rules/triage.toml`); a person accepts or changes every proposal.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TIERS = ["universal", "targeted", "intensive", "intervention"]
RULES_PATH = Path(__file__).resolve().parent.parent / "rules" / "triage.toml"
RULE_KEYS = {"name", "flags_any", "flags_min", "soft_any", "bands", "raise_to", "offers", "reason"}


class TriageRulesError(ValueError):
    """The rules file is malformed; the message names the file and the rule."""


class UnknownBand(ValueError):
    """The early-warning band has no starting tier in the rules: triage refuses to guess."""


@dataclass(frozen=True)
class Rule:
    name: str
    offers: tuple[str, ...] = ()
    reason: str = ""
    flags_any: frozenset[str] = frozenset()
    flags_min: int | None = None
    soft_any: frozenset[str] = frozenset()
    bands: frozenset[str] = frozenset()
    raise_to: str | None = None

    def applies(self, band: str, flags: set[str], soft: set[str]) -> bool:
        if self.flags_any and not (self.flags_any & flags):
            return False
        if self.flags_min is not None and len(flags) < self.flags_min:
            return False
        if self.soft_any and not (self.soft_any & soft):
            return False
        return not (self.bands and band not in self.bands)


@dataclass(frozen=True)
class TriageRules:
    version: str
    bands: dict[str, str]
    tier_offers: dict[str, tuple[str, ...]]
    soft_categories: dict[str, str]
    rules: tuple[Rule, ...]

    def all_offer_slugs(self) -> set[str]:
        slugs = {s for offers in self.tier_offers.values() for s in offers}
        return slugs | {s for rule in self.rules for s in rule.offers}


@dataclass
class Proposal:
    band: str
    flags: list[str]
    soft_intelligence: list[str]
    tier: str
    offers: list[str]
    reasons: list[str] = field(default_factory=list)
    rules_version: str = ""


def _tier(value: str, where: str, path: Path) -> str:
    if value not in TIERS:
        raise TriageRulesError(f"{path.name}: {where}: unknown tier {value!r} (use {TIERS})")
    return value


def parse_rules(data: dict, path: Path = RULES_PATH) -> TriageRules:
    """Validate a parsed rules document; every problem names the file and the rule."""
    bands = {
        str(k).lower(): _tier(v, f"[bands] {k}", path) for k, v in data.get("bands", {}).items()
    }
    if not bands:
        raise TriageRulesError(f"{path.name}: [bands] is missing or empty")
    tier_offers = {}
    for tier, spec in data.get("tiers", {}).items():
        _tier(tier, f"[tiers.{tier}]", path)
        tier_offers[tier] = tuple(spec.get("offers", []))
    soft = {str(k): str(v) for k, v in data.get("soft_intelligence", {}).items()}
    rules = []
    for number, spec in enumerate(data.get("rule", []), start=1):
        where = f"rule {number} ({spec.get('name', 'unnamed')})"
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise TriageRulesError(f"{path.name}: {where}: unknown key(s) {sorted(unknown)}")
        if not any(k in spec for k in ("flags_any", "flags_min", "soft_any", "bands")):
            raise TriageRulesError(f"{path.name}: {where}: has no condition")
        bad_soft = set(spec.get("soft_any", [])) - set(soft)
        if bad_soft:
            raise TriageRulesError(
                f"{path.name}: {where}: undeclared soft-intelligence categories {sorted(bad_soft)}"
            )
        rules.append(
            Rule(
                name=spec.get("name", f"rule {number}"),
                offers=tuple(spec.get("offers", [])),
                reason=spec.get("reason", ""),
                flags_any=frozenset(spec.get("flags_any", [])),
                flags_min=spec.get("flags_min"),
                soft_any=frozenset(spec.get("soft_any", [])),
                bands=frozenset(b.lower() for b in spec.get("bands", [])),
                raise_to=_tier(spec["raise_to"], where, path) if "raise_to" in spec else None,
            )
        )
    return TriageRules(
        version=str(data.get("version", "")),
        bands=bands,
        tier_offers=tier_offers,
        soft_categories=soft,
        rules=tuple(rules),
    )


def load_rules(path: Path = RULES_PATH) -> TriageRules:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise TriageRulesError(f"{path.name}: not valid TOML ({exc})") from exc
    return parse_rules(data, path)


@lru_cache(maxsize=1)
def default_rules() -> TriageRules:
    return load_rules(RULES_PATH)


def propose(
    band: str,
    flags: Iterable[str] = (),
    soft_intelligence: Iterable[str] = (),
    rules: TriageRules | None = None,
    offer_order: list[str] | None = None,
) -> Proposal:
    """The proposed tier and offers. Raises UnknownBand if the rules do not know the band.

    offer_order: catalogue order of offer slugs, to list offers the way the catalogue does.
    """
    rules = rules or default_rules()
    band_key = (band or "").strip().lower()
    if band_key not in rules.bands:
        raise UnknownBand(
            f"The triage rules have no tier for early-warning band {band!r}; "
            f"known bands: {', '.join(rules.bands)}"
        )
    flag_set, soft_set = set(flags), set(soft_intelligence)
    unknown_soft = soft_set - set(rules.soft_categories)
    if unknown_soft:
        raise ValueError(f"Unknown soft-intelligence categories: {sorted(unknown_soft)}")
    tier = rules.bands[band_key]
    reasons = [f"Early-warning band {band!r} starts at the {tier} tier."]
    offers: list[str] = []
    for rule in rules.rules:
        if not rule.applies(band_key, flag_set, soft_set):
            continue
        if rule.raise_to and TIERS.index(rule.raise_to) > TIERS.index(tier):
            tier = rule.raise_to
            reasons.append(f"{rule.name}: raised to {tier}. {rule.reason}".strip())
        else:
            reasons.append(f"{rule.name}: {rule.reason}".strip())
        offers.extend(rule.offers)
    offers = list(rules.tier_offers.get(tier, ())) + offers
    unique = list(dict.fromkeys(offers))
    if offer_order:
        position = {slug: i for i, slug in enumerate(offer_order)}
        unique.sort(key=lambda s: position.get(s, len(position)))
    return Proposal(
        band=band,
        flags=sorted(flag_set),
        soft_intelligence=sorted(soft_set),
        tier=tier,
        offers=unique,
        reasons=reasons,
        rules_version=rules.version,
    )
