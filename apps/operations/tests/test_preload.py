"""gunicorn's master preloads views and templates before forking, without touching the database."""

from __future__ import annotations

from django.db import connections

from nlb.preload import preload


def test_preload_opens_no_database_connection():
    # No django_db mark: pytest-django refuses any database access here, so a query would fail.
    before = {alias: connections[alias].connection for alias in connections}
    assert preload() >= 0
    assert {alias: connections[alias].connection for alias in connections} == before
