"""Views for the analyst: campaigns, theme discovery, the coding loop, mapping and job progress."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.consultations import forms
from apps.consultations.models import (
    AnalysisJob,
    Answer,
    CodingSource,
    Consultation,
    Question,
    Theme,
    ThemeOrigin,
)
from apps.consultations.services import charts, tallies, themes
from apps.consultations.services.campaigns import campaign_groups
from apps.consultations.services.report import response_counts
from apps.consultations.views.common import staff_only


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
