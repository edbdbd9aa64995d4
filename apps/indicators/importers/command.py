"""The management-command shape shared by the indicator importers: one or more files (default:
the shipped ones), all parsed and checked before any is written, then written in one transaction,
with a summary of rows that are not councils."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from apps.core.importers import ImporterCommand, ImportProblem, limits_from_options
from apps.indicators.importers.common import describe_unmatched


def import_files(importer_class, paths: list[Path], stdout=None, verbosity: int = 1) -> dict:
    """Parse every file (refusing all if any is malformed), then write them in one transaction."""
    importers = [importer_class(path) for path in paths]
    parsed = [importer.parse() for importer in importers]
    totals: dict[str, int] = {}
    with transaction.atomic():
        for importer, result in zip(importers, parsed, strict=True):
            counts = importer.write(result)
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
            if stdout is not None and verbosity > 0:
                summary = ", ".join(f"{value} {key}" for key, value in counts.items())
                stdout.write(f"Imported {importer.path.name}: {summary}\n")
                if result.unmatched and verbosity > 1:
                    stdout.write(f"  {describe_unmatched(result.unmatched)}\n")
                for note in result.notes[:5]:
                    stdout.write(f"  note: {note}\n")
    return totals


class IndicatorImporterCommand(ImporterCommand):
    """`default_glob` under data/ names the shipped files; paths on the command line override."""

    default_glob: str = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="files to import (default: the shipped files)"
        )

    def default_paths(self) -> list[Path]:
        return sorted(Path(settings.DATA_DIR).glob(self.default_glob))

    def handle(self, *args: Any, paths: list[Path] | None = None, **options: Any) -> None:
        paths = list(paths or []) or self.default_paths()
        if not paths:
            raise CommandError(f"no files given and none shipped under data/{self.default_glob}")
        try:
            with limits_from_options(options):
                import_files(self.importer_class, paths, self.stdout, options.get("verbosity", 1))
        except ImportProblem as problem:
            raise CommandError(f"Import refused, nothing changed. {problem}") from problem
