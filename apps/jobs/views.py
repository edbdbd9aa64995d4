from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.accounts.permissions import is_staff_role
from apps.jobs.models import Job
from apps.jobs.services import outcome_link


def _staff(request: HttpRequest) -> None:
    if not is_staff_role(request.user):
        raise PermissionDenied("Background jobs are shown to improvement staff only")


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """Every job, newest first, with status and progress; refreshes itself while any job runs."""
    _staff(request)
    status = request.GET.get("status", "")
    jobs = Job.objects.select_related("created_by")
    if status in Job.Status.values:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "filters": [
            (value, label, Job.objects.filter(status=value).count())
            for value, label in Job.Status.choices
        ],
        "active": any(not job.is_finished for job in page),
    }
    template = "jobs/_table.html" if request.htmx else "jobs/list.html"
    return render(request, template, context)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    """One job; while it runs the page refreshes its progress every 2 s (htmx), and once finished
    it links to the page showing the outcome, if the job's kind has one."""
    job = get_object_or_404(Job.objects.select_related("created_by"), pk=pk)
    context = {"job": job, "link": outcome_link(job) if job.status == Job.Status.DONE else ""}
    template = "jobs/_detail.html" if request.htmx else "jobs/detail.html"
    return render(request, template, context)
