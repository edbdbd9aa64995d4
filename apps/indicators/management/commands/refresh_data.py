from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.importers import ImportProblem
from apps.indicators.services.refresh import RefreshError, refresh


class Command(BaseCommand):
    help = (
        "Download the newest published finance files from GOV.UK (content API), keep each "
        "original with its retrieval date, import them all or none, and report what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=Path(settings.VAR_DIR) / "data-vintages",
            help="where the downloaded originals are kept, one folder per retrieval date",
        )
        parser.add_argument("--api", default=None, help="content API base (default: GOV.UK)")
        parser.add_argument(
            "--only", action="append", default=None, help="only targets whose name contains this"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = refresh(
                options["dir"],
                api=options["api"],
                only=options["only"],
                progress=not options["no_progress"],
            )
        except RefreshError as problem:
            raise CommandError(f"Refresh stopped, nothing imported. {problem}") from problem
        except ImportProblem as problem:
            raise CommandError(
                f"Refresh refused, nothing imported. {problem} (the download is kept in "
                f"{options['dir']} for inspection)"
            ) from problem
        for item in result.retrieved:
            when = item.updated or "date not given"
            self.stdout.write(
                f"Downloaded {item.target}: {item.title} (published {when}, {item.size:,} bytes)"
            )
        for name in result.missing:
            self.stdout.write(f"No file found for {name}")
        if result.report is not None:
            for line in result.report.lines():
                self.stdout.write(line)
