"""The team rules as the sector agreed them, read from a TOML file into a frozen dataclass."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

DEFAULT_RULES_PATH = Path(__file__).with_name("team_rules.toml")

# Every rule the builder enforces, by the key used in messages, explanations and relaxation.
RULE_LABELS: dict[str, str] = {
    "team.size": "team size",
    "team.lead_officer": "exactly one lead officer peer (chief executive)",
    "team.lead_member": "exactly one lead member peer",
    "team.max_member_peers": "maximum number of member peers",
    "political_balance.lead_member_party": "lead member peer shares the ruling party",
    "political_balance.noc_cross_party": "cross-party member peers under no overall control",
    "conflicts.own_council": "no peer reviews their own council",
    "conflicts.former_councils": "no peer reviews a council they used to serve",
    "conflicts.same_county_area": "no peer reviews a council in their county area",
    "conflicts.same_region": "no peer reviews a council in their region",
    "availability.accreditation": "accreditation valid on the engagement's dates",
    "availability.overlap": "no peer on two engagements at once",
    "availability.capacity": "peer's days available in the year",
    "availability.deployments_per_year": "maximum deployments per peer per year",
}

PARTY_NAMES: dict[str, str] = {
    "Con": "Conservative",
    "Lab": "Labour",
    "LD": "Liberal Democrat",
    "Green": "Green",
    "Ind": "Independent",
    "NOC": "no overall control",
}


def party_name(code: str) -> str:
    return PARTY_NAMES.get(code, code)


@dataclass(frozen=True)
class TeamRules:
    default_size: int = 5
    min_size: int = 3
    max_size: int = 8
    lead_officer_roles: tuple[str, ...] = ("chief_executive",)
    max_member_peers: int = 2
    lead_member_shares_ruling_party: bool = True
    noc_min_member_parties: int = 2
    conflict_own_council: bool = True
    conflict_former_councils: bool = True
    conflict_same_county_area: bool = True
    conflict_same_region: bool = False
    accreditation_valid_throughout: bool = True
    max_deployments_per_year: int = 3
    year_starts: tuple[int, int] = (4, 1)
    no_overlapping_engagements: bool = True
    capacity_in_days: bool = True
    hold_proposed_hours: int = 48
    time_limit_seconds: float = 10.0
    workers: int = 2
    relative_gap_limit: float = 0.0
    expertise: dict[str, str] = field(default_factory=dict)
    # Rules switched off for this run (used when diagnosing: relax one rule, solve again).
    relaxed: frozenset[str] = frozenset()

    def on(self, key: str) -> bool:
        """Is rule `key` (a RULE_LABELS key) in force?"""
        return key in self._in_force

    @cached_property
    def _in_force(self) -> frozenset[str]:
        switches = {
            "political_balance.lead_member_party": self.lead_member_shares_ruling_party,
            "political_balance.noc_cross_party": self.noc_min_member_parties > 1,
            "conflicts.own_council": self.conflict_own_council,
            "conflicts.former_councils": self.conflict_former_councils,
            "conflicts.same_county_area": self.conflict_same_county_area,
            "conflicts.same_region": self.conflict_same_region,
            "availability.accreditation": self.accreditation_valid_throughout,
            "availability.overlap": self.no_overlapping_engagements,
            "availability.capacity": self.capacity_in_days,
            "availability.deployments_per_year": self.max_deployments_per_year > 0,
        }
        return frozenset(
            key for key in RULE_LABELS if switches.get(key, True) and key not in self.relaxed
        )

    def relax(self, *keys: str) -> TeamRules:
        unknown = set(keys) - set(RULE_LABELS)
        if unknown:
            raise ValueError(f"unknown rule(s): {', '.join(sorted(unknown))}")
        return replace(self, relaxed=self.relaxed | frozenset(keys))

    def year_of(self, day: dt.date) -> int:
        """The deployment year a day falls in, named by the calendar year it starts in."""
        month, dom = self.year_starts
        return day.year if (day.month, day.day) >= (month, dom) else day.year - 1

    def expertise_label(self, code: str) -> str:
        return self.expertise.get(code, code.replace("_", " "))


def load_rules(path: Path | str | None = None) -> TeamRules:
    """Read team rules from TOML; a missing key keeps its default, an unknown value is refused."""
    path = Path(path) if path else DEFAULT_RULES_PATH
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    team = data.get("team", {})
    politics = data.get("political_balance", {})
    conflicts = data.get("conflicts", {})
    availability = data.get("availability", {})
    solver = data.get("solver", {})
    month, dom = (int(part) for part in str(availability.get("year_starts", "04-01")).split("-"))
    rules = TeamRules(
        default_size=int(team.get("default_size", 5)),
        min_size=int(team.get("min_size", 3)),
        max_size=int(team.get("max_size", 8)),
        lead_officer_roles=tuple(team.get("lead_officer_roles", ["chief_executive"])),
        max_member_peers=int(team.get("max_member_peers", 2)),
        lead_member_shares_ruling_party=bool(politics.get("lead_member_shares_ruling_party", True)),
        noc_min_member_parties=int(politics.get("noc_min_member_parties", 2)),
        conflict_own_council=bool(conflicts.get("own_council", True)),
        conflict_former_councils=bool(conflicts.get("former_councils", True)),
        conflict_same_county_area=bool(conflicts.get("same_county_area", True)),
        conflict_same_region=bool(conflicts.get("same_region", False)),
        accreditation_valid_throughout=bool(
            availability.get("accreditation_valid_throughout", True)
        ),
        max_deployments_per_year=int(availability.get("max_deployments_per_year", 3)),
        year_starts=(month, dom),
        no_overlapping_engagements=bool(availability.get("no_overlapping_engagements", True)),
        capacity_in_days=bool(availability.get("capacity_in_days", True)),
        hold_proposed_hours=int(availability.get("hold_proposed_hours", 48)),
        time_limit_seconds=float(solver.get("time_limit_seconds", 10.0)),
        workers=int(solver.get("workers", 2)),
        relative_gap_limit=float(solver.get("relative_gap_limit", 0.0)),
        expertise=dict(data.get("expertise", {})),
    )
    if not 2 <= rules.min_size <= rules.default_size <= rules.max_size:
        raise ValueError(f"{path}: need 2 <= min_size <= default_size <= max_size")
    if rules.max_member_peers < 1:
        raise ValueError(f"{path}: max_member_peers must be at least 1 (the lead member peer)")
    return rules
