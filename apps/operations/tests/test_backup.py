import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from apps.operations.backup import BackupError, create_backup, restore_backup, verify_backup
from tests.production.stack import postgres_database

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    files = {
        "consultations/papers/board paper.pdf": b"%PDF-1.4 synthetic test paper\n",
        "engagements/evidence/notes.txt": "Notes – with a non-ASCII dash\n".encode(),
    }
    for name, data in files.items():
        path = settings.MEDIA_ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


@contextmanager
def empty_database(tmp_path: Path):
    if connection.vendor == "postgresql":
        with postgres_database(os.environ["DATABASE_URL"], "restore") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


def count_rows(url: str, tables: list[str]) -> dict[str, int]:
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    import psycopg

    with psycopg.connect(url) as db:
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def nlb_restore(archive: Path, database_url: str, media: Path, *extra: str):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nlb.settings.test",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, "-m", "nlb.cli", "restore", str(archive), *extra],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_backup_then_restore_into_an_empty_database_round_trips(
    tmp_path, uploads, make_user, councils_loaded
):
    make_user(username="kept-in-the-backup")
    archive = create_backup(tmp_path / "backups")
    manifest = verify_backup(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["councils_council"] > 300
    assert manifest["tables"]["accounts_user"] == 1
    assert {f["path"] for f in manifest["media"]} == set(uploads)

    with empty_database(tmp_path) as url:
        restored_media = tmp_path / "restored-media"
        result = nlb_restore(archive, url, restored_media)
        assert result.returncode == 0, result.stderr
        assert "counts and checksums match the backup" in result.stdout
        assert count_rows(url, list(manifest["tables"])) == manifest["tables"]
        for name, data in uploads.items():
            assert (restored_media / name).read_bytes() == data

        again = nlb_restore(archive, url, tmp_path / "other-media")
        assert again.returncode != 0
        assert "is not empty: restore into an empty database, or pass --replace" in again.stderr


def test_a_damaged_archive_is_refused_before_anything_is_touched(tmp_path, uploads):
    archive = create_backup(tmp_path / "backups")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.endswith("notes.txt"):
                data = data.replace(b"Notes", b"Nodes")
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="notes.txt does not match its checksum"):
        restore_backup(damaged)
