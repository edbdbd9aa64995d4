"""Board papers as documents: a paper is drafted from a template, its prose is edited in the web
(every save kept as a version), it is approved and then published. The figures come live from
the template as at the paper's "as at" date, so the same paper renders the same figures later.

Rendered files (PDF, DOCX) are made in the background and stored per version, so a download
serves a stored file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.accounts import permissions


class Purpose(models.TextChoices):
    DECISION = "decision", "For decision"
    DISCUSSION = "discussion", "For discussion"
    INFORMATION = "information", "For information"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class Classification(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class PaperQuerySet(models.QuerySet):
    def visible_to(self, user) -> PaperQuerySet:
        """Staff see every paper; anyone signed in sees published papers; the public sees
        published papers marked OFFICIAL."""
        if permissions.is_staff_role(user):
            return self.all()
        if user.is_authenticated:
            return self.filter(status=Status.PUBLISHED)
        return self.filter(status=Status.PUBLISHED, classification=Classification.OFFICIAL)

    def published(self) -> PaperQuerySet:
        return self.filter(status=Status.PUBLISHED)


class Paper(models.Model):
    template = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    board = models.CharField(max_length=120, default="Improvement Board")
    meeting_date = models.DateField()
    item_number = models.CharField("agenda item number", max_length=10)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.DECISION)
    as_at = models.DateField("figures as at", help_text="The date the figures are taken at")
    since = models.DateField(
        null=True,
        blank=True,
        help_text="Changes are reported since this date (the last paper's 'as at' date)",
    )
    options = models.JSONField(default=dict, blank=True)  # e.g. {"consultation": "<slug>"}
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="papers_written"
    )
    contact_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="papers_contact"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_date", "item_number", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def version(self) -> PaperVersion | None:
        return self.versions.order_by("-number").first()

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class PaperVersion(models.Model):
    """The paper's prose as saved once; every save makes a new version, none is overwritten."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.TextField(help_text="One paragraph per line")
    recommendations = models.TextField(blank=True, help_text="One recommendation per line")
    background = models.TextField(blank=True, help_text="One paragraph per line")
    financial_implications = models.TextField()
    implications_for_wales = models.TextField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="unique_board_paper_version")
        ]

    def __str__(self) -> str:
        return f"{self.paper} v{self.number}"

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"
    HTML = "html", "Web page"  # the paper's body as shown on its page, kept once made


DOWNLOADS = [FileFormat.PDF, FileFormat.DOCX]


class PaperFile(models.Model):
    """One rendered file of one version: the board edition, or the edition with the
    confidential annex (served only to those who may see it)."""

    class State(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(PaperVersion, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=4, choices=FileFormat.choices)
    with_annex = models.BooleanField(default=False)
    paper_status = models.CharField(
        max_length=10, choices=Status.choices, help_text="The paper's status it was rendered at"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    content = models.BinaryField(blank=True, default=b"")
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "format", "with_annex", "paper_status"],
                name="unique_board_paper_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.format}{' with annex' if self.with_annex else ''}"
