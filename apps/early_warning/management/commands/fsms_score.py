"""`nlb fsms_score WORKBOOK`: score a NY Comptroller FSMS workbook with the framework engine."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.importers import ImportProblem
from apps.early_warning.engine import FrameworkError
from apps.early_warning.services.fsms_scoring import agreement, score_workbook


class Command(BaseCommand):
    help = (
        "Score an FSMS workbook from its raw Indicator sheets; prints CSV "
        "municode,name,fiscal_score,designation (municipal or school workbook, detected)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workbook", type=Path)
        parser.add_argument(
            "--compare",
            action="store_true",
            help="also report agreement with the workbook's published Summary sheet (stderr)",
        )

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except BrokenPipeError:  # e.g. piped into `head`: stop quietly
            return None

    def handle(self, *args, workbook: Path, compare: bool = False, **options) -> None:
        try:
            result = score_workbook(workbook)
        except (ImportProblem, FrameworkError) as problem:
            raise CommandError(f"Workbook refused. {problem}") from problem
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["municode", "name", "fiscal_score", "designation"])
        for row in result.scores.sort("entity").iter_rows(named=True):
            score = "" if row["score"] is None else f"{row['score']:.1f}"
            writer.writerow([row["entity"], row["name"], score, row["band"]])
        if compare:
            report = agreement(result)
            self.stderr.write(
                f"{result.framework.title}: {report['agree']} of {report['compared']} entities "
                f"agree with the published Summary ({report['share']:.2%})"
            )
