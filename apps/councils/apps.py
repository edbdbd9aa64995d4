from django.apps import AppConfig

from apps.core.navigation import NavItem


class CouncilsConfig(AppConfig):
    name = "apps.councils"
    label = "councils"
    verbose_name = "Councils"
    nav_items = [NavItem("Councils", "councils:list", "signed_in", group="Early warning", order=3)]

    def bootstrap(self, stdout) -> None:
        from django.core.management import call_command

        for command in ("import_councils", "import_nearest_neighbours", "import_political_control"):
            call_command(command, stdout=stdout)
