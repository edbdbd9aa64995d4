"""Load the support catalogue (`rules/offers.toml`) into Offer rows, validating it all first."""

from __future__ import annotations

import tomllib
from pathlib import Path

from apps.core.importers import BaseImporter
from apps.support.models import Offer, Provider, Tier

OFFERS_PATH = Path(__file__).resolve().parent / "rules" / "offers.toml"
REQUIRED = [
    "slug",
    "title",
    "tier",
    "provider",
    "summary",
    "eligibility",
    "cost",
    "duration",
    "how_to_ask",
]
OPTIONAL = ["keywords", "review_after_months", "illustrative", "order"]


class OfferCatalogueImporter(BaseImporter):
    source_name = "support offers catalogue"

    def parse(self) -> list[dict]:
        try:
            with open(self.path, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as exc:
            raise self.problem(f"cannot open file ({exc.strerror})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise self.problem(f"not valid TOML: {exc}") from exc
        offers = data.get("offer")
        if not offers:
            raise self.problem("no [[offer]] entries")
        parsed, seen = [], set()
        for number, entry in enumerate(offers, start=1):
            where = f"[[offer]] {number}"
            missing = [k for k in REQUIRED if not str(entry.get(k, "")).strip()]
            if missing:
                raise self.problem(f"{where}: missing {', '.join(missing)}", column=missing[0])
            unknown = set(entry) - set(REQUIRED) - set(OPTIONAL)
            if unknown:
                raise self.problem(f"{where}: unknown key(s) {sorted(unknown)}")
            if entry["tier"] not in Tier.values:
                raise self.problem(
                    f"{where} ({entry['slug']}): tier {entry['tier']!r} is not one of "
                    f"{', '.join(Tier.values)}",
                    column="tier",
                )
            if entry["provider"] not in Provider.values:
                raise self.problem(
                    f"{where} ({entry['slug']}): provider {entry['provider']!r} is not one of "
                    f"{', '.join(Provider.values)}",
                    column="provider",
                )
            months = entry.get("review_after_months")
            if months is not None and (not isinstance(months, int) or not 1 <= months <= 36):
                raise self.problem(
                    f"{where}: review_after_months must be a whole number of months from 1 to 36",
                    column="review_after_months",
                )
            if entry["slug"] in seen:
                raise self.problem(f"{where}: slug {entry['slug']!r} appears twice", column="slug")
            seen.add(entry["slug"])
            parsed.append(
                {
                    "slug": entry["slug"],
                    "title": entry["title"].strip(),
                    "tier": entry["tier"],
                    "provider": entry["provider"],
                    "summary": " ".join(entry["summary"].split()),
                    "eligibility": entry["eligibility"].strip(),
                    "cost": entry["cost"].strip(),
                    "duration": entry["duration"].strip(),
                    "how_to_ask": entry["how_to_ask"].strip(),
                    "keywords": entry.get("keywords", ""),
                    "review_after_months": months,
                    "illustrative": bool(entry.get("illustrative", False)),
                    "order": int(entry.get("order", number * 10)),
                }
            )
        return parsed

    def write(self, parsed: list[dict]) -> dict[str, int]:
        created = updated = 0
        for entry in parsed:
            _, was_created = Offer.objects.update_or_create(
                slug=entry["slug"], defaults={**entry, "active": True}
            )
            created += was_created
            updated += not was_created
        retired = (
            Offer.objects.exclude(slug__in=[e["slug"] for e in parsed])
            .filter(active=True)
            .update(active=False)
        )
        return {"offers created": created, "offers updated": updated, "offers retired": retired}
