"""Thin views: they check who may act, then call the services."""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.consultations import forms
from apps.consultations.models import (
    AnalysisJob,
    Answer,
    Channel,
    CodingSource,
    Consultation,
    Contact,
    FrameworkChange,
    Issue,
    MeetingView,
    PaperVersion,
    Question,
    QuestionKind,
    Response,
    StakeholderGroup,
    Theme,
    ThemeOrigin,
)
from apps.consultations.services import charts, tallies, themes
from apps.consultations.services.campaigns import campaign_groups, campaign_of_responses
from apps.consultations.services.importing import OfflineResponseImporter
from apps.consultations.services.issuing import issue_paper
from apps.consultations.services.redaction import __doc__ as REDACTION_METHOD
from apps.consultations.services.redaction import redact
from apps.consultations.services.report import build_what_we_heard, response_counts
from apps.core.exports import download
from apps.core.importers import ImportProblem
from apps.reports import documents


def staff_only(view):
    """Consultation management is for improvement staff (programme managers, RAs, admins)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        permissions.require(permissions.is_staff_role(request.user))
        return view(request, *args, **kwargs)

    return wrapped


def _consultation(slug: str, request: HttpRequest) -> Consultation:
    consultation = get_object_or_404(Consultation, slug=slug)
    if consultation.opens_on > timezone.localdate() and not permissions.is_staff_role(request.user):
        raise Http404("Not yet open")
    return consultation


# Public -------------------------------------------------------------------------------------
def index(request: HttpRequest) -> HttpResponse:
    staff = permissions.is_staff_role(request.user)
    qs = Consultation.objects.all() if staff else Consultation.objects.public()
    return render(request, "consultations/index.html", {"consultations": qs, "staff": staff})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug, request)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "paper": consultation.current_paper(),
            "questions": consultation.questions.all(),
            "meetings": consultation.meetings.all(),
            "staff": permissions.is_staff_role(request.user),
        },
    )


def paper_version(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    consultation = _consultation(slug, request)
    paper = get_object_or_404(consultation.paper_versions, version=version)
    return render(
        request,
        "consultations/paper.html",
        {
            "consultation": consultation,
            "paper": paper,
            "versions": consultation.paper_versions.all(),
        },
    )


def paper_download(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """The uploaded paper file, served by the app (no separate media server needed)."""
    from django.http import FileResponse

    consultation = _consultation(slug, request)
    paper = get_object_or_404(consultation.paper_versions, version=version)
    if not paper.upload:
        raise Http404("No file for this version")
    return FileResponse(
        paper.upload.open("rb"), as_attachment=True, filename=Path(paper.upload.name).name
    )


def _send_confirmation(request: HttpRequest, response: Response) -> None:
    if not response.email:
        return
    link = request.build_absolute_uri(reverse("consultations:confirmation", args=[response.token]))
    send_mail(
        subject=f"Your response to {response.consultation.title} (reference {response.reference})",
        message=(
            f"Thank you for responding to the consultation “{response.consultation.title}”.\n\n"
            f"Your reference number is {response.reference}.\n\n"
            f"You can see a copy of your answers here (keep this link private): {link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[response.email],
    )


def _send_return_link(request: HttpRequest, response: Response) -> None:
    if not response.email:
        return
    link = request.build_absolute_uri(reverse("consultations:resume", args=[response.token]))
    send_mail(
        subject=f"Your saved response to {response.consultation.title}",
        message=(
            "You saved your response. To carry on, open this private link (anyone with it can "
            f"see and change your answers):\n{link}\n\nThe consultation closes at the end of "
            f"{response.consultation.closes_on:%-d %B %Y}.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[response.email],
    )


def respond(request: HttpRequest, slug: str, token: str | None = None) -> HttpResponse:
    consultation = _consultation(slug, request) if slug else None
    response = None
    if token:
        response = get_object_or_404(
            Response.objects.select_related("consultation"), token=token, channel=Channel.ONLINE
        )
        consultation = response.consultation
        if response.is_submitted:
            return redirect("consultations:confirmation", token=response.token)
    if not consultation.is_open():
        return render(
            request,
            "consultations/closed.html",
            {"consultation": consultation},
            status=410 if consultation.is_closed() else 404,
        )
    saving = request.method == "POST" and "save" in request.POST
    if request.method == "POST":
        form = forms.ResponseForm(request.POST, consultation=consultation, saving=saving)
        if form.is_valid():
            with transaction.atomic():
                response = response or Response(consultation=consultation, channel=Channel.ONLINE)
                form.save_to(response)
                if not saving:
                    response.submit()
            if saving:
                _send_return_link(request, response)
                return redirect("consultations:saved", token=response.token)
            _send_confirmation(request, response)
            return redirect("consultations:confirmation", token=response.token)
    else:
        initial = forms.ResponseForm.initial_from(response) if response else {}
        form = forms.ResponseForm(initial=initial, consultation=consultation)
    return render(
        request,
        "consultations/respond.html",
        {
            "consultation": consultation,
            "form": form,
            "response": response,
        },
    )


def resume(request: HttpRequest, token: str) -> HttpResponse:
    return respond(request, "", token=token)


def saved(request: HttpRequest, token: str) -> HttpResponse:
    response = get_object_or_404(Response, token=token)
    link = request.build_absolute_uri(reverse("consultations:resume", args=[token]))
    return render(request, "consultations/saved.html", {"response": response, "link": link})


def confirmation(request: HttpRequest, token: str) -> HttpResponse:
    response = get_object_or_404(Response.objects.select_related("consultation"), token=token)
    if not response.is_submitted:
        return redirect("consultations:resume", token=token)
    return render(
        request,
        "consultations/confirmation.html",
        {
            "response": response,
            "answers": response.answers.select_related("question"),
        },
    )


def what_we_heard(request: HttpRequest, slug: str, fmt: str = "html") -> HttpResponse:
    consultation = _consultation(slug, request)
    if not (consultation.report_published or permissions.is_staff_role(request.user)):
        raise Http404("Not published")
    paper = build_what_we_heard(consultation, for_web=fmt == "html")
    if fmt == "pdf":
        response = HttpResponse(documents.render_pdf(paper), content_type=documents.PDF_TYPE)
    elif fmt == "docx":
        response = HttpResponse(documents.render_docx(paper), content_type=documents.DOCX_TYPE)
    else:
        return render(
            request,
            "consultations/what_we_heard.html",
            {
                "consultation": consultation,
                "paper": paper,
                "body": documents.render_html(paper),
            },
        )
    response["Content-Disposition"] = f'attachment; filename="what-we-heard-{slug}.{fmt}"'
    return response


def published_responses(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug, request)
    if not (consultation.responses_published or permissions.is_staff_role(request.user)):
        raise Http404("Not published")
    from django.core.paginator import Paginator

    pages = Paginator(consultation.responses.publishable().order_by("received_at", "pk"), 50)
    page = pages.get_page(request.GET.get("page"))
    rows = []
    for response in page.object_list.prefetch_related("answers__question"):
        rows.append(
            {
                "reference": response.reference,
                "who": response.respondent_label
                if response.respondent_type == "organisation"
                else "Individual",
                "group": response.get_group_display(),
                "late": response.is_late,
                "answers": [
                    {
                        "question": a.question,
                        "choices": a.choices,
                        "text": redact(a.text, [response.name, response.email.split("@")[0]]),
                    }
                    for a in response.answers.all()
                ],
            }
        )
    return render(
        request,
        "consultations/published_responses.html",
        {
            "consultation": consultation,
            "rows": rows,
            "method": REDACTION_METHOD,
            "page": page,
            "published": consultation.responses_published,
        },
    )


def framework(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug, request)
    staff = permissions.is_staff_role(request.user)
    if not (consultation.framework_published or staff):
        raise Http404("Not published")
    form = None
    if staff:
        form = forms.FrameworkChangeForm(request.POST or None, consultation=consultation)
        if request.method == "POST":
            if "publish" in request.POST:
                consultation.framework_text = request.POST.get("framework_text", "")
                consultation.framework_published = request.POST.get("publish") == "yes"
                consultation.save()
                messages.success(request, "Framework saved")
                return redirect("consultations:framework", slug=slug)
            if form.is_valid():
                FrameworkChange.objects.create(
                    consultation=consultation,
                    theme=form.cleaned_data["theme"],
                    you_said=form.cleaned_data["you_said"],
                    we_did=form.cleaned_data["we_did"],
                    order=consultation.framework_changes.count() + 1,
                )
                messages.success(request, "Change added to the 'you said, we did' table")
                return redirect("consultations:framework", slug=slug)
    changes = consultation.framework_changes.select_related("theme").annotate(
        theme_count=Count("theme__assignments")
    )
    return render(
        request,
        "consultations/framework.html",
        {
            "consultation": consultation,
            "changes": changes,
            "form": form,
            "staff": staff,
        },
    )


# Staff: managing ----------------------------------------------------------------------------
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
    consultation = get_object_or_404(Consultation, slug=slug)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            importer = OfflineResponseImporter(
                Path(handle.name), consultation, user=request.user, name=upload.name
            )
            try:
                counts = importer.run()
            except ImportProblem as exc:
                problem = str(exc)
            else:
                summary = ", ".join(f"{v} {k}" for k, v in counts.items())
                messages.success(request, f"Imported {upload.name}: {summary}")
                return redirect("consultations:responses", slug=slug)
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


# Staff: analysis ----------------------------------------------------------------------------
@staff_only
def analysis(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    blocks = []
    for question in consultation.questions.all():
        block = {"question": question}
        if question.has_choices:
            table = tallies.question_tally(question)
            block["table"] = table
            block["table_rows"] = list(zip(table.index, table.values.tolist(), strict=True))
            if int(table["All"].sum()):
                block["svg"] = charts.svg_markup(table, f"Q{question.number}")
                block["alt"] = "; ".join(f"{i}: {v}" for i, v in table["All"].items())
            agreement = tallies.question_agreement(question)
            if agreement is not None and len(agreement):
                block["agreement"] = agreement
                block["agreement_rows"] = list(
                    zip(agreement.index, agreement.values.tolist(), strict=True)
                )
        if question.has_text:
            block["theme_count"] = question.themes.count()
            block["text_answers"] = themes.text_answers(question).count()
            block["sentiment"] = themes.question_sentiment(question)
        block["meeting_views"] = question.meeting_views.count()
        blocks.append(block)
    return render(
        request,
        "consultations/analysis.html",
        {
            "consultation": consultation,
            "blocks": blocks,
            "counts": response_counts(consultation),
            "campaigns": campaign_groups(consultation),
        },
    )


def _question(slug: str, number: int) -> Question:
    return get_object_or_404(Question, consultation__slug=slug, number=number)


@staff_only
def question_themes(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    question = _question(slug, number)
    if not question.has_text:
        raise Http404("No free text for this question")
    theme_rows = list(themes.themes_with_counts(question))
    coded = question.answers.filter(coded__isnull=False).count()
    for theme in theme_rows[:20]:
        theme.quotes = themes.theme_quotes(theme, k=2)
    return render(
        request,
        "consultations/themes.html",
        {
            "consultation": question.consultation,
            "question": question,
            "themes": theme_rows,
            "total": themes.text_answers(question).count(),
            "coded": coded,
            "jobs": question.jobs.all()[:5],
            # a job older than 30 minutes was lost with its process (e.g. a restart): not shown
            "running": question.jobs.filter(
                status__in=["queued", "running"],
                created__gte=timezone.now() - dt.timedelta(minutes=30),
            ).first(),
            "views": question.meeting_views.select_related("meeting"),
        },
    )


@staff_only
@require_POST
def theme_action(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    question = _question(slug, number)
    action = request.POST.get("action")
    selected = list(question.themes.filter(pk__in=request.POST.getlist("themes")).order_by("pk"))
    if action in ("discover", "map"):
        k = request.POST.get("k")
        job = themes.start(
            question,
            "discovery" if action == "discover" else "mapping",
            k=int(k) if k and k.isdigit() else None,
        )
        if job.status == AnalysisJob.Status.DONE:
            messages.success(request, f"{job.message} in {job.seconds:.1f}s")
        elif job.status == AnalysisJob.Status.FAILED:
            messages.error(request, job.message)
    elif action == "merge":
        if len(selected) < 2:
            messages.error(request, "Select two or more themes to merge")
        else:
            theme = themes.merge(selected, name=request.POST.get("merged_name") or None)
            messages.success(request, f"Merged into “{theme.name}”")
    elif action == "split":
        if len(selected) != 1:
            messages.error(request, "Select exactly one theme to split")
        else:
            parts = themes.split(selected[0])
            messages.success(request, f"Split into {len(parts)} themes: name them below")
    elif action == "add":
        name = request.POST.get("new_name", "").strip()
        if name:
            Theme.objects.create(
                question=question,
                name=name[:120],
                origin=ThemeOrigin.PERSON,
                agreed=True,
                description=request.POST.get("new_description", ""),
            )
            messages.success(request, f"Theme “{name}” added")
        else:
            messages.error(request, "Enter a name for the new theme")
    elif action == "delete" and selected:
        for theme in selected:
            theme.delete()
        messages.success(request, "Theme deleted; its answers are unthemed until mapped again")
    return redirect("consultations:themes", slug=slug, number=number)


@staff_only
@require_POST
def theme_edit(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    question = _question(slug, number)
    theme = get_object_or_404(question.themes, pk=pk)
    form = forms.ThemeEditForm(request.POST)
    if form.is_valid():
        theme.name = form.cleaned_data["name"]
        theme.description = form.cleaned_data["description"]
        theme.agreed = True
        theme.save()
    if request.htmx:
        return render(
            request,
            "consultations/_theme_row.html",
            {
                "theme": themes.themes_with_counts(question).get(pk=pk),
                "question": question,
                "consultation": question.consultation,
                "saved": form.is_valid(),
                "form": form,
            },
        )
    return redirect("consultations:themes", slug=slug, number=number)


@staff_only
def code_next(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One answer at a time, in the order the mapper asks; htmx swaps the panel in place."""
    question = _question(slug, number)
    if request.method == "POST":
        answer = get_object_or_404(Answer, pk=request.POST.get("answer"), question=question)
        chosen = list(question.themes.filter(pk__in=request.POST.getlist("themes")))
        themes.code_answer(answer, chosen, user=request.user)
    upcoming = themes.next_to_code(question, k=1)
    template = "consultations/_code_panel.html" if request.htmx else "consultations/code.html"
    answer = upcoming[0] if upcoming else None
    current = set()
    if answer:
        current = set(answer.assignments.values_list("theme_id", flat=True))
    return render(
        request,
        template,
        {
            "consultation": question.consultation,
            "question": question,
            "answer": answer,
            "themes": question.themes.all(),
            "current": current,
            "coded": question.answers.filter(coded__isnull=False).count(),
            "total": themes.text_answers(question).count(),
        },
    )


@staff_only
def theme_answers(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    question = _question(slug, number)
    theme = get_object_or_404(question.themes, pk=pk)
    assignments = theme.assignments.select_related("answer__response").order_by("source", "-score")
    return render(
        request,
        "consultations/theme_answers.html",
        {
            "consultation": question.consultation,
            "question": question,
            "theme": theme,
            "assignments": assignments[:300],
            "sources": dict(CodingSource.choices),
        },
    )


@staff_only
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx every second while a job runs; reloads the page when it finishes."""
    job = get_object_or_404(AnalysisJob, pk=pk)
    response = render(request, "consultations/_job.html", {"job": job})
    if request.htmx and job.status in (AnalysisJob.Status.DONE, AnalysisJob.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


def closed_questions(consultation: Consultation) -> list[Question]:
    return list(consultation.questions.exclude(kind=QuestionKind.FREE_TEXT))
