from django.apps import AppConfig

from apps.core.navigation import NavItem


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = "Reports"
    nav_items = [NavItem("Reports", "reports:index", "public")]

    def bootstrap(self, stdout) -> None:
        from apps.reports.demo import ensure_demo_papers

        ensure_demo_papers(stdout)
