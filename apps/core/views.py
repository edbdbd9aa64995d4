from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.navigation import home_panels_for


def home(request: HttpRequest) -> HttpResponse:
    """The front page: each app contributes a summary panel the user is allowed to see."""
    return render(request, "home.html", {"panels": home_panels_for(request)})


def glossary(request: HttpRequest) -> HttpResponse:
    """Plain-English meanings of the words and abbreviations the service uses."""
    from apps.core.glossary import terms

    return render(request, "core/glossary.html", {"terms": terms()})


def about_data(request: HttpRequest) -> HttpResponse:
    """Where every shipped data set comes from, its licence and how it is used."""
    from apps.core.about_data import sources_html

    title, body = sources_html()
    return render(request, "core/about_data.html", {"title": title, "body": body})
