"""theme_eval: score theme mapping against a human-coded CSV, the coded columns playing the coder.

uv run nlb theme_eval --gold FILE.csv --text-column COL --label-columns FIRST:LAST \
    --coded-fraction 0.1 --seed 0

Prints one JSON line: sample_f1, micro_f1, macro_f1, coded, evaluated, seconds, skipped.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.consultations.analysis.evaluation import (
    DEFAULT_ROUNDS,
    GoldFileError,
    evaluate,
    load_gold,
)

CONTRACT = (
    "sample_f1",
    "micro_f1",
    "macro_f1",
    "coded",
    "evaluated",
    "seconds",
    "skipped",
)


class Command(BaseCommand):
    help = "Evaluate active-learning theme mapping against one-hot coded responses in a CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gold", required=True, help="CSV with a text column and 0/1 labels")
        parser.add_argument("--text-column", required=True, help="header name of the text column")
        parser.add_argument(
            "--label-columns", required=True, help="FIRST:LAST header names, inclusive, one-hot"
        )
        parser.add_argument("--coded-fraction", type=float, default=0.1)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--rounds",
            type=int,
            default=DEFAULT_ROUNDS,
            help="how many batches the person codes in (active-learning rounds)",
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            gold = load_gold(options["gold"], options["text_column"], options["label_columns"])
            result = evaluate(
                gold, options["coded_fraction"], seed=options["seed"], rounds=options["rounds"]
            )
        except GoldFileError as exc:
            raise CommandError(str(exc)) from exc
        result["seconds"] = round(time.perf_counter() - started, 2)
        # the agreed contract: exactly these keys (the benchmark reports the decoding too)
        self.stdout.write(json.dumps({key: result[key] for key in CONTRACT}))
