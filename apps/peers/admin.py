from django.contrib import admin

from apps.peers.models import (
    Deployment,
    ExpertiseArea,
    Peer,
    TeamMember,
    TeamRequest,
    TrainingRecord,
)


class TrainingInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 0
    autocomplete_fields = ["council"]
    readonly_fields = ["team", "recorded_by", "recorded_at"]


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "peer_ref",
        "kind",
        "officer_role",
        "party",
        "home_council",
        "accredited_until",
        "synthetic",
    ]
    list_filter = ["kind", "officer_role", "party", "region", "synthetic", "expertise"]
    search_fields = ["name", "peer_ref", "home_council__name"]
    autocomplete_fields = ["home_council", "former_councils", "user"]
    filter_horizontal = ["expertise"]
    inlines = [TrainingInline, DeploymentInline]


@admin.register(ExpertiseArea)
class ExpertiseAreaAdmin(admin.ModelAdmin):
    list_display = ["label", "code"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["peer"]


@admin.register(TeamRequest)
class TeamRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "solver_status", "created_at"]
    list_filter = ["status", "is_demo"]
    inlines = [TeamMemberInline]
    raw_id_fields = ["council", "engagement"]
