from django.urls import path

from apps.engagements import views

app_name = "engagements"
urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("new/", views.engagement_create, name="create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("workflow/", views.workflow_page, name="workflow"),
    path("<int:pk>/", views.engagement_detail, name="detail"),
    path("<int:pk>/audit/", views.audit, name="audit"),
    path("<int:pk>/edit/", views.engagement_edit, name="edit"),
    path("<int:pk>/plan.<str:kind>", views.plan_export, name="plan_export"),
    path("<int:pk>/actions/<int:action_id>/remove/", views.action_remove, name="action_remove"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/actions/new/", views.action_edit, name="action_add"),
    path("<int:pk>/actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path("<int:pk>/transitions/<str:name>/", views.engagement_transition, name="transition"),
]
