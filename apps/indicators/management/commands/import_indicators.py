from django.core.management import call_command
from django.core.management.base import BaseCommand

STEPS = (
    "import_revenue_outturn",
    "import_borrowing",
    "import_capital_financing",
    "import_ofsted",
    "import_adult_social_care",
    "compute_derived_indicators",
)


class Command(BaseCommand):
    help = "Import every shipped indicator source, then compute the derived indicators."

    def handle(self, *args, **options) -> None:
        for step in STEPS:
            call_command(step, stdout=self.stdout, verbosity=options.get("verbosity", 1))
