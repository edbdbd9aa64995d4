from django.apps import AppConfig

from apps.core.navigation import NavItem


class SupportConfig(AppConfig):
    name = "apps.support"
    label = "support"
    verbose_name = "Support"
    nav_items = [
        NavItem("Where to go for support", "support:offers", "public"),
        NavItem("Triage", "support:triage_index", "staff", group="Engagements", order=3),
    ]
    council_links = [NavItem("Triage: propose support", "support:triage", "staff")]

    def bootstrap(self, stdout) -> None:
        from django.core.management import call_command

        call_command("import_support_offers", stdout=stdout)
