"""URL map: each domain app owns its prefix; the API lives under /api/."""

from django.contrib import admin
from django.urls import include, path

from apps.api.api import api
from apps.core.views import about_data, glossary, home
from apps.operations.views import health

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("glossary/", glossary, name="glossary"),
    path("about-the-data/", about_data, name="about_data"),
    path("accounts/", include("apps.accounts.urls")),
    path("councils/", include("apps.councils.urls")),
    path("indicators/", include("apps.indicators.urls")),
    path("early-warning/", include("apps.early_warning.urls")),
    path("support/", include("apps.support.urls")),
    path("engagements/", include("apps.engagements.urls")),
    path("peers/", include("apps.peers.urls")),
    path("consultations/", include("apps.consultations.urls")),
    path("reports/", include("apps.reports.urls")),
    path("jobs/", include("apps.jobs.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
