from django.urls import path

from apps.support import views

app_name = "support"
urlpatterns = [
    path("", views.offer_list, name="offers"),
    path("offers/<slug:slug>/", views.offer_detail, name="offer"),
    path("triage-rules/", views.triage_rules, name="triage_rules"),
    path("triage/", views.triage_index, name="triage_index"),
    path("triage/<str:gss_code>/", views.triage, name="triage"),
]
