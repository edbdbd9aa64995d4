from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.operations.backup import BackupError, create_backup, verify_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one archive with a checksummed manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--to",
            type=Path,
            default=Path(settings.VAR_DIR) / "backups",
            help="Folder for the archive (default: var/backups)",
        )

    def handle(self, *args, **options) -> None:
        try:
            archive = create_backup(options["to"])
            manifest = verify_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{archive}: {manifest['engine']} database, {len(manifest['tables'])} tables, "
            f"{rows} rows; {len(manifest['media'])} uploaded files; checksums verified"
        )
