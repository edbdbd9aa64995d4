"""The peer register's CSV (web download and `nlb export_peers`) writes formulas as text."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import Role
from apps.peers.models import Peer, PeerKind

pytestmark = pytest.mark.django_db
HOSTILE = ['=HYPERLINK("http://evil.example","x")', "\tTabbed", "\rCarriage", "+1", "@SUM(A1)"]


def test_register_csv_and_export_command_neutralise_formulas(make_user, tmp_path):
    for n, name in enumerate(HOSTILE):
        Peer.objects.create(peer_ref=f"P{n}", name=name, kind=PeerKind.OFFICER)
    client = Client()
    client.force_login(make_user(Role.PROGRAMME_MANAGER))
    web = client.get("/peers/register.csv").content.decode()
    out = tmp_path / "peers.csv"
    call_command("export_peers", "--out", str(out), stdout=io.StringIO())
    with open(out, newline="", encoding="utf-8") as handle:
        written = handle.read()
    for text in (web, written):
        rows = csv.DictReader(io.StringIO(text, newline=""))
        names = {row["name"] for row in rows}
        for name in HOSTILE:
            assert "'" + name in names, name
            assert name not in names
