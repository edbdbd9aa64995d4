"""A consultation from paper to final framework: the paper and its versions, the questions, who it
was issued to and when, the regional meetings, every response (online, late, offline), and the
themes people agree for free-text answers.

Nothing here ever deletes a response: late, offline and template (campaign) responses are kept and
flagged, because the sector promised to "analyse all the consultation responses we receive".
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.core.tokens import hash_token, new_token, new_token_hash

LONDON = ZoneInfo("Europe/London")


class StakeholderGroup(models.TextChoices):
    COUNCIL_LEADERS = "council_leaders", "Council leaders"
    CHIEF_EXECUTIVES = "chief_executives", "Chief executives"
    REGIONAL_PARTNERSHIPS = "regional_partnerships", "Regional partnerships"
    INSPECTORATES = "inspectorates", "Inspectorates"
    GOVERNMENT_DEPARTMENTS = "government_departments", "Government departments"
    OTHER_ORGANISATIONS = "other_organisations", "Other organisations"
    INDIVIDUALS = "individuals", "Individuals"


def end_of_day_london(day: dt.date) -> dt.datetime:
    """The last moment of `day` in London, as an aware datetime (BST/GMT handled by zoneinfo)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=LONDON)


def start_of_day_london(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)


class ConsultationQuerySet(models.QuerySet):
    def open_now(self, now: dt.datetime | None = None) -> ConsultationQuerySet:
        today = (now or timezone.now()).astimezone(LONDON).date()
        return self.filter(opens_on__lte=today, closes_on__gte=today)

    def closed(self, now: dt.datetime | None = None) -> ConsultationQuerySet:
        today = (now or timezone.now()).astimezone(LONDON).date()
        return self.filter(closes_on__lt=today)

    def public(self) -> ConsultationQuerySet:
        """Consultations the public may see: those that have opened."""
        today = timezone.now().astimezone(LONDON).date()
        return self.filter(opens_on__lte=today)


class Consultation(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    opens_on = models.DateField(help_text="Opens at the start of this day, London time")
    closes_on = models.DateField(help_text="Closes at the end of this day, London time")
    is_demo = models.BooleanField(default=False)
    contact_officer = models.CharField(max_length=200, blank=True)
    report_published = models.BooleanField(
        default=False, help_text="The 'what we heard' report is public"
    )
    responses_published = models.BooleanField(
        default=False, help_text="Consented responses are public, redacted"
    )
    framework_text = models.TextField(blank=True, help_text="The final framework as published")
    framework_published = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.slug])

    @property
    def opens_at(self) -> dt.datetime:
        return start_of_day_london(self.opens_on)

    @property
    def closes_at(self) -> dt.datetime:
        return end_of_day_london(self.closes_on)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.closes_at

    def is_closed(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.closes_at

    @property
    def status_label(self) -> str:
        if self.is_open():
            return "Open"
        return "Closed" if self.is_closed() else "Not yet open"

    def current_paper(self) -> PaperVersion | None:
        return self.paper_versions.order_by("-version").first()


class PaperVersion(models.Model):
    """One version of the consultation paper; a new version never overwrites the old."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="paper_versions"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    upload = models.FileField(upload_to="consultation-papers/", blank=True)
    published_on = models.DateField(null=True, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "version"], name="unique_paper_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    SCALE = "scale", "Agree-disagree scale"
    FREE_TEXT = "free_text", "Free text"
    CHOICE_TEXT = "choice_text", "Choice plus free text"


AGREE_SCALE = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
]
# Score for the agreement index: +2 strongly agree .. -2 strongly disagree.
AGREE_SCORES = dict(zip(AGREE_SCALE, [2, 1, 0, -1, -2], strict=True))


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField()
    hint = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    options = models.JSONField(
        default=list, blank=True, help_text="Choices for single, multiple and choice-plus-text"
    )
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="unique_question_number"
            )
        ]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.text}"

    @property
    def choices(self) -> list[str]:
        return AGREE_SCALE if self.kind == QuestionKind.SCALE else list(self.options)

    @property
    def has_choices(self) -> bool:
        return self.kind != QuestionKind.FREE_TEXT

    @property
    def has_text(self) -> bool:
        return self.kind in (QuestionKind.FREE_TEXT, QuestionKind.CHOICE_TEXT)


class Contact(models.Model):
    """An organisation record to issue the paper to. Role addresses only: never invented people."""

    group = models.CharField(max_length=24, choices=StakeholderGroup.choices)
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=120, help_text="e.g. 'Leader, Croydon'")
    email = models.EmailField(blank=True)
    email_is_placeholder = models.BooleanField(
        default=True, help_text="A placeholder role address, not a verified mailbox"
    )
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.CASCADE)
    region = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["group", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["group", "organisation", "role"], name="unique_contact")
        ]

    def __str__(self) -> str:
        return self.role


class Issue(models.Model):
    """The paper (a version) went to a contact at a moment, by a person; emailed or not."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="issues")
    paper_version = models.ForeignKey(PaperVersion, on_delete=models.CASCADE)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="issues")
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    emailed = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper_version", "contact"], name="unique_issue_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.paper_version} to {self.contact}"


