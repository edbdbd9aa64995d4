from django.core.management.base import BaseCommand

from apps.core.bootstrap import run_bootstrap


class Command(BaseCommand):
    help = "Load every shipped data set and the demo records (idempotent; `make run` calls it)."

    def handle(self, *args, **options):
        run_bootstrap(self.stdout)
