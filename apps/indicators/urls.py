from django.urls import path

from apps.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<str:gss_code>/", views.council, name="council"),
    path("<str:gss_code>/<slug:code>/", views.indicator_history, name="history"),
]
