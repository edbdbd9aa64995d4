"""Views for staff managing a consultation: setting it up, issuing the paper, questions, contacts,
responses (entered, imported, exported), meetings and publishing."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.consultations import forms, jobs
from apps.consultations.models import (
    Channel,
    Consultation,
    Contact,
    Issue,
    MeetingView,
    PaperVersion,
    Question,
    Response,
    StakeholderGroup,
)
from apps.consultations.services.campaigns import campaign_of_responses
from apps.consultations.services.issuing import issue_paper
from apps.consultations.services.report import response_counts
from apps.consultations.views.common import staff_only
from apps.core.exports import download
from apps.core.importers import ImportProblem


@staff_only
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    issued = (
        Issue.objects.filter(consultation=consultation)
        .values("contact__group")
        .annotate(n=Count("pk"), emailed=Count("pk", filter=Q(emailed=True)))
    )
    contacts = Contact.objects.values("group").annotate(n=Count("pk"))
    labels = dict(StakeholderGroup.choices)
    issued_by_group = {r["contact__group"]: r for r in issued}
    groups = [
        {
            "label": labels[c["group"]],
            "contacts": c["n"],
            "issued": issued_by_group.get(c["group"], {}).get("n", 0),
            "emailed": issued_by_group.get(c["group"], {}).get("emailed", 0),
        }
        for c in contacts
    ]
    return render(
        request,
        "consultations/manage.html",
        {
            "consultation": consultation,
            "paper": consultation.current_paper(),
            "versions": consultation.paper_versions.all(),
            "counts": response_counts(consultation),
            "drafts": consultation.responses.drafts().count(),
            "groups": groups,
            "issue_form": forms.IssueForm(),
            "publish_rows": [
                ("report_published", "What we heard report", consultation.report_published),
                (
                    "responses_published",
                    "Consented responses (redacted)",
                    consultation.responses_published,
                ),
            ],
            "recent_issues": Issue.objects.filter(consultation=consultation).select_related(
                "contact", "paper_version", "issued_by"
            )[:20],
        },
    )


@staff_only
@require_POST
def issue(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    paper = consultation.current_paper()
    form = forms.IssueForm(request.POST)
    if paper is None:
        messages.error(request, "Add the consultation paper before issuing it")
    elif form.is_valid():
        result = issue_paper(
            consultation,
            paper,
            form.cleaned_data["groups"],
            user=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        messages.success(
            request,
            f"Issued version {paper.version} to {result.issued} contacts "
            f"({result.emailed} emailed; {result.already} already had it)",
        )
    else:
        messages.error(request, "Select at least one stakeholder group")
    return redirect("consultations:manage", slug=slug)


@staff_only
def consultation_new(request: HttpRequest) -> HttpResponse:
    from django.utils.text import slugify

    form = forms.ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consultation = form.save(commit=False)
        base = slugify(consultation.title)[:70] or "consultation"
        slug, n = base, 1
        while Consultation.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        consultation.slug = slug
        consultation.save()
        messages.success(request, "Consultation created: add the paper and the questions")
        return redirect("consultations:questions", slug=slug)
    return render(request, "consultations/consultation_form.html", {"form": form})


@staff_only
def questions(request: HttpRequest, slug: str) -> HttpResponse:
    """Add questions; a question nobody has answered yet may be removed."""
    consultation = get_object_or_404(Consultation, slug=slug)
    form = forms.QuestionForm(request.POST or None)
    if request.method == "POST" and "delete" in request.POST:
        question = get_object_or_404(consultation.questions, pk=request.POST["delete"])
        if question.answers.exists():
            messages.error(request, "This question has answers, so it cannot be removed")
        else:
            question.delete()
            messages.success(request, "Question removed")
        return redirect("consultations:questions", slug=slug)
    if request.method == "POST" and form.is_valid():
        last = consultation.questions.order_by("-number").first()
        Question.objects.create(
            consultation=consultation,
            number=(last.number + 1) if last else 1,
            text=form.cleaned_data["text"],
            hint=form.cleaned_data["hint"],
            kind=form.cleaned_data["kind"],
            options=form.cleaned_data["option_list"],
            required=form.cleaned_data["required"],
        )
        messages.success(request, "Question added")
        return redirect("consultations:questions", slug=slug)
    return render(
        request,
        "consultations/questions.html",
        {
            "consultation": consultation,
            "form": form,
            "questions": consultation.questions.annotate(n_answers=Count("answers")),
        },
    )


@staff_only
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish or withdraw the 'what we heard' report and the consented, redacted responses."""
    consultation = get_object_or_404(Consultation, slug=slug)
    field = request.POST.get("what")
    if field in ("report_published", "responses_published"):
        setattr(consultation, field, request.POST.get("value") == "yes")
        consultation.save(update_fields=[field])
        label = "The report" if field == "report_published" else "Consented responses"
        state = "published" if getattr(consultation, field) else "withdrawn from publication"
        messages.success(request, f"{label} {state}")
    return redirect("consultations:manage", slug=slug)


