from django.apps import AppConfig

from apps.core.navigation import NavItem


class EngagementsConfig(AppConfig):
    name = "apps.engagements"
    label = "engagements"
    verbose_name = "Engagements"
    nav_items = [
        NavItem("Engagements", "engagements:list", "case_detail", group="Engagements", order=1),
        NavItem(
            "Engagement figures", "engagements:dashboard", "signed_in", group="Engagements", order=2
        ),
    ]

    def home_panel(self, request) -> dict | None:
        """Counts over the cases this user may see; nothing for aggregate-only roles."""
        from apps.accounts import permissions
        from apps.engagements.models import Engagement

        if not permissions.can_see_case_detail(request.user):
            return None
        mine = Engagement.objects.visible_to(request.user)
        return {
            "template": "engagements/_home_panel.html",
            "open": mine.open().count(),
            "overdue": mine.overdue().count(),
            "review_due": mine.review_due().count(),
        }

    def bootstrap(self, stdout) -> None:
        from apps.engagements.demo import ensure_demo_engagements

        ensure_demo_engagements(stdout)
