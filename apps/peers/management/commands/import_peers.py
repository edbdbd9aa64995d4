"""`nlb import_peers PEERS.csv`: add or update peers in the register (matched on peer_id)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from apps.core.importers import ImporterCommand
from apps.peers.services.register import PeerRegisterImporter


class Command(ImporterCommand):
    help = (
        "Import a peer register CSV (PEERS.csv columns; optional name, accredited_from, history)."
    )
    importer_class = PeerRegisterImporter

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="PEERS.csv to import")

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
