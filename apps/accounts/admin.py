from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from apps.accounts.models import ApiToken, User


@admin.register(User)
class NlbUserAdmin(UserAdmin):
    list_display = ["username", "get_full_name", "role", "region", "council", "is_active"]
    list_filter = ["role", "region", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("Role", {"fields": ["role", "region", "council"]})]
    autocomplete_fields = ["council"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "last_used"]
    readonly_fields = ["key_hash", "created", "last_used"]
