from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.importers import ImportProblem, add_limit_options, limits_from_options
from apps.indicators.importers.detect import KNOWN, import_detected


class Command(BaseCommand):
    help = (
        "Import published files of any kind we read, each recognised by its content: "
        f"{KNOWN}. All or nothing; derived indicators recomputed; prints what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="files as downloaded")
        add_limit_options(parser)

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        try:
            with limits_from_options(options):
                report = import_detected(paths)
        except ImportProblem as problem:
            raise CommandError(f"Import refused, nothing changed. {problem}") from problem
        for line in report.lines():
            self.stdout.write(line)
