from django.apps import AppConfig

from apps.core.navigation import NavItem


class ConsultationsConfig(AppConfig):
    name = "apps.consultations"
    label = "consultations"
    verbose_name = "Consultations"
    nav_items = [NavItem("Consultations", "consultations:index", "public")]

    def home_panel(self, request) -> dict | None:
        from apps.consultations.models import Consultation

        return {
            "template": "consultations/_home_panel.html",
            "consultations": Consultation.objects.public().open_now(),
        }

    def bootstrap(self, stdout) -> None:
        """Contacts from the councils register, then the demo consultations (idempotent)."""
        from apps.consultations.services.contacts import seed_contacts
        from apps.consultations.services.demo import create_demo

        added = seed_contacts()
        stdout.write(f"   {added} stakeholder contacts added (organisation role records)\n")
        create_demo(stdout)
