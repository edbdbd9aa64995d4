"""`nlb watchlist --as-at YYYY-MM-DD [--framework NAME] --format csv`."""

from __future__ import annotations

import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.early_warning.engine import FrameworkError
from apps.early_warning.services.watchlist import compute_watchlist


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-at must be a date as YYYY-MM-DD, not {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Print every English council that existed on a date, scored with only the data published "
        "on or before it (rank 1 = most concern). Includes confidential soft intelligence."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-at",
            dest="as_at",
            default=None,
            help="YYYY-MM-DD (default: the latest date on which every source still counts)",
        )
        parser.add_argument("--framework", default=None, help="framework name (recommended)")
        parser.add_argument("--format", dest="fmt", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="leave out confidential soft-intelligence notes",
        )

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except BrokenPipeError:  # e.g. piped into `head`: stop quietly
            return None

    def handle(self, *args, as_at=None, framework=None, fmt="csv", published_only=False, **kw):
        try:
            if as_at:
                day = parse_date(as_at)
            else:
                from apps.early_warning.services.watchlist import latest_scorable_date

                day = latest_scorable_date(framework) or dt.date.today()
                self.stderr.write(f"as at {day.isoformat()} (the latest date with fresh figures)")
            frame = compute_watchlist(day, framework, include_notes=not published_only)
        except FrameworkError as exc:
            raise CommandError(str(exc)) from exc
        if fmt == "json":
            rows = [
                {
                    "gss_code": r.gss_code,
                    "name": r.name,
                    "rank": int(r.rank),
                    "score": None if r.score != r.score else r.score,
                    "band": r.band,
                    "top_reasons": list(r.top_reasons),
                }
                for r in frame.itertuples()
            ]
            self.stdout.write(json.dumps(rows, indent=1))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["gss_code", "name", "rank", "score", "band", "top_reasons"])
        for row in frame.itertuples():
            score = "" if row.score != row.score or row.score is None else f"{row.score:.1f}"
            writer.writerow(
                [row.gss_code, row.name, int(row.rank), score, row.band, "; ".join(row.top_reasons)]
            )
