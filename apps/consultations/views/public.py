"""Views for the public respondent: the consultation, its paper, the response form, what we heard,
the published responses and the final framework."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apps.accounts import permissions
from apps.consultations import forms
from apps.consultations.models import (
    Channel,
    Consultation,
    FrameworkChange,
    Response,
)
from apps.consultations.services.redaction import __doc__ as REDACTION_METHOD
from apps.consultations.services.redaction import redact
from apps.consultations.services.report import build_what_we_heard
from apps.consultations.views.common import _consultation
from apps.core import idempotency
from apps.reports import documents


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
            Response.objects.select_related("consultation").with_token(token),
            channel=Channel.ONLINE,
        )
        response.token = token
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
    if (repeat := idempotency.seen(request, scope="save" if saving else "send")) is not None:
        return repeat
    if request.method == "POST":
        form = forms.ResponseForm(request.POST, consultation=consultation, saving=saving)
        if form.is_valid():
            return idempotency.once(
                request,
                lambda: _save_response(request, consultation, response, form, saving),
                scope="save" if saving else "send",
            )
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


def _save_response(request, consultation, response, form, saving: bool) -> HttpResponse:
    """Save or submit once: a saved response submitted from two browsers (or twice from one) is
    submitted by the first; the second goes to the same confirmation, with no second email and
    without overwriting the answers."""
    with transaction.atomic():
        if response is not None:
            token = response.token  # the raw token from the link (only its hash is stored)
            response = Response.objects.select_for_update().get(pk=response.pk)
            response.token = token
            if response.is_submitted:
                messages.info(request, "This response had already been submitted.")
                return redirect("consultations:confirmation", token=response.token)
        response = response or Response(consultation=consultation, channel=Channel.ONLINE)
        form.save_to(response)
        if not saving:
            response.submit()
    if saving:
        _send_return_link(request, response)
        return redirect("consultations:saved", token=response.token)
    _send_confirmation(request, response)
    return redirect("consultations:confirmation", token=response.token)


def resume(request: HttpRequest, token: str) -> HttpResponse:
    return respond(request, "", token=token)


def saved(request: HttpRequest, token: str) -> HttpResponse:
    response = get_object_or_404(Response.objects.with_token(token))
    link = request.build_absolute_uri(reverse("consultations:resume", args=[token]))
    return render(request, "consultations/saved.html", {"response": response, "link": link})


def confirmation(request: HttpRequest, token: str) -> HttpResponse:
    response = get_object_or_404(Response.objects.select_related("consultation").with_token(token))
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
