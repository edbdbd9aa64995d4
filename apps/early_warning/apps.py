from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "apps.early_warning"
    label = "early_warning"
    verbose_name = "Early warning"
