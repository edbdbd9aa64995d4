from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.importers import ImportProblem, add_limit_options, limits_from_options
from apps.indicators.services.refresh import (
    RefreshError,
    default_folder,
    refresh,
    refresh_job,
    summary_lines,
)


class Command(BaseCommand):
    help = (
        "Download the newest published finance files from GOV.UK (content API), keep each "
        "original with its retrieval date, import them all or none, and report what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="where the downloaded originals are kept, one folder per retrieval date "
            "(default: var/data-vintages)",
        )
        parser.add_argument("--api", default=None, help="content API base (default: GOV.UK)")
        parser.add_argument(
            "--only", action="append", default=None, help="only targets whose name contains this"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue it as a background job (watch it on /jobs/) instead of waiting",
        )
        add_limit_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        folder = options["dir"] or default_folder()
        if options["background"]:
            job = refresh_job.start(
                folder=str(folder), api=options["api"] or "", only=options["only"]
            )
            self.stdout.write(f"Queued as job {job.pk} ({job.status}); follow it on /jobs/")
            return
        try:
            with limits_from_options(options):
                result = refresh(
                    folder,
                    api=options["api"],
                    only=options["only"],
                    progress=not options["no_progress"],
                )
        except RefreshError as problem:
            raise CommandError(f"Refresh stopped, nothing imported. {problem}") from problem
        except ImportProblem as problem:
            raise CommandError(
                f"Refresh refused, nothing imported. {problem} (the download is kept in "
                f"{folder} for inspection)"
            ) from problem
        for line in summary_lines(result):
            self.stdout.write(line)
