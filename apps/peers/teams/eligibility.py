"""Per-peer rules (conflicts, accreditation, availability) and the diagnosis of empty pools.

The solver only ever sees a peer as a candidate for an engagement when every per-peer rule holds;
when a pool of candidates (lead officer peers, lead member peers, the team as a whole, parties under
no overall control) runs dry, `pool_blockers` names the rule that emptied it, in plain English.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from .domain import Blocker, CouncilAreas, EngagementRequest, PeerRecord
from .rules import TeamRules, party_name

CONFLICT_RULES = (
    "conflicts.own_council",
    "conflicts.former_councils",
    "conflicts.same_county_area",
    "conflicts.same_region",
)
AVAILABILITY_RULES = (
    "availability.overlap",
    "availability.capacity",
    "availability.deployments_per_year",
)

REASON_PHRASES = {
    "conflicts.own_council": "serve the council itself",
    "conflicts.former_councils": "used to serve it",
    "conflicts.same_county_area": "serve a council in the same county area",
    "conflicts.same_region": "are from the same region",
    "availability.accreditation": "accreditation not valid on those dates",
    "availability.overlap": "on another engagement those days",
    "availability.capacity": "not enough days left in the year",
    "availability.deployments_per_year": "already at the maximum deployments this year",
}


def prior_load(peer: PeerRecord, year: int, rules: TeamRules) -> tuple[int, int]:
    """Deployments and days already on the peer's record in deployment year `year`."""
    count = days = 0
    for past in peer.history:
        if rules.year_of(past.start_date) == year:
            count += 1
            days += past.days
    return count, days


def exclusions(
    peer: PeerRecord, eng: EngagementRequest, rules: TeamRules, areas: CouncilAreas
) -> list[str]:
    """The per-peer rules that keep `peer` off `eng` on its own (before other engagements)."""
    out: list[str] = []
    council = eng.council_gss
    if rules.on("conflicts.own_council") and peer.home_council == council:
        out.append("conflicts.own_council")
    if rules.on("conflicts.former_councils") and council in peer.former_councils:
        out.append("conflicts.former_councils")
    if rules.on("conflicts.same_county_area") and areas.known:
        served = {peer.home_council, *peer.former_councils} - {"", council}
        if any(areas.same_county_area(c, council) for c in served):
            out.append("conflicts.same_county_area")
    if rules.on("conflicts.same_region") and peer.region and peer.region == eng.region:
        out.append("conflicts.same_region")
    if rules.on("availability.accreditation") and (
        peer.accredited_until is None
        or peer.accredited_until < eng.end_date
        or (peer.accredited_from is not None and peer.accredited_from > eng.start_date)
    ):
        out.append("availability.accreditation")
    if rules.on("availability.overlap") and any(
        eng.overlaps(p.start_date, p.end_date) for p in peer.history
    ):
        out.append("availability.overlap")
    count, days = prior_load(peer, rules.year_of(eng.start_date), rules)
    if rules.on("availability.capacity") and days + eng.days > peer.max_days:
        out.append("availability.capacity")
    if rules.on("availability.deployments_per_year") and count >= rules.max_deployments_per_year:
        out.append("availability.deployments_per_year")
    return out


class PeerIndex:
    """Lookups so a batch finds each engagement's excluded peers without testing all rules on all.

    `exclusion_map` narrows to the peers that might be excluded (by council, county area, region,
    dates, days or record) and runs `exclusions` on those only, so there is one source of truth.
    """

    def __init__(self, peers: Sequence[PeerRecord], rules: TeamRules, areas: CouncilAreas):
        self.peers = list(peers)
        self.rules = rules
        self.areas = areas
        self.by_council: dict[str, list[PeerRecord]] = defaultdict(list)
        self.by_area: dict[str, list[PeerRecord]] = defaultdict(list)
        self.by_region: dict[str, list[PeerRecord]] = defaultdict(list)
        for p in self.peers:
            served = {p.home_council, *p.former_councils} - {""}
            for c in served:
                self.by_council[c].append(p)
            for a in {a for c in served for a in areas.areas(c)}:
                self.by_area[a].append(p)
            self.by_region[p.region].append(p)
        self.with_history = [p for p in self.peers if p.history]
        self._found: dict[EngagementRequest, dict[str, list[str]]] = {}

    def exclusion_map(self, eng: EngagementRequest) -> dict[str, list[str]]:
        """Peer ID -> the per-peer rules keeping them off `eng` (remembered per engagement)."""
        if eng not in self._found:
            self._found[eng] = self._exclusions(eng)
        return self._found[eng]

    def _exclusions(self, eng: EngagementRequest) -> dict[str, list[str]]:
        suspects: dict[str, PeerRecord] = {}
        for p in self.by_council.get(eng.council_gss, ()):
            suspects[p.peer_id] = p
        if self.areas.known:
            for a in self.areas.areas(eng.council_gss):
                for p in self.by_area.get(a, ()):
                    suspects[p.peer_id] = p
        if self.rules.on("conflicts.same_region"):
            for p in self.by_region.get(eng.region, ()):
                suspects[p.peer_id] = p
        for p in self.with_history:
            suspects[p.peer_id] = p
        start, end, days = eng.start_date, eng.end_date, eng.days
        for p in self.peers:
            if (
                p.accredited_until is None
                or p.accredited_until < end
                or (p.accredited_from is not None and p.accredited_from > start)
                or p.max_days < days
            ):
                suspects[p.peer_id] = p
        found = {}
        for peer_id, p in suspects.items():
            reasons = exclusions(p, eng, self.rules, self.areas)
            if reasons:
                found[peer_id] = reasons
        return found


