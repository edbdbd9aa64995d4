from django.apps import AppConfig

from apps.core.navigation import NavItem


class EngagementsConfig(AppConfig):
    name = "apps.engagements"
    label = "engagements"
    verbose_name = "Engagements"
    nav_items = [
        NavItem("Engagements", "engagements:list", "case_detail"),
        NavItem("Engagement figures", "engagements:dashboard", "signed_in"),
    ]

    def bootstrap(self, stdout) -> None:
        from apps.engagements.demo import ensure_demo_engagements

        ensure_demo_engagements(stdout)