@staff_only
def contacts(request: HttpRequest) -> HttpResponse:
    """Contact lists by stakeholder group; staff replace placeholder addresses with real ones."""
    qs = Contact.objects.select_related("council")
    group = request.GET.get("group", "")
    if group in dict(StakeholderGroup.choices):
        qs = qs.filter(group=group)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(Q(role__icontains=search) | Q(organisation__icontains=search))
    if request.method == "POST":
        contact = get_object_or_404(Contact, pk=request.POST.get("contact"))
        form = forms.ContactEmailForm(request.POST)
        if form.is_valid():
            contact.email = form.cleaned_data["email"]
            contact.email_is_placeholder = False
            contact.save(update_fields=["email", "email_is_placeholder"])
            messages.success(request, f"Address for {contact.role} recorded as verified")
        else:
            messages.error(request, "Enter an email address in the correct format")
        return redirect(request.get_full_path())
    return render(
        request,
        "consultations/contacts.html",
        {
            "contacts": qs[:300],
            "total": qs.count(),
            "group": group,
            "q": search,
            "groups": [g for g in StakeholderGroup.choices if g[0] != "individuals"],
        },
    )


@staff_only
def paper_new(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    current = consultation.current_paper()
    initial = {"title": current.title, "body": current.body} if current else {}
    form = forms.PaperVersionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        PaperVersion.objects.create(
            consultation=consultation,
            version=(current.version + 1) if current else 1,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            upload=form.cleaned_data.get("upload") or "",
            published_on=form.cleaned_data.get("published_on"),
        )
        messages.success(request, "New version of the paper saved; earlier versions are kept")
        return redirect("consultations:manage", slug=slug)
    return render(
        request, "consultations/paper_form.html", {"consultation": consultation, "form": form}
    )


@staff_only
def responses(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    qs = consultation.responses.submitted().select_related("entered_by")
    flt = request.GET.get("show", "")
    if flt == "late":
        qs = qs.filter(is_late=True)
    elif flt == "offline":
        qs = qs.exclude(channel=Channel.ONLINE)
    elif flt in dict(StakeholderGroup.choices):
        qs = qs.filter(group=flt)
    page = list(qs[:500])
    campaign_of = campaign_of_responses(consultation, [r.pk for r in page])
    for response in page:
        response.campaign = campaign_of.get(response.pk)
    return render(
        request,
        "consultations/responses.html",
        {
            "consultation": consultation,
            "responses": page,
            "total": qs.count(),
            "show": flt,
            "groups": StakeholderGroup.choices,
        },
    )


@staff_only
def export_responses(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    from apps.consultations.services import exports

    consultation = get_object_or_404(Consultation, slug=slug)
    kind = "xlsx" if fmt == "xlsx" else "csv"
    body = exports.as_xlsx(consultation) if kind == "xlsx" else exports.as_csv(consultation)
    return download(body, f"responses-{slug}", kind, dated=False)


@staff_only
def response_detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    response = get_object_or_404(consultation.responses, reference=reference)
    return render(
        request,
        "consultations/response_detail.html",
        {
            "consultation": consultation,
            "response": response,
            "answers": response.answers.select_related("question").prefetch_related(
                "assignments__theme"
            ),
        },
    )


@staff_only
def staff_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """Late and offline responses: accepted at any time, flagged, never refused."""
    consultation = get_object_or_404(Consultation, slug=slug)
    if request.method == "POST":
        form = forms.StaffResponseForm(request.POST, consultation=consultation)
        if form.is_valid():
            with transaction.atomic():
                response = Response(
                    consultation=consultation,
                    channel=Channel.STAFF,
                    entered_by=request.user,
                    received_at=form.received_at(),
                )
                form.save_to(response)
                response.submit()
            flag = (
                " It arrived after the closing date and is flagged late."
                if (response.is_late)
                else ""
            )
            messages.success(request, f"Response {response.reference} recorded.{flag}")
            return redirect("consultations:responses", slug=slug)
    else:
        form = forms.StaffResponseForm(
            consultation=consultation, initial={"received_on": timezone.localdate()}
        )
    return render(
        request, "consultations/staff_entry.html", {"consultation": consultation, "form": form}
    )


@staff_only
def import_responses(request: HttpRequest, slug: str) -> HttpResponse:
    """Offline responses from a CSV or XLSX: checked for size and kind here, then imported on the
    job queue (whatever the size); the job's page shows progress and the outcome."""
    consultation = get_object_or_404(Consultation, slug=slug)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.start_import(form.cleaned_data["file"], consultation, request.user)
        except ImportProblem as exc:
            problem = str(exc)
        else:
            return redirect("jobs:detail", pk=job.pk)
    return render(
        request,
        "consultations/import.html",
        {
            "consultation": consultation,
            "form": form,
            "problem": problem,
            "questions": consultation.questions.all(),
        },
    )


@staff_only
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.consultation = consultation
        meeting = form.save()
        messages.success(request, f"{meeting} scheduled")
        return redirect("consultations:meeting", slug=slug, pk=meeting.pk)
    return render(
        request,
        "consultations/meetings.html",
        {
            "consultation": consultation,
            "form": form,
            "meetings": consultation.meetings.annotate(n_views=Count("views")),
        },
    )


@staff_only
def meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    meeting = get_object_or_404(consultation.meetings, pk=pk)
    form = forms.MeetingViewForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        MeetingView.objects.create(meeting=meeting, **form.cleaned_data)
        messages.success(request, "View recorded")
        return redirect("consultations:meeting", slug=slug, pk=pk)
    return render(
        request,
        "consultations/meeting.html",
        {
            "consultation": consultation,
            "meeting": meeting,
            "form": form,
            "views": meeting.views.select_related("question"),
        },
    )
