"""`make run` demo data: every state, the demo users tied in, idempotent."""

import datetime as dt

import pytest

from apps.accounts.demo import ensure_demo_users
from apps.engagements.demo import ensure_demo_engagements
from apps.engagements.models import Engagement, State

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_is_idempotent(offers):
    users = {u.username: u for u in ensure_demo_users()}
    assert ensure_demo_engagements() == 9
    assert ensure_demo_engagements() == 0
    demo = Engagement.objects.filter(is_demo=True)
    assert set(demo.values_list("state", flat=True)) == set(State.values)

    croydon_sees = Engagement.objects.visible_to(users["croydon"])
    assert [e.council.gss_code for e in croydon_sees] == ["E09000008"]
    assert croydon_sees.get().actions.count() >= 3
    assert Engagement.objects.filter(council__gss_code="E06000039").exists()
    # The demo peer's deployment to Croydon is made by the peers demo through a confirmed peer
    # team: see apps/peers/tests/test_web.py::test_the_demo_peer_record_and_croydon_agree.
    assert {e.council.region for e in Engagement.objects.visible_to(users["ra-london"])} == {
        "London"
    }
    assert not Engagement.objects.visible_to(users["board"]).exists()


def test_demo_histories_are_in_date_order(offers):
    ensure_demo_users()
    ensure_demo_engagements()
    for engagement in Engagement.objects.filter(is_demo=True):
        moves = list(engagement.transitions.order_by("pk"))
        assert [m.at for m in moves] == sorted(m.at for m in moves), engagement
        assert moves[0].at == engagement.created_at
        entries = list(engagement.audit.order_by("pk"))
        assert [e.at for e in entries] == sorted(e.at for e in entries), engagement
        opened = engagement.created_at.date()
        for move in moves[1:]:
            for key in ("conversation_date", "consent_date", "delivery_started", "review_date"):
                if key in move.data:
                    day = dt.date.fromisoformat(move.data[key])
                    assert opened <= day <= move.at.date(), (engagement, key)
        for key in ("consent_date", "delivery_started"):
            value = getattr(engagement, key)
            assert value is None or value >= opened
        assert all(a.created_at >= engagement.created_at for a in engagement.actions.all())
