from django.apps import AppConfig

from apps.core.navigation import NavItem


class IndicatorsConfig(AppConfig):
    name = "apps.indicators"
    label = "indicators"
    verbose_name = "Indicators"
    nav_items = [
        NavItem("Indicators", "indicators:catalogue", "signed_in", group="Early warning", order=4)
    ]
    council_links = [NavItem("Published indicators", "indicators:council", "signed_in")]

    def bootstrap(self, stdout) -> None:
        """Import the shipped real data (RS, borrowing, Ofsted, adult social care) and derive."""
        from django.core.management import call_command

        call_command("import_indicators", stdout=stdout)
