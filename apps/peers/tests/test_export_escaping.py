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


def test_a_team_or_peer_you_may_not_see_is_404_like_a_missing_one(make_user):
    import datetime as dt

    from apps.councils.models import Council
    from apps.peers.models import TeamRequest

    slough = Council.objects.get(gss_code="E06000039")
    team = TeamRequest.objects.create(
        council=slough, start_date=dt.date(2027, 5, 1), ruling_party="LAB"
    )
    peer = Peer.objects.create(peer_ref="PX", name="Someone", kind=PeerKind.OFFICER)
    client = Client()
    client.force_login(make_user(Role.REGIONAL_ASSOCIATE, region="London"))
    assert client.get(f"/peers/teams/{team.pk}/").status_code == 404
    assert client.get("/peers/teams/999999/").status_code == 404
    client.force_login(make_user(Role.PEER))
    assert client.get(f"/peers/{peer.peer_ref}/").status_code == 404
    assert client.get("/peers/NOPE/").status_code == 404
