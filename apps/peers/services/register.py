"""The peer register in the database: import and export in the PEERS.csv shape, solver records,
and the synthetic demonstration register."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from apps.core.exports import csv_row
from apps.core.importers import BaseImporter, read_csv_rows
from apps.peers.models import (
    Deployment,
    ExpertiseArea,
    Peer,
    TeamMember,
    TeamRequest,
    TrainingRecord,
)
from apps.peers.teams.csvio import (
    PEER_COLUMNS,
    PEER_EXTRA_COLUMNS,
    SchemaErrors,
    peer_row,
    read_peers,
)
from apps.peers.teams.domain import PeerRecord, PriorDeployment
from apps.peers.teams.rules import TeamRules, load_rules

from .council_facts import from_register
from .synthetic import generate_peers

EXPORT_COLUMNS = PEER_COLUMNS + PEER_EXTRA_COLUMNS + ["leadership_roles", "synthetic"]


def ensure_expertise_areas(rules: TeamRules | None = None) -> dict[str, ExpertiseArea]:
    """The expertise vocabulary of team_rules.toml, as rows (idempotent)."""
    rules = rules or load_rules()
    for code, label in rules.expertise.items():
        ExpertiseArea.objects.update_or_create(code=code, defaults={"label": label})
    return {a.code: a for a in ExpertiseArea.objects.all()}


def _areas_for(codes: Iterable[str], known: dict[str, ExpertiseArea]) -> list[ExpertiseArea]:
    out = []
    for code in codes:
        if code not in known:
            known[code] = ExpertiseArea.objects.create(
                code=code, label=code.replace("_", " ").capitalize()
            )
        out.append(known[code])
    return out


class PeerRegisterImporter(BaseImporter):
    """PEERS.csv (plus optional name, accredited_from, history) into the register.

    Peers are matched on peer_id, so importing the same file twice changes nothing. Council
    codes must be in the councils register; a history entry adds a deployment once."""

    source_name = "peer register CSV"

    def parse(self) -> tuple[list[PeerRecord], dict]:
        try:
            peers = read_peers(self.path)
        except SchemaErrors as errors:
            first = errors.problems[0]
            more = len(errors.problems) - 1
            if more:
                first.message += f" (and {more} more problem{'s' if more > 1 else ''})"
            raise first from errors
        from apps.councils.models import Council

        known = set(Council.objects.values_list("gss_code", flat=True))
        for number, peer in enumerate(peers, start=2):
            if peer.home_council and peer.home_council not in known:
                raise self.problem(
                    f"{peer.home_council!r} is not in the councils register",
                    row=number,
                    column="home_council_gss",
                )
            for code in peer.former_councils - known:
                raise self.problem(
                    f"{code!r} is not in the councils register",
                    row=number,
                    column="former_council_gss",
                )
        extras: dict[str, dict] = {}
        for _, raw in read_csv_rows(self.path, ["peer_id"]):
            extra = extras.setdefault(raw["peer_id"], {})
            if "leadership_roles" in raw:
                extra["leadership"] = [r.strip() for r in raw["leadership_roles"].split(";") if r]
            if "synthetic" in raw:
                extra["synthetic"] = raw["synthetic"].lower() in {"yes", "true", "1"}
        return peers, extras

    def write(self, parsed: tuple[list[PeerRecord], dict]) -> dict[str, int]:
        peers, extras = parsed
        return save_records(peers, extras=extras)


def save_records(
    peers: Iterable[PeerRecord], *, synthetic: bool = False, extras: dict | None = None
) -> dict[str, int]:
    """Create or update register rows for these records (one query batch per table)."""
    from apps.councils.models import Council

    peers = list(peers)
    councils = dict(Council.objects.values_list("gss_code", "pk"))
    areas = ensure_expertise_areas()
    existing = {p.peer_ref: p for p in Peer.objects.all()}
    created = updated = 0
    extras = extras or {}
    with transaction.atomic():
        new, changed = [], []
        for rec in peers:
            fields = {
                "name": rec.name or rec.peer_id,
                "kind": rec.kind,
                "officer_role": rec.role if rec.kind == "officer" else "",
                "party": rec.party,
                "home_council_id": councils.get(rec.home_council),
                "region": rec.region,
                "max_days": rec.max_days,
                "accredited_on": rec.accredited_from,
                "accredited_until": rec.accredited_until,
            }
            extra = extras.get(rec.peer_id, {})
            fields["synthetic"] = extra.get("synthetic", synthetic)
            peer = existing.get(rec.peer_id)
            if "leadership" in extra or peer is None:
                fields["leadership_roles"] = "; ".join(extra.get("leadership", []))
            if peer is None:
                new.append(Peer(peer_ref=rec.peer_id, **fields))
            else:
                for key, value in fields.items():
                    setattr(peer, key, value)
                changed.append(peer)
        Peer.objects.bulk_create(new, batch_size=500)
        if changed:
            names = [f for f in fields if f != "leadership_roles"] + ["leadership_roles"]
            Peer.objects.bulk_update(changed, names, batch_size=500)
        created, updated = len(new), len(changed)
        by_ref = {p.peer_ref: p for p in Peer.objects.all()}
        records = peers
        ids = [by_ref[r.peer_id].pk for r in records]
        Peer.expertise.through.objects.filter(peer_id__in=ids).delete()
        Peer.former_councils.through.objects.filter(peer_id__in=ids).delete()
        Peer.expertise.through.objects.bulk_create(
            [
                Peer.expertise.through(peer_id=by_ref[r.peer_id].pk, expertisearea_id=a.pk)
                for r in records
                for a in _areas_for(sorted(r.expertise), areas)
            ],
            batch_size=1000,
        )
        Peer.former_councils.through.objects.bulk_create(
            [
                Peer.former_councils.through(peer_id=by_ref[r.peer_id].pk, council_id=councils[c])
                for r in records
                for c in sorted(r.former_councils)
                if c in councils
            ],
            batch_size=1000,
        )
        have = set(
            Deployment.objects.filter(peer_id__in=ids).values_list("peer_id", "start_date", "days")
        )
        Deployment.objects.bulk_create(
            [
                Deployment(
                    peer_id=by_ref[r.peer_id].pk,
                    start_date=h.start_date,
                    days=h.days,
                    description="Imported history",
                )
                for r in records
                for h in r.history
                if (by_ref[r.peer_id].pk, h.start_date, h.days) not in have
            ]
        )
        training = [
            TrainingRecord(peer_id=by_ref[ref].pk, course=course, completed_on=day)
            for ref, extra in extras.items()
            for course, day in extra.get("training", [])
            if ref in by_ref
        ]
        if training:
            TrainingRecord.objects.filter(peer_id__in=ids).delete()
            TrainingRecord.objects.bulk_create(training, batch_size=1000)
    return {"peers created": created, "peers updated": updated}


def export_csv(peers: Iterable[Peer], handle: TextIO) -> int:
    """The register as PEERS.csv plus extra columns (name, history, leadership, synthetic)."""
    writer = csv.DictWriter(handle, EXPORT_COLUMNS)
    writer.writeheader()
    n = 0
    for peer in peers:
        row = peer_row(peer.to_record())
        row["leadership_roles"] = peer.leadership_roles
        row["synthetic"] = "yes" if peer.synthetic else "no"
        writer.writerow(csv_row(row))
        n += 1
    return n


def solver_records(*, exclude_team=None) -> list[PeerRecord]:
    """Every active peer in the register as the solver sees them: their recorded deployments and
    the places proposed teams hold for them (as if deployed), except for `exclude_team` (a pk or
    a set of pks: the teams being built or checked)."""
    excluded = exclude_team if isinstance(exclude_team, (set, frozenset)) else {exclude_team}
    holds: dict[int, list[PriorDeployment]] = defaultdict(list)
    holding = TeamRequest.objects.holding().exclude(pk__in=[pk for pk in excluded if pk])
    for m in TeamMember.objects.filter(team__in=holding).select_related("team"):
        team = m.team
        holds[m.peer_id].append(
            PriorDeployment(
                team.start_date,
                team.days,
                note=f"held for proposed {team.label} (until "
                f"{timezone.localtime(team.held_until):%-d %B %H:%M})",
            )
        )
    return [
        p.to_record(exclude_team=excluded, holds=tuple(holds.get(p.pk, ())))
        for p in Peer.objects.for_solver()
    ]


def create_synthetic_register(
    count: int, *, seed: int = 0, as_of: dt.date | None = None
) -> dict[str, int]:
    """Add a SYNTHETIC register on the real councils register (idempotent for a given seed)."""
    facts = [f for f in from_register() if f.region]
    synthetic = generate_peers(count, facts, seed=seed, as_of=as_of)
    have = set(Peer.objects.values_list("peer_ref", flat=True))
    fresh = [s for s in synthetic if s.record.peer_id not in have]
    extras = {
        s.record.peer_id: {"leadership": s.leadership_roles, "training": s.training} for s in fresh
    }
    counts = save_records([s.record for s in fresh], synthetic=True, extras=extras)
    counts["already present"] = len(synthetic) - len(fresh)
    return counts
