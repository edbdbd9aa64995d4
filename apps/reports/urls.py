from django.urls import path

from apps.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("papers/new/", views.draft, name="draft"),
    path("papers/<int:pk>/", views.paper, name="paper"),
    path("papers/<int:pk>/edit/", views.edit, name="edit"),
    path("papers/<int:pk>/approve/", views.approve, name="approve"),
    path("papers/<int:pk>/publish/", views.publish, name="publish"),
    path("papers/<int:pk>/return-to-draft/", views.return_to_draft, name="return_to_draft"),
    path("papers/<int:pk>/download/<str:fmt>/", views.download, name="download"),
]
