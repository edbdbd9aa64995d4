from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.navigation import home_panels_for


def home(request: HttpRequest) -> HttpResponse:
    """The front page: each app contributes a summary panel the user is allowed to see."""
    return render(request, "home.html", {"panels": home_panels_for(request)})