class RegionalMeeting(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="meetings"
    )
    region = models.CharField(max_length=40)
    title = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    venue = models.CharField(max_length=200)
    attending_councils = models.ManyToManyField("councils.Council", blank=True)
    other_attendees = models.TextField(
        blank=True, help_text="Other attending organisations, one per line"
    )
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Attribution for the views")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["date", "region"]

    def __str__(self) -> str:
        return f"{self.region} meeting, {self.date:%d %B %Y}"

    @property
    def other_attendee_list(self) -> list[str]:
        return [line.strip() for line in self.other_attendees.splitlines() if line.strip()]


class MeetingView(models.Model):
    """A view expressed at a meeting, about one question; evidence beside written responses."""

    meeting = models.ForeignKey(RegionalMeeting, on_delete=models.CASCADE, related_name="views")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting_views"
    )
    text = models.TextField()
    agrees = models.PositiveIntegerField(null=True, blank=True, help_text="Show of hands / votes")
    disagrees = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "question__number", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Channel(models.TextChoices):
    ONLINE = "online", "Online form"
    STAFF = "staff", "Entered by staff"
    OFFLINE_IMPORT = "import", "Imported from a file"


class RespondentType(models.TextChoices):
    INDIVIDUAL = "individual", "As an individual"
    ORGANISATION = "organisation", "On behalf of an organisation"


def new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
    # 32 letters: each random byte picks one without bias (and 8 bytes cost one system call,
    # where `secrets.choice` made eight; imports make a million of these)
    code = "".join(alphabet[b % 32] for b in secrets.token_bytes(8))
    return f"{code[:4]}-{code[4:]}"


class ResponseQuerySet(models.QuerySet):
    def submitted(self) -> ResponseQuerySet:
        return self.filter(submitted_at__isnull=False)

    def drafts(self) -> ResponseQuerySet:
        return self.filter(submitted_at__isnull=True)

    def late(self) -> ResponseQuerySet:
        return self.filter(is_late=True)

    def publishable(self) -> ResponseQuerySet:
        return self.submitted().filter(consent_to_publish=True)

    def with_token(self, raw: str) -> ResponseQuerySet:
        """The response whose private link carries this token (found by the token's hash)."""
        return self.filter(token_hash=hash_token(raw))


