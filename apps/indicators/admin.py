from django.contrib import admin

from apps.indicators.models import Indicator, Observation


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "unit", "polarity", "source", "is_derived"]
    list_filter = ["source", "polarity", "is_derived"]
    search_fields = ["code", "title"]
    readonly_fields = ["code", "rule"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """Read-mostly: figures come from the importers, which own them."""

    list_display = [
        "council",
        "indicator",
        "period",
        "value",
        "text_value",
        "published",
        "source_file",
    ]
    list_filter = ["indicator__source", "published"]
    search_fields = ["council__name", "council__gss_code", "indicator__code", "period"]
    list_select_related = ["council", "indicator"]
    raw_id_fields = ["council"]
