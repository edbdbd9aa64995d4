import time

from django.core.management.base import BaseCommand

from apps.indicators.services.derive import recompute_and_store


class Command(BaseCommand):
    help = "Recompute every derived indicator (catalogue.toml rules) from the stored inputs."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        counts = recompute_and_store()
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(f"Derived: {summary} in {time.perf_counter() - started:.1f}s")
