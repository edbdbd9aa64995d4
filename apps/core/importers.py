"""The shared shape of every importer: read a file as published, validate it all, then write it in
one transaction, so a bad row leaves the database exactly as it was."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from openpyxl.utils import get_column_letter


@dataclass
class ImportProblem(Exception):
    """A problem in an input file, located precisely enough for a person to fix it."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [Path(self.file).name]
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


def column_letter(index: int) -> str:
    """0 -> A, 27 -> AB: how a spreadsheet user finds the column named in a problem."""
    return get_column_letter(index + 1)


def read_csv_rows(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number as a spreadsheet shows it, row) once the header is known to hold
    every `required` column."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ImportProblem(str(path), f"cannot open file ({exc.strerror})") from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [name for name in required if name not in header]
        if missing:
            raise ImportProblem(
                str(path), f"header lacks required column(s): {', '.join(missing)}", row=1
            )
        for number, row in enumerate(reader, start=2):
            if None in row:
                raise ImportProblem(str(path), "row has more fields than the header", row=number)
            yield number, {k: (v or "").strip() for k, v in row.items()}


class BaseImporter:
    """Subclasses implement `parse` (validate everything, touch no table) and `write`."""

    source_name: str = ""

    def __init__(self, path: Path):
        self.path = Path(path)

    def parse(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, parsed: Any) -> dict[str, int]:  # pragma: no cover - abstract
        raise NotImplementedError

    def problem(self, message: str, **where: Any) -> ImportProblem:
        return ImportProblem(str(self.path), message, **where)

    def run(self) -> dict[str, int]:
        parsed = self.parse()
        with transaction.atomic():
            return self.write(parsed)


class ImporterCommand(BaseCommand):
    """One management command per source: `importer_class` plus the shipped default file."""

    importer_class: type[BaseImporter]
    default_path: Path

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, default=None, help="file to import (default: shipped)"
        )

    def handle(self, *args: Any, path: Path | None = None, **options: Any) -> None:
        importer = self.importer_class(path or self.default_path)
        try:
            counts = importer.run()
        except ImportProblem as problem:
            raise CommandError(f"Import refused, nothing changed. {problem}") from problem
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {importer.path.name}: {summary}"))
