from django.urls import path

from apps.peers import views

app_name = "peers"
urlpatterns = [
    path("", views.register, name="list"),
    path("register.csv", views.register_csv, name="export"),
    path("register.xlsx", views.register_xlsx, name="export-xlsx"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_new, name="team-new"),
    path("teams/batch/", views.batch_new, name="batch-new"),
    path("teams/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("teams/batches/<int:pk>/confirm/", views.batch_confirm, name="batch-confirm"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/swap/", views.team_swap, name="team-swap"),
    path("teams/<int:pk>/team.csv", views.team_export, name="team-export"),
    path("teams/<int:pk>/confirm/", views.team_confirm, name="team-confirm"),
    path("teams/<int:pk>/rebuild/", views.team_rebuild, name="team-rebuild"),
    path(
        "teams/<int:pk>/members/<int:member_pk>/suggestions/",
        views.team_suggest,
        name="team-suggest",
    ),
    path("me/", views.my_record, name="me"),
    path("<str:ref>/", views.peer_detail, name="peer"),
]
