"""The peers API: same permissions as the pages; the build endpoint runs the real solver."""

from __future__ import annotations

import pytest

from apps.accounts.models import ApiToken, Role
from apps.peers.models import Peer

from .conftest import DOVER

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


def test_register_is_for_staff_only(client, make_user, register):
    pm = make_user()
    rows = client.get("/api/peers/?expertise=finance", **auth(pm)).json()
    assert {r["peer_id"] for r in rows} == {"FIN1", "FINX", "OLD"}
    board = make_user(role=Role.BOARD_MEMBER)
    assert client.get("/api/peers/", **auth(board)).status_code == 403
    assert client.get("/api/peers/").status_code == 401


def test_a_peer_reads_their_own_record_not_others(client, make_user, register):
    user = make_user(role=Role.PEER)
    Peer.objects.filter(peer_ref="M1").update(user=user)
    assert client.get("/api/peers/M1", **auth(user)).json()["peer_id"] == "M1"
    assert client.get("/api/peers/CE1", **auth(user)).status_code == 404


def test_build_endpoint_forms_a_team_and_names_blockers(client, make_user, register):
    pm = make_user()
    body = {
        "engagements": [
            {
                "engagement_id": "A",
                "council_gss": DOVER,
                "start_date": "2026-03-02",
                "team_size": 4,
                "needs": ["finance", "governance"],
            },
            {
                "engagement_id": "B",
                "council_gss": DOVER,
                "start_date": "2026-03-03",
                "team_size": 4,
                "needs": ["finance"],
            },
        ]
    }
    data = client.post(
        "/api/peers/teams/build", body, content_type="application/json", **auth(pm)
    ).json()
    staffed = {a["engagement_id"] for a in data["assignments"]}
    assert len(staffed) == 1  # one chief executive, two overlapping engagements
    assert [b["rule"] for b in data["blockers"]] == ["availability.overlap"]
    assert data["status"] == "OPTIMAL"
    assert [(s["stage"], s["status"]) for s in data["stages"]] == [
        ("teams", "OPTIMAL"),
        ("coverage", "OPTIMAL"),
        ("load", "OPTIMAL"),
    ]


def test_build_refuses_councils_outside_the_callers_region(client, make_user, register):
    ra = make_user(role=Role.REGIONAL_ASSOCIATE, region="London")
    body = {
        "engagements": [{"engagement_id": "A", "council_gss": DOVER, "start_date": "2026-03-02"}]
    }
    response = client.post(
        "/api/peers/teams/build", body, content_type="application/json", **auth(ra)
    )
    assert response.status_code == 403
