from django.apps import AppConfig

from apps.core.navigation import NavItem


class EarlyWarningConfig(AppConfig):
    name = "apps.early_warning"
    label = "early_warning"
    verbose_name = "Early warning"
    nav_items = [NavItem("Early warning", "early_warning:watchlist", "signed_in")]
    council_links = [NavItem("Early-warning assessment", "early_warning:council", "signed_in")]

    def bootstrap(self, stdout) -> None:
        from apps.early_warning.services.demo import create_demo_notes

        created = create_demo_notes()
        stdout.write(f"   demo soft-intelligence notes: {created} created (labelled demo)\n")
