"""`nlb build_teams --peers PEERS.csv --engagements ENG.csv --out TEAMS.csv`: optimal peer teams
from CSV files alone. Prints one summary line; blocked engagements are explained on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from apps.peers.teams.csvio import SchemaErrors, read_engagements, read_peers, write_teams
from apps.peers.teams.domain import CouncilAreas
from apps.peers.teams.rules import DEFAULT_RULES_PATH, load_rules
from apps.peers.teams.solver import build_teams


def county_areas() -> CouncilAreas:
    """The councils register's county of each district, if the register is loaded."""
    from apps.peers.services.council_facts import areas_from_register

    try:
        return areas_from_register()
    except DatabaseError:
        return CouncilAreas.unknown()


class Command(BaseCommand):
    help = "Form optimal peer teams (OR-Tools CP-SAT) from PEERS.csv and ENG.csv; write TEAMS.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--peers", type=Path, required=True, help="PEERS.csv")
        parser.add_argument("--engagements", type=Path, required=True, help="ENG.csv")
        parser.add_argument("--out", type=Path, required=True, help="TEAMS.csv to write")
        parser.add_argument(
            "--rules", type=Path, default=DEFAULT_RULES_PATH, help="team rules TOML"
        )
        parser.add_argument(
            "--time-limit", type=float, default=None, help="seconds (default: rules)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = load_rules(options["rules"])
        try:
            peers = read_peers(options["peers"])
        except SchemaErrors as errors:
            raise CommandError(f"Refused, nothing written.\n{errors}") from errors
        try:
            engagements = read_engagements(options["engagements"], rules)
        except SchemaErrors as errors:
            raise CommandError(f"Refused, nothing written.\n{errors}") from errors
        result = build_teams(
            engagements, peers, rules, county_areas(), time_limit=options["time_limit"]
        )
        write_teams(options["out"], result.assignments, [e.engagement_id for e in engagements])
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        for blocker in result.blockers:
            self.stderr.write(f"{blocker.engagement_id}: {blocker.message} [{blocker.rule}]")
        self.stdout.write(
            f"{result.summary()} teams={len(result.staffed)}/{len(engagements)} "
            f"greedy_teams={result.greedy_staffed} stages: {result.stages_text()}"
        )
