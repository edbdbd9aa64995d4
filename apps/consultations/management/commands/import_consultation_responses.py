"""nlb import_consultation_responses SLUG FILE: offline responses from CSV or XLSX, all rows
checked first; any problem refuses the file, naming row and column, and nothing changes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.consultations.models import Consultation
from apps.consultations.services.importing import OfflineResponseImporter
from apps.core.importers import ImportProblem


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the consultation's slug")
        parser.add_argument("path", type=Path, help="CSV or XLSX file")

    def handle(self, *args, slug: str, path: Path, **options):
        try:
            consultation = Consultation.objects.get(slug=slug)
        except Consultation.DoesNotExist as exc:
            raise CommandError(f"No consultation with slug {slug!r}") from exc
        try:
            counts = OfflineResponseImporter(path, consultation).run()
        except ImportProblem as problem:
            raise CommandError(f"Import refused, nothing changed. {problem}") from problem
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {summary}"))
