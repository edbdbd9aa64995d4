from django.core.management.base import BaseCommand

from apps.core.bootstrap import warm_caches


class Command(BaseCommand):
    help = (
        "Compute what the daily pages need into the shared cache, so no visitor waits for it "
        "(after new data; `make serve`, bootstrap and the data refresh job run it)."
    )

    def handle(self, *args, **options):
        warm_caches(lambda line: self.stdout.write(line))