class Response(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    reference = models.CharField(max_length=20, unique=True, default=new_reference)
    # The private link's token is stored only as its SHA-256; the raw token exists in the link (and
    # on `token` while the request that made or found the response runs).
    token_hash = models.CharField(
        max_length=64, unique=True, default=new_token_hash, editable=False
    )
    respondent_type = models.CharField(
        max_length=12, choices=RespondentType.choices, default=RespondentType.INDIVIDUAL
    )
    group = models.CharField(
        "stakeholder group",
        max_length=24,
        choices=StakeholderGroup.choices,
        default=StakeholderGroup.INDIVIDUALS,
    )
    organisation = models.CharField(max_length=200, blank=True)
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    consent_to_publish = models.BooleanField(default=False)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    is_late = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)
    received_at = models.DateTimeField(
        null=True, blank=True, help_text="When it reached us (for offline: the postmark/date)"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    row_key = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="Offline imports: hash of the row's content and its occurrence in the file "
        "(a re-import skips rows already imported)",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ResponseQuerySet.as_manager()

    token = ""  # the raw private-link token, known only to the request that made or found it

    class Meta:
        ordering = ["-submitted_at", "-created"]
        indexes = [models.Index(fields=["consultation", "row_key"])]

    def __str__(self) -> str:
        return f"Response {self.reference}"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and not self.token:
            self.token = new_token()
            self.token_hash = hash_token(self.token)
        if self._state.adding:
            # among a million stored references a new random one clashes about once in a million
            # responses: draw again rather than fail the respondent's submission
            while Response.objects.filter(reference=self.reference).exists():
                self.reference = new_reference()
        super().save(*args, **kwargs)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_offline(self) -> bool:
        return self.channel != Channel.ONLINE

    @property
    def respondent_label(self) -> str:
        if self.respondent_type == RespondentType.ORGANISATION and self.organisation:
            return self.organisation
        return "Individual"

    def submit(self, when: dt.datetime | None = None) -> None:
        """Mark submitted; a response arriving after the closing moment is kept and flagged."""
        when = when or timezone.now()
        self.submitted_at = when
        received = self.received_at or when
        self.received_at = received
        self.is_late = received > self.consultation.closes_at
        self.save()


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(default=list, blank=True, help_text="Chosen options")
    text = models.TextField(blank=True)
    text_key = models.CharField(
        max_length=16,
        null=True,
        blank=True,
        help_text="Campaign template key of the text (empty: too short to be a template; "
        "unset: not grouped yet)",
    )
    campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )

    class Meta:
        ordering = ["question__number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="unique_answer")
        ]
        indexes = [models.Index(fields=["question", "text_key"])]

    def __str__(self) -> str:
        return f"{self.response} Q{self.question.number}"

    def save(self, *args, **kwargs) -> None:
        # a new or edited text must be grouped again (see services.campaigns)
        self.text_key, self.campaign = None, None
        super().save(*args, **kwargs)

    @property
    def is_empty(self) -> bool:
        return not self.choices and not self.text.strip()


class Campaign(models.Model):
    """Answers to one question sharing a template (exact or with personal edits): kept, counted,
    shown once with their count. Rebuilt by services.campaigns.detect."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="campaigns")
    number = models.PositiveIntegerField(help_text="1 = the largest in the consultation")
    size = models.PositiveIntegerField()
    variants = models.PositiveIntegerField(help_text="Distinct wordings among the members")
    template = models.TextField(help_text="The most common wording")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.label} {self.number} ({self.size})"

    @property
    def label(self) -> str:
        return "Campaign" if self.size >= CAMPAIGN_SIZE else "Near-duplicates"

    @property
    def question_number(self) -> int:
        return self.question.number


CAMPAIGN_SIZE = 5  # smaller groups are shown as near-duplicates rather than a campaign


class TextEmbedding(models.Model):
    """The sentence embedding of one exact text, stored once however many answers share it
    (computed by services.embeddings, never per page view)."""

    digest = models.CharField(max_length=32, unique=True, help_text="blake2b-128 of the text")
    vector = models.BinaryField(help_text="512 float16 values")

    def __str__(self) -> str:
        return self.digest


class ThemeOrigin(models.TextChoices):
    DISCOVERED = "discovered", "Proposed by discovery"
    PERSON = "person", "Added by a person"
    SPLIT = "split", "Split from another theme"


class Theme(models.Model):
    """A theme for one free-text question; a person agrees its name and description."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    origin = models.CharField(
        max_length=12, choices=ThemeOrigin.choices, default=ThemeOrigin.DISCOVERED
    )
    agreed = models.BooleanField(default=False, help_text="A person has reviewed this theme")

    class Meta:
        ordering = ["question", "name"]

    def __str__(self) -> str:
        return self.name


class CodingSource(models.TextChoices):
    PERSON = "person", "Coded by a person"
    MODEL = "model", "Mapped by the model"
    DISCOVERY = "discovery", "From discovery clusters"


class ThemeAssignment(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="assignments")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    source = models.CharField(max_length=10, choices=CodingSource.choices)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "theme"], name="unique_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.theme} ({self.source})"


class CodedAnswer(models.Model):
    """A person has looked at this answer (even if it fits no theme): the mapper's ground truth."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="coded")
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    coded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Coded {self.answer}"


class FrameworkChange(models.Model):
    """'You said, we did': a theme heard and what changed in the final framework."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="framework_changes"
    )
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL)
    you_said = models.TextField()
    we_did = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["consultation", "order", "pk"]

    def __str__(self) -> str:
        return self.you_said[:80]


class AnalysisJob(models.Model):
    """A long analysis step, polled by the page so a person sees progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=20)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"
