"""The indicator catalogue and dated observations of each council against it.

An Observation is one published figure: council x indicator x period, as it became public on
`published`. A revised figure is a second row with a later `published`, so the system can answer
"what did we know on date D" (see services/point_in_time.py)."""

from __future__ import annotations

import datetime as dt

from django.db import models


class Polarity(models.TextChoices):
    HIGHER_IS_WORSE = "higher_is_worse", "Higher is worse"
    LOWER_IS_WORSE = "lower_is_worse", "Lower is worse"
    NEUTRAL = "neutral", "Neutral"


class Basis(models.TextChoices):
    OUTTURN = "outturn", "Outturn (what happened)"
    FORECAST = "forecast", "Forecast (what the council expected at the start of the year)"


class IndicatorQuerySet(models.QuerySet):
    def derived(self) -> IndicatorQuerySet:
        return self.filter(is_derived=True)

    def imported(self) -> IndicatorQuerySet:
        return self.filter(is_derived=False)

    def outturn(self) -> IndicatorQuerySet:
        return self.filter(basis=Basis.OUTTURN)

    def forecasts(self) -> IndicatorQuerySet:
        return self.filter(basis=Basis.FORECAST)


class Indicator(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    unit = models.CharField(max_length=60)
    polarity = models.CharField(max_length=20, choices=Polarity.choices)
    source = models.CharField(max_length=40, db_index=True)
    definition = models.TextField()
    basis = models.CharField(
        max_length=10,
        choices=Basis.choices,
        default=Basis.OUTTURN,
        help_text="Forecasts are separate indicators (code ending _forecast), never outturn",
    )
    is_derived = models.BooleanField(default=False)
    rule = models.JSONField(null=True, blank=True, help_text="For derived indicators")

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["source", "code"]

    def __str__(self) -> str:
        return self.code


class ObservationQuerySet(models.QuerySet):
    def known_on(self, day: dt.date) -> ObservationQuerySet:
        """Every vintage published on or before `day` (use point_in_time for the latest only)."""
        return self.filter(published__lte=day)

    def for_council(self, gss_code: str) -> ObservationQuerySet:
        return self.filter(council__gss_code=gss_code)


class Observation(models.Model):
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="observations"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    period = models.CharField(max_length=30, help_text='e.g. "2016-17", or an inspection')
    period_end = models.DateField()
    value = models.FloatField()
    text_value = models.CharField(max_length=60, blank=True)
    source_file = models.CharField(max_length=200)
    published = models.DateField(db_index=True, help_text="When this figure became public")
    vintage = models.DateField(
        help_text="Release date of the file this value was read from (a later vintage wins "
        "when two files give the same council, indicator, period and published date)"
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "council", "period_end", "published"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "indicator", "period", "published"],
                name="unique_observation_vintage",
            )
        ]
        indexes = [models.Index(fields=["indicator", "published"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.council_id}: {self.value}"
