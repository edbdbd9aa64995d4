"""The register of accredited peers, their deployments, and the teams built for engagements."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.peers.teams.calendar import skipped, working_span
from apps.peers.teams.domain import PeerRecord, PriorDeployment


class ExpertiseArea(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class PeerKind(models.TextChoices):
    MEMBER = "member", "Member peer (councillor)"
    OFFICER = "officer", "Officer peer"


class OfficerRole(models.TextChoices):
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    FINANCE = "finance", "Finance / s151 officer"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring officer"
    CHILDRENS = "childrens", "Director of children's services"
    ADULTS = "adults", "Director of adult social services"
    OTHER = "other", "Other senior officer"


class PeerQuerySet(models.QuerySet):
    def search(self, text: str) -> PeerQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(peer_ref__iexact=text)
            | Q(home_council__name__icontains=text)
        )

    def of_kind(self, kind: str | None) -> PeerQuerySet:
        return self.filter(kind=kind) if kind else self

    def in_region(self, region: str | None) -> PeerQuerySet:
        return self.filter(region=region) if region else self

    def of_party(self, party: str | None) -> PeerQuerySet:
        return self.filter(party=party) if party else self

    def with_expertise(self, code: str | None) -> PeerQuerySet:
        return self.filter(expertise__code=code) if code else self

    def accredited_on(self, day: dt.date) -> PeerQuerySet:
        return self.filter(accredited_until__gte=day).filter(
            Q(accredited_on__isnull=True) | Q(accredited_on__lte=day)
        )

    def expired_on(self, day: dt.date) -> PeerQuerySet:
        return self.filter(Q(accredited_until__lt=day) | Q(accredited_until__isnull=True))

    def for_solver(self) -> PeerQuerySet:
        return (
            self.filter(active=True)
            .select_related("home_council")
            .prefetch_related("expertise", "former_councils", "deployments")
        )


class Peer(models.Model):
    peer_ref = models.CharField("peer ID", max_length=40, unique=True)
    name = models.CharField(max_length=120)
    synthetic = models.BooleanField(
        default=False, help_text="Generated for demonstration; not a real person"
    )
    kind = models.CharField(max_length=10, choices=PeerKind.choices)
    officer_role = models.CharField(max_length=24, choices=OfficerRole.choices, blank=True)
    party = models.CharField(max_length=30, blank=True, help_text="Member peers: party code")
    leadership_roles = models.CharField(
        max_length=200, blank=True, help_text="Member peers, e.g. Leader; Cabinet member"
    )
    expertise = models.ManyToManyField(ExpertiseArea, blank=True, related_name="peers")
    home_council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="peers"
    )
    former_councils = models.ManyToManyField(
        "councils.Council", blank=True, related_name="former_peers"
    )
    region = models.CharField(max_length=40, blank=True)
    max_days = models.PositiveSmallIntegerField("days available a year", default=20)
    accredited_on = models.DateField(null=True, blank=True)
    accredited_until = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_profile",
    )
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    objects = PeerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def role_label(self) -> str:
        if self.kind == PeerKind.OFFICER:
            return OfficerRole(self.officer_role).label if self.officer_role else "Officer peer"
        return f"Member peer ({self.party})" if self.party else "Member peer"

    def accredited(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return bool(self.accredited_until and self.accredited_until >= day) and (
            self.accredited_on is None or self.accredited_on <= day
        )

    def to_record(
        self, *, exclude_team=None, holds: tuple[PriorDeployment, ...] = ()
    ) -> PeerRecord:
        """The solver's view of this peer: deployments from the register (not those of
        `exclude_team`, a pk or a set of them) and `holds` by proposed teams."""
        excluded = exclude_team if isinstance(exclude_team, (set, frozenset)) else {exclude_team}
        history = tuple(
            PriorDeployment(d.start_date, d.days)
            for d in self.deployments.all()
            if d.team_id is None or d.team_id not in excluded
        ) + tuple(holds)
        return PeerRecord(
            peer_id=self.peer_ref,
            kind=self.kind,
            role=self.officer_role,
            party=self.party,
            expertise=frozenset(e.code for e in self.expertise.all()),
            home_council=self.home_council.gss_code if self.home_council else "",
            former_councils=frozenset(c.gss_code for c in self.former_councils.all()),
            region=self.region,
            max_days=self.max_days,
            accredited_until=self.accredited_until,
            accredited_from=self.accredited_on,
            history=history,
            name=self.name,
        )


class TrainingRecord(models.Model):
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="training")
    course = models.CharField(max_length=120)
    completed_on = models.DateField()

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on})"


LEAD_LABELS = {"officer": "Lead officer peer", "member": "Lead member peer"}


class TeamStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class TeamBatch(models.Model):
    """Teams built together for several engagements: one search over the shared pool."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300, blank=True, help_text="Solver stages, as run")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Peer teams built together ({self.label})"

    @property
    def ref(self) -> str:
        """A short code for files and the solver; people read `label`."""
        return f"TB{self.pk}"

    @property
    def label(self) -> str:
        return f"batch {self.pk}"


class TeamRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> TeamRequestQuerySet:
        from apps.accounts.permissions import visible_cases

        return visible_cases(self, user, "peer team", council_path="council")

    def holding(self, now=None) -> TeamRequestQuerySet:
        """Proposed teams whose hold on their peers has not expired."""
        return self.filter(status=TeamStatus.PROPOSED, held_until__gt=now or timezone.now())


class TeamRequest(models.Model):
    """A team to build for an engagement (or an ad-hoc request), and the team chosen.

    A proposed team holds its peers until `held_until`: while it does, other teams treat them as
    deployed on those dates, so two managers cannot promise the same peer twice."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_teams",
    )
    start_date = models.DateField()
    days = models.PositiveSmallIntegerField(default=5)
    team_size = models.PositiveSmallIntegerField(default=5)
    needs = models.JSONField(default=list, help_text="Expertise codes the council needs")
    ruling_party = models.CharField(max_length=30, help_text="Party code or NOC")
    ruling_party_source = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=TeamStatus.choices, default=TeamStatus.PROPOSED
    )
    batch = models.ForeignKey(
        TeamBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    held_until = models.DateTimeField(
        null=True, blank=True, help_text="A proposed team holds its peers until then"
    )
    solver_status = models.CharField(max_length=20, blank=True)
    solver_gap = models.FloatField(default=0)
    solver_seconds = models.FloatField(default=0)
    blockers = models.JSONField(default=list, blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = TeamRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Peer team for {self.council.name} from {self.start_date}"

    @property
    def ref(self) -> str:
        """A short code for files and the solver; people read `label`."""
        return f"TR{self.pk}"

    @property
    def label(self) -> str:
        return f"team request {self.pk}"

    @property
    def end_date(self) -> dt.date:
        """The last of its working days (weekends and bank holidays in England skipped)."""
        return working_span(self.start_date, self.days)[1]

    @property
    def holds(self) -> bool:
        return self.status == TeamStatus.PROPOSED and bool(
            self.held_until and self.held_until > timezone.now()
        )

    @property
    def bank_holidays(self) -> list[tuple[dt.date, str]]:
        """Bank holidays the team's working days step over."""
        return skipped(self.start_date, self.days)


class TeamMember(models.Model):
    """A peer on a proposed or confirmed team."""

    team = models.ForeignKey(TeamRequest, on_delete=models.CASCADE, related_name="members")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="team_places")
    lead = models.CharField(max_length=8, blank=True)  # "officer", "member" or ""
    chosen_by = models.CharField(max_length=10, default="solver")  # "solver" or "hand"

    class Meta:
        ordering = ["team", "-lead", "peer__name"]
        constraints = [models.UniqueConstraint(fields=["team", "peer"], name="unique_peer_in_team")]

    def __str__(self) -> str:
        return f"{self.peer} on {self.team}"


class Deployment(models.Model):
    """A peer's deployment history: what they gave, where, when (counts for capacity)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="deployments")
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        TeamRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="deployments"
    )
    start_date = models.DateField()
    days = models.PositiveSmallIntegerField(default=5)
    lead = models.CharField(max_length=8, blank=True)
    description = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.peer} at {self.council} from {self.start_date}"

    @property
    def end_date(self) -> dt.date:
        return working_span(self.start_date, self.days)[1]

    @property
    def role_label(self) -> str:
        return LEAD_LABELS.get(self.lead, "Peer")
