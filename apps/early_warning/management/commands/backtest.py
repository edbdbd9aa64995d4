"""`nlb backtest [--events FILE.csv] [--framework NAME] [--calibrate]`: what the validation
page shows, as CSV on standard output."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.importers import ImportProblem
from apps.early_warning.engine import FrameworkError


class Command(BaseCommand):
    help = (
        "Rank every council before each event with only what was published then: per event set "
        "ROC AUC, share of events in the top 10% and median lead time for the recommended "
        "framework, each single indicator and the CIPFA-style framework; then every event with "
        "the council's rank 12, 24 and 36 months before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--events", type=Path, default=None, help="an events CSV (default: the registers)"
        )
        parser.add_argument("--framework", default=None)
        parser.add_argument(
            "--as-at",
            dest="as_at",
            action="append",
            type=dt.date.fromisoformat,
            help="also rank once on this date (YYYY-MM-DD) and judge every later event "
            "(repeatable; default 2021-07-01)",
        )
        parser.add_argument(
            "--calibrate",
            action="store_true",
            help="also print the points fitted on events to 31 March 2024 (JSON to stderr)",
        )

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except BrokenPipeError:  # e.g. piped into `head`: stop quietly
            return None

    def handle(self, *args, events=None, framework=None, calibrate=False, as_at=None, **options):
        from apps.early_warning.services.backtest import load_events
        from apps.early_warning.services.validation import (
            FIXED_DATES,
            run_validation,
            validation_rows,
        )

        try:
            loaded = load_events(events) if events else None
            fixed = tuple(as_at) if as_at else FIXED_DATES
            result = run_validation(framework, events=loaded, fixed_dates=fixed)
        except ImportProblem as problem:
            raise CommandError(f"Events file refused. {problem}") from problem
        except FrameworkError as exc:
            raise CommandError(str(exc)) from exc
        writer = csv.writer(self.stdout, lineterminator="\n")
        metrics, ranks = validation_rows(result)
        writer.writerow(list(metrics[0]))
        writer.writerows([list(row.values()) for row in metrics])
        self.stdout.write("")
        writer.writerow(list(ranks[0]) if ranks else [])
        writer.writerows([list(row.values()) for row in ranks])
        if calibrate:
            from apps.early_warning.services.calibration import calibrate as fit
            from apps.early_warning.services.events import all_events
            from apps.early_warning.services.recompute import recompute_history
            from apps.early_warning.services.validation import quarter_dates

            dates = quarter_dates(result.framework_dates[0], result.framework_dates[-1])
            frame = recompute_history(dates, result.framework)
            report = fit(result.framework, frame, list(loaded or all_events()))
            report["rolling_origin_points"] = result.weights_by_year
            self.stderr.write(json.dumps(report, indent=1, default=str))
