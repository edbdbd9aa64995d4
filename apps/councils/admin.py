from django.contrib import admin

from apps.councils.models import Council, PoliticalControl


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "council_type", "region", "end_date"]
    list_filter = ["council_type", "region"]
    search_fields = ["name", "official_name", "gss_code", "ecode", "code"]


@admin.register(PoliticalControl)
class PoliticalControlAdmin(admin.ModelAdmin):
    list_display = ["council", "control", "valid_from", "valid_to", "source"]
    list_filter = ["control", "source"]
