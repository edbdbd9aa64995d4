from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.core.navigation import council_links_for
from apps.councils.forms import CouncilFilterForm
from apps.councils.models import Council


@login_required
def council_list(request: HttpRequest) -> HttpResponse:
    form = CouncilFilterForm(request.GET or None)
    councils = Council.objects.all()
    councils = form.apply(councils) if form.is_valid() else councils.current()
    page = Paginator(councils, 50).get_page(request.GET.get("page"))
    template = "councils/_results.html" if request.htmx else "councils/list.html"
    return render(request, template, {"form": form, "page": page, "total": page.paginator.count})


@login_required
def council_detail(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = get_object_or_404(
        Council.objects.select_related("county").prefetch_related("replaced_by", "replaces"),
        gss_code=gss_code.upper(),
    )
    return render(
        request,
        "councils/detail.html",
        {
            "council": council,
            "neighbours": council.nearest_neighbours(),
            "control": council.political_control.all(),
            "council_links": council_links_for(request, council),
        },
    )
