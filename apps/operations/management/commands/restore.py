from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.operations.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and MEDIA_ROOT, then verify it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database and uploads that are not empty (drops what is there)",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only verify the archive's checksums"
        )

    def handle(self, *args, archive: Path, replace: bool, check: bool, **options) -> None:
        try:
            if check:
                manifest = verify_backup(archive)
                self.stdout.write(f"{archive}: checksums verified ({manifest['created']})")
                return
            result = restore_backup(archive, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {archive}: {result['tables']} tables, {result['rows']} rows, "
            f"{result['files']} uploaded files; counts and checksums match the backup"
        )
