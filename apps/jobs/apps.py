from django.apps import AppConfig

from apps.core.navigation import NavItem


class JobsConfig(AppConfig):
    name = "apps.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    nav_items = [NavItem("Jobs", "jobs:list", "staff", group="Reports", order=200)]
