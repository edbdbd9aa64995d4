"""`nlb backup` and `nlb restore`: the database and the uploaded files in one archive, with a
manifest of checksums and row counts that restore verifies before and after.

The database is dumped with the engine's own tool, not Django's dumpdata: pg_dump's custom format
for PostgreSQL (one consistent snapshot, the schema exactly as migrated, compressed, fast on
millions of indicator values) and SQLite's online backup API for SQLite (a consistent copy while
the service runs). A dump restores only into the same engine; restore says so if asked otherwise.
Row counts are taken inside the dump's own snapshot, so they describe exactly what was dumped.

Archive (an uncompressed tar; the dump is compressed already, uploads mostly are):
    manifest.json        format, time, engine, tables and row counts, migrations, files' sha256
    database.pgdump      or database.sqlite3
    media/...            every file under MEDIA_ROOT
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    return vendor


def _pg_tool(name: str) -> str:
    folder = os.environ.get("PG_BIN")
    tool = str(Path(folder) / name) if folder else shutil.which(name)
    if not tool or not Path(tool).exists():
        raise BackupError(f"{name} not found: install PostgreSQL's client tools or set PG_BIN")
    return tool


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def _tables(cursor) -> list[str]:
    return sorted(connection.introspection.table_names(cursor))


def _count_rows(cursor, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot of our own transaction, whose row counts go in the manifest."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(cursor, _tables(cursor))
            args, env = _pg_args()
            _run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", "--file", str(target), *args],
                env,
            )  # fmt: skip
        finally:
            cursor.execute("COMMIT")
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        tables = [
            row[0]
            for row in destination.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            t: destination.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in sorted(tables)
        }
    finally:
        destination.close()


def create_backup(folder: Path) -> Path:
    """Write backup-<UTC time>.tar into `folder` and return its path."""
    engine = _engine()
    folder.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    archive = folder / f"backup-{created:%Y%m%dT%H%M%SZ}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        dump = Path(work) / ("database.pgdump" if engine == "postgresql" else "database.sqlite3")
        counts = _dump_postgresql(dump) if engine == "postgresql" else _dump_sqlite(dump)
        files = [
            {
                "path": path.relative_to(media_root).as_posix(),
                "bytes": path.stat().st_size,
                "sha256": sha256(path),
            }
            for path in media_files(media_root)
        ]
        manifest = {
            "format": FORMAT,
            "service": "Nowhere Left Behind",
            "created": created.isoformat(),
            "engine": engine,
            "database": {"file": dump.name, "bytes": dump.stat().st_size, "sha256": sha256(dump)},
            "tables": counts,
            "migrations": _migrations(),
            "media": files,
        }
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(created.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for entry in files:
                tar.add(media_root / entry["path"], arcname=f"media/{entry['path']}")
        partial.rename(archive)  # a half-written archive never looks like a backup
    return archive


@contextmanager
def _unpacked(archive: Path) -> Iterator[tuple[dict, Path]]:
    """The archive's manifest and its files, every checksum verified, in a temporary folder."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such backup file")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        try:
            manifest = json.load(tar.extractfile("manifest.json"))
        except KeyError as exc:
            raise BackupError(f"{archive}: not a backup (no manifest.json)") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive}: backup format {manifest.get('format')} unknown")
        tar.extractall(work, filter="data")
        root = Path(work)
        expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
        expected |= {f"media/{f['path']}": f["sha256"] for f in manifest["media"]}
        for name, digest in expected.items():
            path = root / name
            if not path.is_file():
                raise BackupError(f"{archive}: {name} is listed in the manifest but missing")
            if sha256(path) != digest:
                raise BackupError(f"{archive}: {name} does not match its checksum (damaged)")
        yield manifest, root


def verify_backup(archive: Path) -> dict:
    """Check every checksum without restoring; returns the manifest."""
    with _unpacked(archive) as (manifest, _):
        return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not _tables(cursor)


def restore_backup(archive: Path, *, replace: bool = False) -> dict:
    """Restore into this database and MEDIA_ROOT; both must be empty unless `replace`.
    Returns {"tables": n, "rows": n, "files": n} once the restored counts match the manifest."""
    engine = _engine()
    media_root = Path(settings.MEDIA_ROOT)
    with _unpacked(archive) as (manifest, root):
        if manifest["engine"] != engine:
            raise BackupError(
                f"{archive} holds a {manifest['engine']} database; this service uses {engine}. "
                "Restore into the same engine (or move data with dumpdata/loaddata)."
            )
        if not replace and not _database_is_empty():
            raise BackupError(
                f"the database {connection.settings_dict['NAME']} is not empty: restore into an "
                "empty database, or pass --replace to overwrite it"
            )
        if not replace and any(media_files(media_root)):
            raise BackupError(f"{media_root} holds files: empty it, or pass --replace")
        dump = root / manifest["database"]["file"]
        if engine == "postgresql":
            args, env = _pg_args()
            clean = ["--clean", "--if-exists"] if replace else []
            connection.close()
            _run(
                [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                 *clean, *args, str(dump)],
                env,
            )  # fmt: skip
        else:
            connection.ensure_connection()
            source = sqlite3.connect(dump)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        if replace and media_root.exists():
            shutil.rmtree(media_root)
        for entry in manifest["media"]:
            target = media_root / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / "media" / entry["path"], target)
    return _check_restored(manifest, media_root)


def _check_restored(manifest: dict, media_root: Path) -> dict:
    connections.close_all()
    with connection.cursor() as cursor:
        counts = _count_rows(cursor, list(manifest["tables"]))
    wrong = {t: (n, counts[t]) for t, n in manifest["tables"].items() if counts[t] != n}
    if wrong:
        raise BackupError(
            f"restored row counts differ from the backup's (table: backup, now): {wrong}"
        )
    for entry in manifest["media"]:
        if sha256(media_root / entry["path"]) != entry["sha256"]:
            raise BackupError(f"restored file {entry['path']} does not match its checksum")
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": len(manifest["media"]),
    }
