from django.contrib import admin

from apps.early_warning.models import SoftIntelligence


@admin.register(SoftIntelligence)
class SoftIntelligenceAdmin(admin.ModelAdmin):
    list_display = ("council", "category", "severity", "observed_on", "author", "is_demo")
    list_filter = ("category", "severity", "is_demo")
    search_fields = ("council__name", "summary")
    date_hierarchy = "observed_on"
    raw_id_fields = ("council", "author")
