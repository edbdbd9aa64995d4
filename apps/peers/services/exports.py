"""Spreadsheet exports of the register (XLSX beside the CSV) and of one team (TEAMS.csv shape)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from apps.core.exports import to_xlsx
from apps.peers.models import Peer, TeamRequest
from apps.peers.teams.csvio import TEAM_COLUMNS, peer_row

from .register import EXPORT_COLUMNS


def register_xlsx(peers: Iterable[Peer]) -> bytes:
    def rows():
        for peer in peers:
            row = peer_row(peer.to_record())
            row["leadership_roles"] = peer.leadership_roles
            row["synthetic"] = "yes" if peer.synthetic else "no"
            yield row

    return to_xlsx(
        [("Peers", rows(), [(c, c) for c in EXPORT_COLUMNS])],
        notes=[
            "Peer register export. Rows with synthetic = yes are SYNTHETIC peers (not real people)."
        ],
    )


def team_csv(team: TeamRequest, handle: TextIO) -> None:
    writer = csv.writer(handle)
    writer.writerow(TEAM_COLUMNS)
    for m in team.members.select_related("peer").order_by("-lead", "peer__peer_ref"):
        writer.writerow([team.ref, m.peer.peer_ref, m.lead])
