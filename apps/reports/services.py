"""Board papers' life: draft from a template, save the prose (each save a new version), approve,
publish; assemble the document for a reader; render and store its PDF and Word files.

Who may do what (the rules views and the API ask):
- improvement staff draft papers and edit drafts;
- national staff (programme managers, admins) approve and publish;
- the confidential annex (case detail) is assembled only for national staff, who may see every
  case; everyone else, board members included, gets the board edition.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from apps.accounts import permissions
from apps.reports.documents import BoardPaper, Contact
from apps.reports.models import (
    DOWNLOADS,
    Classification,
    FileFormat,
    Paper,
    PaperFile,
    PaperVersion,
    Purpose,
    Status,
)
from apps.reports.papers import template

DEFAULT_BOARD = "Improvement Board"


class PaperError(Exception):
    """A change the paper's status does not allow; the message says why."""


def may_draft(user) -> bool:
    return permissions.is_staff_role(user)


def may_approve(user) -> bool:
    return permissions.is_national(user)


def may_see_annex(user) -> bool:
    """The annex names councils and their cases: only for those who may see every case."""
    return permissions.is_national(user) and permissions.can_see_case_detail(user)


def contact_for(user) -> Contact:
    return Contact(
        name=user.get_full_name() or user.username,
        job_title=user.job_title,
        phone=user.phone,
        email=user.email,
    )


def previous_as_at(template_key: str, before: dt.date) -> dt.date | None:
    """The 'as at' date of the last approved or published paper of this template before a date:
    changes in the next paper are measured from it."""
    last = (
        Paper.objects.filter(template=template_key, as_at__lt=before)
        .exclude(status=Status.DRAFT)
        .order_by("-as_at")
        .first()
    )
    return last.as_at if last else None


@transaction.atomic
def draft_paper(
    template_key: str,
    *,
    author,
    meeting_date: dt.date,
    item_number: str,
    as_at: dt.date,
    options: dict | None = None,
    contact_officer=None,
    purpose: str | None = None,
    title: str = "",
    board: str = DEFAULT_BOARD,
    classification: str | None = None,
    is_demo: bool = False,
) -> Paper:
    """A new draft with version 1's prose suggested by the template from the figures."""
    kind = template(template_key)
    options = options or {}
    since = previous_as_at(template_key, as_at)
    paper = Paper.objects.create(
        template=template_key,
        title=title or kind.default_title(as_at, options),
        board=board,
        meeting_date=meeting_date,
        item_number=item_number,
        purpose=purpose or kind.purpose,
        as_at=as_at,
        since=since,
        options=options,
        classification=classification or kind.classification,
        author=author,
        contact_officer=contact_officer or author,
        is_demo=is_demo,
    )
    content = kind.build(as_at, since, options, with_annex=False)
    PaperVersion.objects.create(
        paper=paper,
        number=1,
        summary="\n".join(content.summary),
        recommendations="\n".join(content.recommendations),
        background="\n".join(content.background),
        financial_implications=content.financial_implications,
        implications_for_wales=content.implications_for_wales,
        saved_by=author,
    )
    return paper


PROSE = (
    "summary",
    "recommendations",
    "background",
    "financial_implications",
    "implications_for_wales",
)


