"""`nlb backtest --events FILE.csv [--framework NAME] [--calibrate]`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.importers import ImportProblem
from apps.early_warning.engine import FrameworkError
from apps.early_warning.services.backtest import (
    DEFAULT_EVENTS_FILE,
    Scorer,
    calibrate,
    load_events,
    run_backtest,
)

COLUMNS = [
    "gss_code",
    "council",
    "notice_date",
    "kind",
    "first_notice",
    "months_before",
    "as_at",
    "councils",
    "rank",
    "percentile",
    "band",
    "reserves_to_nre_rank",
    "reserves_to_nre_percentile",
    "borrowing_to_nre_rank",
    "borrowing_to_nre_percentile",
]


class Command(BaseCommand):
    help = (
        "For each event (e.g. a section 114 notice), the council's watchlist rank and percentile "
        "12 and 24 months before, from data published by then, beside single-indicator baselines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=Path, default=DEFAULT_EVENTS_FILE)
        parser.add_argument("--framework", default=None)
        parser.add_argument(
            "--calibrate",
            action="store_true",
            help="also evaluate the pillar-weight grid with leave-one-event-out (JSON to stderr)",
        )

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except BrokenPipeError:  # e.g. piped into `head`: stop quietly
            return None

    def handle(self, *args, events: Path, framework=None, calibrate: bool = False, **options):
        try:
            loaded = load_events(events)
            scorer = Scorer()
            frame = run_backtest(loaded, framework, scorer=scorer)
        except ImportProblem as problem:
            raise CommandError(f"Events file refused. {problem}") from problem
        except FrameworkError as exc:
            raise CommandError(str(exc)) from exc
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in frame.to_dict("records"):
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in COLUMNS])
        if calibrate:
            report = calibrate_fn(loaded, framework, scorer)
            self.stderr.write(json.dumps(report, indent=1, default=str))


def calibrate_fn(events, framework, scorer):
    return calibrate(events, framework, scorer=scorer)
