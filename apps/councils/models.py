"""English principal councils, current and former, as the mySociety register and ONS know them."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class CouncilType(models.TextChoices):
    COUNTY = "CTY", "County council"
    DISTRICT = "NMD", "District council"
    UNITARY = "UA", "Unitary authority"
    METROPOLITAN_DISTRICT = "MD", "Metropolitan district"
    LONDON_BOROUGH = "LBO", "London borough"
    CITY_CORPORATION = "CC", "City corporation"


REGIONS = [
    "East Midlands",
    "East of England",
    "London",
    "North East",
    "North West",
    "South East",
    "South West",
    "West Midlands",
    "Yorkshire and The Humber",
]


class CouncilQuerySet(models.QuerySet):
    def existing_on(self, day: dt.date) -> CouncilQuerySet:
        """Councils that existed on `day` (a missing start date means 'long before our data')."""
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gt=day),
        )

    def current(self) -> CouncilQuerySet:
        return self.filter(end_date__isnull=True)

    def search(self, text: str) -> CouncilQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(official_name__icontains=text)
            | Q(gss_code__iexact=text)
            | Q(ecode__iexact=text)
            | Q(code__iexact=text)
        )

    def in_region(self, region: str | None) -> CouncilQuerySet:
        return self.filter(region=region) if region else self

    def of_type(self, council_type: str | None) -> CouncilQuerySet:
        return self.filter(council_type=council_type) if council_type else self


class Council(models.Model):
    code = models.CharField(
        "register code", max_length=8, unique=True, help_text="mySociety three-letter code"
    )
    gss_code = models.CharField("ONS (GSS) code", max_length=9, unique=True)
    ecode = models.CharField("E-code", max_length=8, blank=True, db_index=True)
    name = models.CharField(max_length=120, help_text="Everyday name, e.g. Croydon")
    official_name = models.CharField(max_length=200)
    council_type = models.CharField("type", max_length=3, choices=CouncilType.choices)
    region = models.CharField(max_length=40, blank=True, db_index=True)
    county = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="districts",
        help_text="For a district: the county council that covers it",
    )
    population = models.PositiveIntegerField(null=True, blank=True, help_text="Mid-2020")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    replaced_by = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="replaces"
    )

    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.official_name

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    def nearest_neighbours(self) -> models.QuerySet[Council]:
        return Council.objects.filter(neighbour_of__council=self).order_by("neighbour_of__rank")

    def latest_political_control(self) -> PoliticalControl | None:
        """The most recent control we know of (it may be old: check `valid_from`/`source`)."""
        return self.political_control.order_by("-valid_from").first()

    def political_control_on(self, day: dt.date) -> PoliticalControl | None:
        return (
            self.political_control.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )


class NearestNeighbour(models.Model):
    """One of Oflog's 15 most similar councils. `rank` is the position in Oflog's published list,
    which is sorted by code: Oflog does not publish the order of similarity within a group."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="neighbours")
    neighbour = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="neighbour_of")
    rank = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=60, default="Oflog NN.json")

    class Meta:
        ordering = ["council", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["council", "neighbour"], name="unique_neighbour"),
            models.UniqueConstraint(fields=["council", "rank"], name="unique_neighbour_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.neighbour} is a nearest neighbour of {self.council}"


class PoliticalControl(models.Model):
    """Who controlled a council over a period: a dated fact, since control changes."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="political_control")
    control = models.CharField(max_length=20, help_text="Party code, e.g. Con, Lab, LD, or NOC")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=120)

    class Meta:
        ordering = ["council", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["council", "valid_from"], name="unique_control_period")
        ]

    def __str__(self) -> str:
        return f"{self.council.name}: {self.control} from {self.valid_from}"

    @property
    def ruling_party(self) -> str | None:
        return None if self.control == "NOC" else self.control