@transaction.atomic
def save_version(paper: Paper, user, **prose: str) -> PaperVersion:
    """Save edited prose as a new version (earlier versions are kept). Drafts only."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if paper.status != Status.DRAFT:
        raise PaperError(
            f"This paper is {paper.get_status_display().lower()}; return it to draft to edit it."
        )
    unknown = set(prose) - set(PROSE)
    if unknown:
        raise PaperError(f"Unknown part of a paper: {', '.join(sorted(unknown))}")
    current = paper.version
    values = {name: getattr(current, name) for name in PROSE} | prose
    if all(values[name] == getattr(current, name) for name in PROSE):
        return current
    return PaperVersion.objects.create(
        paper=paper, number=current.number + 1, saved_by=user, **values
    )


def _move(paper: Paper, user, allowed_from: set[str], to: str) -> Paper:
    with transaction.atomic():
        locked = Paper.objects.select_for_update().get(pk=paper.pk)
        if locked.status not in allowed_from:
            raise PaperError(
                f"This paper is {locked.get_status_display().lower()}, so it cannot be "
                f"{Status(to).label.lower()}."
            )
        locked.status = to
        now = timezone.now()
        if to == Status.APPROVED:
            locked.approved_by, locked.approved_at = user, now
        elif to == Status.PUBLISHED:
            locked.published_by, locked.published_at = user, now
        elif to == Status.DRAFT:
            locked.approved_by = locked.approved_at = None
        locked.save()
    return locked


def approve(paper: Paper, user) -> Paper:
    return _move(paper, user, {Status.DRAFT}, Status.APPROVED)


def publish(paper: Paper, user) -> Paper:
    paper = _move(paper, user, {Status.APPROVED}, Status.PUBLISHED)
    request_files(paper.version)
    return paper


def return_to_draft(paper: Paper, user) -> Paper:
    return _move(paper, user, {Status.APPROVED}, Status.DRAFT)


def paper_marking(paper: Paper) -> str:
    """The status printed on every page: "Draft" until published, and a demo paper (its author a
    demo sign-in) says so in the document itself."""
    draft = "Draft" if paper.status == Status.DRAFT else ""
    return f"Demo {draft.lower()}".strip() if paper.is_demo else draft


def board_paper(
    paper: Paper, version: PaperVersion | None = None, *, with_annex: bool = False
) -> BoardPaper:
    """The document as a reader sees it: the version's prose around the template's figures as
    at the paper's date; the annex only when asked for (callers check `may_see_annex`)."""
    version = version or paper.version
    content = template(paper.template).build(
        paper.as_at, paper.since, paper.options, with_annex=with_annex
    )
    lines = PaperVersion.lines
    return BoardPaper(
        title=paper.title,
        subtitle=content.subtitle,
        date=(paper.published_at or paper.approved_at or version.saved_at).date(),
        summary=lines(version.summary),
        recommendations=lines(version.recommendations),
        recommendations_lead=content.recommendations_lead if version.recommendations else "",
        background_text=lines(version.background),
        background=content.sections,
        financial_implications=version.financial_implications,
        implications_for_wales=version.implications_for_wales,
        board=paper.board,
        meeting_date=paper.meeting_date,
        item_number=paper.item_number,
        purpose=Purpose(paper.purpose).label,
        author=paper.author.get_full_name() or paper.author.username,
        contacts=[contact_for(paper.contact_officer)],
        classification=paper.classification,
        as_at=paper.as_at,
        status=paper_marking(paper),
        annex=content.annex if with_annex else [],
        annex_marking=(
            f"{Classification.OFFICIAL_SENSITIVE}: confidential annex for the sector's "
            "improvement staff. Not for the Board's published papers."
        ),
    )


# Files ----------------------------------------------------------------------------------------
def request_files(version: PaperVersion) -> list[PaperFile]:
    """Ask for the board edition of a version in both formats (made in the background)."""
    return [request_file(version, fmt, with_annex=False) for fmt in DOWNLOADS]


def request_file(version: PaperVersion, fmt: str, *, with_annex: bool) -> PaperFile:
    """The stored file, or a pending one queued for rendering."""
    from apps.reports.jobs import enqueue_render

    file, created = PaperFile.objects.get_or_create(
        version=version, format=fmt, with_annex=with_annex, paper_status=version.paper.status
    )
    if created or file.state == PaperFile.State.FAILED:
        if not created:
            PaperFile.objects.filter(pk=file.pk).update(
                state=PaperFile.State.PENDING, error="", requested_at=timezone.now()
            )
        enqueue_render(file.pk, subject=str(file))
        file.refresh_from_db()
    return file


def web_body(paper: Paper, version: PaperVersion, *, with_annex: bool) -> str:
    """The paper's body for its web page. Once the figures' date has passed they can no longer
    change, so the page is stored (per version, status and edition) and served from then on."""
    from apps.reports.documents import render_html

    if paper.as_at >= timezone.localdate():
        return render_html(board_paper(paper, version, with_annex=with_annex))
    key = {
        "version": version,
        "format": FileFormat.HTML,
        "with_annex": with_annex,
        "paper_status": paper.status,
    }
    stored = PaperFile.objects.filter(**key, state=PaperFile.State.READY).first()
    if stored is not None:
        return bytes(stored.content).decode("utf-8")
    body = render_html(board_paper(paper, version, with_annex=with_annex))
    PaperFile.objects.update_or_create(
        **key,
        defaults={
            "content": body.encode("utf-8"),
            "state": PaperFile.State.READY,
            "rendered_at": timezone.now(),
        },
    )
    return body


def render_file(file_id: int) -> PaperFile:
    """Render one stored file (the background job's work); a failure is recorded, not lost."""
    from apps.reports.documents import render_docx, render_pdf

    file = PaperFile.objects.select_related("version__paper").get(pk=file_id)
    if file.state == PaperFile.State.READY:
        return file
    version = file.version
    try:
        document = board_paper(version.paper, version, with_annex=file.with_annex)
        render = render_pdf if file.format == FileFormat.PDF else render_docx
        file.content = render(document)
        file.state, file.error = PaperFile.State.READY, ""
    except Exception as error:  # recorded on the file so the page can say what went wrong
        file.state, file.error = PaperFile.State.FAILED, f"{type(error).__name__}: {error}"
    file.rendered_at = timezone.now()
    file.save(update_fields=["content", "state", "error", "rendered_at"])
    return file
