"""`make run` demo data: every state, the demo users tied in, idempotent."""

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
    assert all("demo" in e.title.lower() for e in demo)

    croydon_sees = Engagement.objects.visible_to(users["croydon"])
    assert [e.council.gss_code for e in croydon_sees] == ["E09000008"]
    assert croydon_sees.get().actions.count() >= 3
    assert Engagement.objects.filter(council__gss_code="E06000039").exists()
    assert list(Engagement.objects.visible_to(users["peer"])) == list(croydon_sees)
    assert {e.council.region for e in Engagement.objects.visible_to(users["ra-london"])} == {
        "London"
    }
    assert not Engagement.objects.visible_to(users["board"]).exists()
