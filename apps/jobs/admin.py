from django.contrib import admin

from apps.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "label", "subject", "status", "progress", "attempts", "created"]
    list_filter = ["status", "label"]
    search_fields = ["label", "subject", "message"]
    readonly_fields = [f.name for f in Job._meta.fields]
