from django.contrib import admin

from apps.consultations import models


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0


class PaperInline(admin.StackedInline):
    model = models.PaperVersion
    extra = 0


@admin.register(models.Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_on", "closes_on", "is_demo"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PaperInline, QuestionInline]


@admin.register(models.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["role", "organisation", "group", "email", "email_is_placeholder"]
    list_filter = ["group", "email_is_placeholder"]
    search_fields = ["role", "organisation"]


@admin.register(models.Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["reference", "consultation", "group", "channel", "is_late", "submitted_at"]
    list_filter = ["consultation", "group", "channel", "is_late", "is_demo"]
    search_fields = ["reference", "organisation"]


admin.site.register(models.RegionalMeeting)
admin.site.register(models.Theme)
