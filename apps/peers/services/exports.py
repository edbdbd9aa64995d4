"""Spreadsheet exports of the register (XLSX beside the CSV) and of one team (TEAMS.csv shape)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TextIO

from openpyxl import Workbook
from openpyxl.styles import Font

from apps.peers.models import Peer, TeamRequest
from apps.peers.teams.csvio import TEAM_COLUMNS, peer_row

from .register import EXPORT_COLUMNS


def register_xlsx(peers: Iterable[Peer]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Peers"
    sheet.append(EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for peer in peers:
        row = peer_row(peer.to_record())
        row["leadership_roles"] = peer.leadership_roles
        row["synthetic"] = "yes" if peer.synthetic else "no"
        sheet.append([row[c] for c in EXPORT_COLUMNS])
    sheet.freeze_panes = "A2"
    note = book.create_sheet("About")
    note.append(
        ["Peer register export. Rows with synthetic = yes are SYNTHETIC peers (not real people)."]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def team_csv(team: TeamRequest, handle: TextIO) -> None:
    writer = csv.writer(handle)
    writer.writerow(TEAM_COLUMNS)
    for m in team.members.select_related("peer").order_by("-lead", "peer__peer_ref"):
        writer.writerow([team.ref, m.peer.peer_ref, m.lead])
