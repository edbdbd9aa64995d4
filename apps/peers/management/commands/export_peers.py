"""`nlb export_peers --out PEERS.csv`: the register in the PEERS.csv shape, plus extras."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.peers.models import Peer
from apps.peers.services.register import export_csv


class Command(BaseCommand):
    help = "Export the peer register as CSV (PEERS.csv columns plus extras)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        with open(options["out"], "w", newline="", encoding="utf-8") as handle:
            n = export_csv(Peer.objects.for_solver(), handle)
        self.stdout.write(self.style.SUCCESS(f"Wrote {n} peers to {options['out']}"))