def describe_exclusion(
    rule: str, peer: PeerRecord, eng: EngagementRequest, rules: TeamRules, areas: CouncilAreas
) -> str:
    """One per-peer rule broken, in specific words (dates, days, councils)."""
    council = eng.council_name or eng.council_gss
    year = rules.year_of(eng.start_date)
    count, days = prior_load(peer, year, rules)
    label = f"{year}-{(year + 1) % 100:02d}"
    if rule == "conflicts.own_council":
        return f"serves {council} itself"
    if rule == "conflicts.former_councils":
        return f"used to serve {council}"
    if rule == "conflicts.same_county_area":
        served = [
            c
            for c in {peer.home_council, *peer.former_councils} - {""}
            if areas.same_county_area(c, eng.council_gss)
        ]
        return f"serves or served {', '.join(sorted(served))}, in {council}'s county area"
    if rule == "conflicts.same_region":
        return f"is from {peer.region}, {council}'s own region"
    if rule == "availability.accreditation":
        if peer.accredited_until is None:
            return "has no accreditation on record"
        if peer.accredited_from and peer.accredited_from > eng.start_date:
            return f"is accredited only from {peer.accredited_from:%-d %B %Y}"
        return (
            f"accreditation ends {peer.accredited_until:%-d %B %Y}, before the engagement "
            f"ends on {eng.end_date:%-d %B %Y}"
        )
    if rule == "availability.overlap":
        clash = next(p for p in peer.history if eng.overlaps(p.start_date, p.end_date))
        what = clash.note or "already deployed"
        return f"is {what} from {clash.start_date:%-d %B %Y} for {clash.days} days"
    if rule == "availability.capacity":
        return (
            f"has {max(peer.max_days - days, 0)} of {peer.max_days} days left in {label}; "
            f"the engagement needs {eng.days}"
        )
    if rule == "availability.deployments_per_year":
        return (
            f"has already been deployed {count} times in {label}; "
            f"at most {rules.max_deployments_per_year}"
        )
    return REASON_PHRASES.get(rule, rule)


def can_lead_officer(peer: PeerRecord, rules: TeamRules) -> bool:
    if not rules.on("team.lead_officer"):
        return peer.kind == "officer"
    return peer.kind == "officer" and peer.role in rules.lead_officer_roles


def can_lead_member(peer: PeerRecord, eng: EngagementRequest, rules: TeamRules) -> bool:
    if peer.kind != "member":
        return False
    if (
        rules.on("political_balance.lead_member_party")
        and eng.ruling_party
        and eng.ruling_party != "NOC"
    ):
        return peer.party == eng.ruling_party
    return True


def date_span(eng: EngagementRequest) -> str:
    start, end = eng.start_date, eng.end_date
    if start == end:
        return f"{start:%-d %B %Y}"
    if start.year == end.year and start.month == end.month:
        return f"{start:%-d}–{end:%-d %B %Y}"
    return f"{start:%-d %B %Y} – {end:%-d %B %Y}"


def _counts(reasons: Iterable[list[str]], keys: Sequence[str]) -> Counter:
    tally: Counter = Counter()
    for found in reasons:
        for key in found:
            if key in keys:
                tally[key] += 1
    return tally


def _why(tally: Counter) -> str:
    return "; ".join(f"{n} {REASON_PHRASES[key]}" for key, n in tally.most_common())


class _Pool:
    """A pool of peers narrowed rule group by rule group, remembering what emptied it."""

    def __init__(self, eng, peers, reasons, noun):
        self.eng = eng
        self.peers = list(peers)
        self.reasons = reasons
        self.noun = noun
        self.qualifiers: list[str] = []

    def described(self) -> str:
        accredited = "accredited " if "accredited" in self.qualifiers else ""
        rest = [q for q in self.qualifiers if q != "accredited"]
        return f"{accredited}{self.noun}" + (f" {' and '.join(rest)}" if rest else "")

    def narrow(self, keys: Sequence[str]) -> tuple[list[PeerRecord], Counter]:
        wanted = set(keys)
        kept, dropped = [], []
        for p in self.peers:
            found = self.reasons.get(p.peer_id, ())
            if wanted.intersection(found):
                dropped.append(found)
            else:
                kept.append(p)
        return kept, _counts(dropped, keys)


