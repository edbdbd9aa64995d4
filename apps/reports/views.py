"""Reports: the index of published documents, and board papers' pages (draft, edit, approve,
publish, download). Thin: the rules are in `apps.reports.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.consultations.models import Consultation
from apps.reports import services
from apps.reports.documents import DOCX_TYPE, PDF_TYPE
from apps.reports.forms import DraftForm, ProseForm
from apps.reports.models import DOWNLOADS, FileFormat, Paper, PaperFile, Status
from apps.reports.papers import templates


def index(request: HttpRequest) -> HttpResponse:
    staff = permissions.is_staff_role(request.user)
    consultations = Consultation.objects.all() if staff else Consultation.objects.public()
    rows = [
        c
        for c in consultations
        if staff or c.report_published or c.responses_published or c.framework_published
    ]
    papers = Paper.objects.visible_to(request.user).select_related("author")
    return render(
        request,
        "reports/index.html",
        {
            "consultations": rows,
            "staff": staff,
            "papers": papers,
            "may_draft": services.may_draft(request.user),
        },
    )


def _paper_for(request: HttpRequest, pk: int) -> Paper:
    """The paper if this user may read it; otherwise 404 (its existence is not disclosed)."""
    return get_object_or_404(Paper.objects.visible_to(request.user), pk=pk)


@login_required
def draft(request: HttpRequest) -> HttpResponse:
    permissions.require(services.may_draft(request.user))
    form = DraftForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        paper = services.draft_paper(
            data["template"],
            author=request.user,
            meeting_date=data["meeting_date"],
            item_number=data["item_number"],
            as_at=data["as_at"],
            purpose=data["purpose"],
            classification=data["classification"],
            title=data["title"],
            contact_officer=data["contact_officer"],
            options={"consultation": data["consultation"]} if data["consultation"] else {},
        )
        messages.success(request, "Draft created from the template. Edit its prose below.")
        return redirect("reports:paper", pk=paper.pk)
    return render(
        request, "reports/paper_new.html", {"form": form, "templates": templates().values()}
    )


def paper(request: HttpRequest, pk: int) -> HttpResponse:
    paper = _paper_for(request, pk)
    versions = list(paper.versions.select_related("saved_by"))
    shown = paper.version
    wanted = request.GET.get("version")
    if wanted and wanted.isdigit() and permissions.is_staff_role(request.user):
        shown = next((v for v in versions if v.number == int(wanted)), None) or shown
    annex = services.may_see_annex(request.user)
    return render(
        request,
        "reports/paper.html",
        {
            "paper": paper,
            "shown": shown,
            "versions": versions,
            "body": mark_safe(services.web_body(paper, shown, with_annex=annex)),
            "staff": permissions.is_staff_role(request.user),
            "may_edit": services.may_draft(request.user) and paper.status == Status.DRAFT,
            "may_approve": services.may_approve(request.user),
            "may_see_annex": annex,
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    paper = _paper_for(request, pk)
    permissions.require(services.may_draft(request.user))
    if paper.status != Status.DRAFT:
        messages.error(request, "Only a draft can be edited: return the paper to draft first.")
        return redirect("reports:paper", pk=paper.pk)
    current = paper.version
    initial = {name: getattr(current, name) for name in services.PROSE}
    form = ProseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.save_version(paper, request.user, **form.cleaned_data)
        if saved.pk == current.pk:
            messages.info(request, "Nothing changed, so no new version was saved.")
        else:
            messages.success(request, f"Saved as version {saved.number}.")
        return redirect("reports:paper", pk=paper.pk)
    return render(request, "reports/paper_edit.html", {"paper": paper, "form": form})


def _status_change(action):
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        paper = _paper_for(request, pk)
        permissions.require(services.may_approve(request.user))
        try:
            changed = action(paper, request.user)
        except services.PaperError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The paper is now {changed.get_status_display().lower()}.")
        return redirect("reports:paper", pk=paper.pk)

    return view


approve = _status_change(services.approve)
publish = _status_change(services.publish)
return_to_draft = _status_change(services.return_to_draft)


def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Serve the stored file of the current version; ask for it and say so if not made yet."""
    paper = _paper_for(request, pk)
    if fmt not in DOWNLOADS:
        raise Http404("No such format")
    with_annex = request.GET.get("annex") == "1"
    if with_annex:
        permissions.require(services.may_see_annex(request.user))
    file = services.request_file(paper.version, fmt, with_annex=with_annex)
    if file.state != PaperFile.State.READY:
        return render(
            request,
            "reports/paper_file.html",
            {"paper": paper, "file": file, "again": request.get_full_path()},
            status=202 if file.state == PaperFile.State.PENDING else 500,
        )
    name = f"{paper.meeting_date:%Y-%m-%d}-item-{paper.item_number}-{paper.template}"
    name += "-with-confidential-annex" if with_annex else ""
    response = HttpResponse(
        bytes(file.content), content_type=PDF_TYPE if fmt == FileFormat.PDF else DOCX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    if with_annex or paper.classification != "OFFICIAL" or paper.status != Status.PUBLISHED:
        response["Cache-Control"] = "private, no-store"
    return response
