"""nlb import_consultation_responses SLUG FILE: offline responses from CSV or XLSX, all rows
checked first; any problem refuses the file, naming row and column, and nothing changes. Then the
free-text answers are grouped into campaigns and embedded (stored), with progress printed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.consultations.models import Consultation
from apps.consultations.services.importing import OfflineResponseImporter
from apps.consultations.services.preparing import prepare
from apps.core.importers import ImportProblem


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the consultation's slug")
        parser.add_argument("path", type=Path, help="CSV or XLSX file")
        parser.add_argument(
            "--no-prepare",
            dest="prepare",
            action="store_false",
            help="skip grouping campaigns and embedding the answers after the import (they are "
            "grouped later like any new answers; embedded at first analysis)",
        )

    def handle(self, *args, slug: str, path: Path, **options):
        try:
            consultation = Consultation.objects.get(slug=slug)
        except Consultation.DoesNotExist as exc:
            raise CommandError(f"No consultation with slug {slug!r}") from exc
        try:
            importer = OfflineResponseImporter(
                path,
                consultation,
                progress=self._progress,
                grouped_next=options.get("prepare", True),
            )
            counts = importer.run()
        except ImportProblem as problem:
            raise CommandError(f"Import refused, nothing changed. {problem}") from problem
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {summary}"))
        if options.get("prepare", True):
            prepare(consultation, progress=self._stage)

    def _progress(self, stage: str, rows: int) -> None:
        self.stdout.write(f"  {stage} {rows:,} rows")
        self.stdout.flush()

    def _stage(self, stage: str, done: int, total: int) -> None:
        self.stdout.write(f"  {stage}: {done:,} of {total:,}")
        self.stdout.flush()
