"""`nlb framework_check FILE_OR_NAME [--as-at DATE] [--compare-with NAME]`: validate a framework
file a sector group has drafted, list what it scores, and (for English frameworks) try it on a
date, optionally beside another framework."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.early_warning.engine import FrameworkError, load_framework
from apps.early_warning.services.compare import compare_frameworks
from apps.early_warning.services.watchlist import compute_watchlist


class Command(BaseCommand):
    help = "Validate a framework TOML file and try it on a date (published data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", help="shipped name or path to a .toml file")
        parser.add_argument("--as-at", dest="as_at", default=None, help="YYYY-MM-DD")
        parser.add_argument("--compare-with", dest="other", default=None)

    def handle(self, *args, framework: str, as_at=None, other=None, **options) -> None:
        try:
            fw = load_framework(framework)
        except FrameworkError as exc:
            raise CommandError(f"Framework refused. {exc}") from exc
        self.stdout.write(f"{fw.title} (name {fw.name}, version {fw.version}, {fw.status})")
        for indicator in fw.indicators:
            how = {"peer_z": "robust z against neighbours", "linear": "value alone"}.get(
                indicator.scoring, "point bands"
            )
            self.stdout.write(f"  - {indicator.code}: {indicator.measure.strip()} [{how}]")
        bands = ", ".join(f"{d.label} >= {d.min_score:g}" for d in fw.designations)
        self.stdout.write(f"  designations: {bands or 'none'}; combine: {fw.combine}")
        if fw.source.get("kind") != "english-councils" or not as_at:
            return
        try:
            day = dt.date.fromisoformat(as_at)
        except ValueError as exc:
            raise CommandError(f"--as-at must be YYYY-MM-DD, not {as_at!r}") from exc
        try:
            frame = compute_watchlist(day, fw, include_notes=False)
        except FrameworkError as exc:
            raise CommandError(f"Framework cannot be scored. {exc}") from exc
        counts = Counter(frame["band"])
        self.stdout.write(
            f"as at {day}: "
            + ", ".join(f"{label} {counts.get(label, 0)}" for label in fw.band_order)
        )
        for row in frame.head(5).itertuples():
            self.stdout.write(f"  {row.rank}. {row.name}: {'; '.join(row.top_reasons[:1])}")
        if other:
            result = compare_frameworks(day, fw.name, other)
            rho = result["spearman"]
            self.stdout.write(
                f"against {other}: Spearman {rho:.2f}" if rho is not None else "no common scores"
            )
            self.stdout.write(
                f"top tenth in common: {result['top_tenth_overlap']} of {result['top_tenth']}"
            )
