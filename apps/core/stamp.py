"""The published-data stamp: one number per table that changes whenever anything writes it.

Database triggers (installed after every `migrate`, by `install_triggers`) replace a table's row
in `core_datastamp` with a new random number when a statement inserts, updates, deletes (or, on
PostgreSQL, truncates) rows of it (on PostgreSQL once per transaction until the stamp is read
again, so a bulk import does not rewrite one row per inserted row): importers, recomputes, the
admin, a restore, raw SQL.
The change is part of the writing transaction, so a reader sees the new stamp exactly when it
sees the new rows. Reading the stamps is one indexed query, where counting a table of 180,000
observations took 20 ms on PostgreSQL on every call.

Random rather than counted, so a stamp is never reused: a rolled-back transaction (tests) or a
restored backup cannot bring back a number that once meant other data. Results computed only
from published data are cached under the stamps of the tables they read (apps.core.memo).
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections

# The tables whose stamps the cached results depend on, as app_label.Model.
TRACKED = (
    "indicators.Observation",
    "indicators.Indicator",
    "councils.Council",
    "councils.NearestNeighbour",
    "early_warning.SoftIntelligence",
)
TRIGGER = "nlb_data_stamp"
# a transaction-local setting per table: "this transaction has stamped it since it was last read"
FLAG_PREFIX = "nlb.stamped_"


def table_of(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def data_stamp(*labels: str, using: str = "default") -> tuple:
    """The stamps of these tables (app_label.Model), in order (None only before `migrate` has
    installed the triggers).

    On PostgreSQL a table's stamp changes once per writing transaction, not on every statement
    (see the trigger); reading it here re-arms the trigger, so a write after this read, in the
    same transaction, changes the stamp again and nothing computed from what was read here is
    mistaken for the new data."""
    from apps.core.models import DataStamp

    tables = [table_of(label) for label in labels]
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "table", version, set_config({FLAG_PREFIX!r} || "table", \'\', true) '
                f'FROM {DataStamp._meta.db_table} WHERE "table" = ANY(%s)',
                [tables],
            )
            found = {table: version for table, version, _ in cursor.fetchall()}
    else:
        found = dict(
            DataStamp.objects.using(using).filter(table__in=tables).values_list("table", "version")
        )
    return tuple(found.get(table) for table in tables)


def _postgresql(table: str) -> list[str]:
    quoted = f'"{table}"'
    return [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}",
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_bump()",
    ]


_POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- once per table per transaction until the stamp is next read (data_stamp re-arms it): an
    -- importer's executemany runs one statement per row, and updating one stamp row 100,000
    -- times in a transaction grows slower with every update (minutes, then hours)
    IF current_setting('{FLAG_PREFIX}' || TG_TABLE_NAME, true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('{FLAG_PREFIX}' || TG_TABLE_NAME, txid_current()::text, true);
    INSERT INTO core_datastamp ("table", version)
    VALUES (TG_TABLE_NAME, floor((random() - 0.5) * 9.2e18)::bigint)
    ON CONFLICT ("table") DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END $$
"""


def _sqlite(table: str) -> list[str]:
    # SQLite triggers run per row; random() is a 64-bit integer.
    return [
        f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_{event.lower()}_{table} "
        f'AFTER {event} ON "{table}" '
        f"BEGIN INSERT INTO core_datastamp (\"table\", version) VALUES ('{table}', random()) "
        f'ON CONFLICT ("table") DO UPDATE SET version = excluded.version; END'
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def install_triggers(using: str = "default") -> list[str]:
    """Create (or re-create) the triggers on every tracked table that exists; idempotent. Runs
    after every migrate: SQLite drops a table's triggers when a migration rebuilds the table."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "core_datastamp" not in existing:
        return []
    tables = [t for t in map(table_of, TRACKED) if t in existing]
    vendor = connection.vendor
    if vendor == "postgresql":
        statements = [_POSTGRESQL_FUNCTION] + [s for t in tables for s in _postgresql(t)]
    elif vendor == "sqlite":
        statements = [s for t in tables for s in _sqlite(t)]
    else:  # pragma: no cover - the project runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"data stamps need triggers for {vendor}")
    # A stamp for every table from the start (data loaded before the triggers existed included),
    # so no two databases share "no stamp yet".
    random = "floor((random() - 0.5) * 9.2e18)::bigint" if vendor == "postgresql" else "random()"
    statements += [
        f"INSERT INTO core_datastamp (\"table\", version) VALUES ('{t}', {random}) "
        f'ON CONFLICT ("table") DO NOTHING'
        for t in tables
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return tables
