from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, using: str = "default", **kwargs) -> None:
    """After every migrate (make run, make serve, deployments, test databases): the triggers
    that keep the data stamps (apps.core.stamp) and the shared memo cache's table, so nothing
    needs doing by hand."""
    from django.core.management import call_command

    from apps.core.stamp import install_triggers

    install_triggers(using)
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="core-after-migrate")
