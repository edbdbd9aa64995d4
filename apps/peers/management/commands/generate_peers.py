"""`nlb generate_peers --count 2200 --seed 0`: a SYNTHETIC peer register on the real councils
register and its real 2019-20 political control. Real peer lists are personal data."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.peers.services.council_facts import from_register
from apps.peers.services.register import create_synthetic_register
from apps.peers.services.synthetic import generate_peers
from apps.peers.teams.csvio import PEER_COLUMNS, PEER_EXTRA_COLUMNS, peer_row


class Command(BaseCommand):
    help = "Generate a SYNTHETIC peer register (into the database, or to a PEERS.csv with --csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=2200)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
        )
        parser.add_argument(
            "--csv", type=Path, default=None, help="write PEERS.csv here instead of the database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 1:
            raise CommandError("--count must be at least 1")
        if options["csv"]:
            facts = [f for f in from_register() if f.region]
            if not facts:
                raise CommandError("The councils register is empty: run `nlb bootstrap` first.")
            peers = generate_peers(
                options["count"], facts, seed=options["seed"], as_of=options["as_of"]
            )
            with open(options["csv"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, PEER_COLUMNS + PEER_EXTRA_COLUMNS)
                writer.writeheader()
                for p in peers:
                    writer.writerow(peer_row(p.record))
            self.stdout.write(
                self.style.SUCCESS(f"Wrote {len(peers)} SYNTHETIC peers to {options['csv']}")
            )
            return
        counts = create_synthetic_register(
            options["count"], seed=options["seed"], as_of=options["as_of"]
        )
        summary = ", ".join(f"{v} {k}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"SYNTHETIC peer register: {summary}"))