def pool_blockers(
    eng: EngagementRequest,
    peers: Sequence[PeerRecord],
    rules: TeamRules,
    areas: CouncilAreas,
    reasons: dict[str, list[str]] | None = None,
) -> list[Blocker]:
    """Name each rule that leaves a pool too small to form any team for `eng` on its own."""
    if reasons is None:
        reasons = {p.peer_id: exclusions(p, eng, rules, areas) for p in peers}
    council = eng.council_name or eng.council_gss
    blockers: list[Blocker] = []

    def run(pool: _Pool, need: int, rule_if_base_empty: str, base_message: str) -> list:
        if len(pool.peers) < need:
            blockers.append(Blocker(eng.engagement_id, rule_if_base_empty, base_message))
            return []
        steps = [
            (CONFLICT_RULES, "without a conflict of interest with " + council, "conflict"),
            (("availability.accreditation",), "accredited", "accreditation"),
            (AVAILABILITY_RULES, f"free on {date_span(eng)}", "availability"),
        ]
        for keys, qualifier, kind in steps:
            kept, tally = pool.narrow(keys)
            if len(kept) < need and tally:
                rule = tally.most_common(1)[0][0]
                described = pool.described()
                if kind == "conflict":
                    text = (
                        f"every {described} has a conflict of interest with {council} "
                        f"({_why(tally)})"
                        if need == 1
                        else f"only {len(kept)} {described}s have no conflict of interest with "
                        f"{council}; {need} are needed ({_why(tally)})"
                    )
                elif kind == "accreditation":
                    text = (
                        f"no {described} has accreditation valid on {date_span(eng)} "
                        f"({tally[rule]} expired or not yet valid)"
                        if need == 1
                        else f"only {len(kept)} {described}s have accreditation valid on "
                        f"{date_span(eng)}; {need} are needed"
                    )
                else:
                    text = (
                        f"no {described} is free on {date_span(eng)} ({_why(tally)})"
                        if need == 1
                        else f"only {len(kept)} {described}s are free on {date_span(eng)}; "
                        f"{need} are needed ({_why(tally)})"
                    )
                blockers.append(Blocker(eng.engagement_id, rule, text[0].upper() + text[1:]))
                return []
            pool.peers = kept
            pool.qualifiers.append(qualifier)
        return pool.peers

    # Lead officer peer.
    roles = " or ".join(r.replace("_", " ") for r in rules.lead_officer_roles)
    leads = [p for p in peers if can_lead_officer(p, rules)]
    run(
        _Pool(eng, leads, reasons, f"{roles} officer peer"),
        1,
        "team.lead_officer",
        f"No officer peer with the role {roles} is on the register to lead the team.",
    )

    # Lead member peer, from the ruling party where one party controls the council.
    members = [p for p in peers if p.kind == "member"]
    party_rule = (
        rules.on("political_balance.lead_member_party")
        and eng.ruling_party
        and eng.ruling_party != "NOC"
    )
    if not members:
        blockers.append(
            Blocker(eng.engagement_id, "team.lead_member", "No member peer is on the register.")
        )
    elif party_rule:
        name = party_name(eng.ruling_party)
        run(
            _Pool(
                eng,
                [p for p in members if p.party == eng.ruling_party],
                reasons,
                f"{name} member peer",
            ),
            1,
            "political_balance.lead_member_party",
            f"No {name} member peer is on the register, and the lead member peer must share "
            f"the party of {council}'s ruling group ({name}).",
        )
    else:
        run(
            _Pool(eng, members, reasons, "member peer"),
            1,
            "team.lead_member",
            "No member peer is on the register.",
        )

    # The team as a whole.
    free = [p for p in peers if not reasons.get(p.peer_id)]
    officers = sum(1 for p in free if p.kind == "officer")
    free_members = [p for p in free if p.kind == "member"]
    seats = officers + min(len(free_members), rules.max_member_peers)
    if not blockers and seats < eng.team_size:
        pool = _Pool(eng, list(peers), reasons, "peer")
        run(pool, eng.team_size, "team.size", "")
        if not blockers:
            blockers.append(
                Blocker(
                    eng.engagement_id,
                    "team.size",
                    f"Only {seats} peers can sit on a team for {council} (at most "
                    f"{rules.max_member_peers} member peers); the team needs {eng.team_size}.",
                )
            )

    # Cross-party rule under no overall control.
    if eng.ruling_party == "NOC" and rules.on("political_balance.noc_cross_party"):
        need = rules.noc_min_member_parties
        parties = sorted({p.party for p in free_members if p.party})
        if rules.max_member_peers < need:
            blockers.append(
                Blocker(
                    eng.engagement_id,
                    "political_balance.noc_cross_party",
                    f"The rules allow at most {rules.max_member_peers} member peers but ask for "
                    f"{need} parties under no overall control; fix team_rules.toml.",
                )
            )
        elif len(parties) < need:
            have = ", ".join(party_name(p) for p in parties) or "none"
            blockers.append(
                Blocker(
                    eng.engagement_id,
                    "political_balance.noc_cross_party",
                    f"{council} is under no overall control, so member peers must come from at "
                    f"least {need} parties, but accredited member peers free on "
                    f"{date_span(eng)} without a conflict come from {len(parties)} ({have}).",
                )
            )
    return blockers
