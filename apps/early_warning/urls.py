from django.urls import path

from apps.early_warning import views

app_name = "early_warning"
urlpatterns = [
    path("", views.watchlist, name="watchlist"),
    path("map/", views.england_map, name="map"),
    path("compare/", views.compare, name="compare"),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("validation/", views.validation, name="validation"),
    path("notes/", views.notes, name="notes"),
    path("councils/<str:gss_code>/", views.council, name="council"),
    path("councils/<str:gss_code>/notes/new/", views.note_create, name="note-create"),
]
