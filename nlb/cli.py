"""The `nlb` console script: Django's management commands with our settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nlb", *sys.argv[1:]])


if __name__ == "__main__":
    main()
