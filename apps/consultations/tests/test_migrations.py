"""Migration 0004 hashes the private links of responses already stored: the stored value becomes the
token's SHA-256, and a link sent before the migration still opens its response."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from apps.core.tokens import hash_token

BEFORE = ("consultations", "0003_campaigns_and_embeddings")
HASHING = ("consultations", "0004_private_link_token_hashed")


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # the applied set changed: read it again
    return executor


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_0004_hashes_stored_tokens_and_links_already_sent_still_open(client):
    leaves = _leaves()
    plain = "link-token-sent-by-email-before-the-migration"
    try:
        executor = _migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        today = timezone.localdate()
        consultation = old.get_model("consultations", "Consultation").objects.create(
            slug="before-hashing",
            title="Consultation answered before links were hashed",
            opens_on=today - dt.timedelta(days=5),
            closes_on=today + dt.timedelta(days=5),
        )
        Response = old.get_model("consultations", "Response")
        row = Response.objects.create(
            consultation=consultation, token=plain, submitted_at=timezone.now(), email=""
        )
        other = Response.objects.create(consultation=consultation)  # its token: the default
        other_plain = Response.objects.get(pk=other.pk).token
        assert Response.objects.get(pk=row.pk).token == plain  # stored in plain text before

        _migrate(leaves)
        from apps.consultations.models import Response as Current

        stored = Current.objects.get(pk=row.pk)
        assert stored.token_hash == hash_token(plain) != plain and len(stored.token_hash) == 64
        assert Current.objects.get(pk=other.pk).token_hash == hash_token(other_plain)
        assert "token" not in {f.name for f in Current._meta.concrete_fields}
        assert Current.objects.with_token(plain).get() == stored
        page = client.get(reverse("consultations:confirmation", args=[plain]))
        assert page.status_code == 200 and stored.reference in page.content.decode()
        resumed = client.get(reverse("consultations:resume", args=[plain]))
        assert resumed["Location"] == reverse("consultations:confirmation", args=[plain])
        missing = client.get(reverse("consultations:confirmation", args=[hash_token(plain)]))
        assert missing.status_code == 404  # the stored hash is not itself a link
    finally:
        _migrate(leaves)  # the schema every later test expects, whatever happened above
    assert set(MigrationExecutor(connection).loader.applied_migrations) >= set(leaves)
    assert HASHING in MigrationExecutor(connection).loader.applied_migrations
