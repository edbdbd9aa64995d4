"""Records the core keeps for every app: which create-forms have already been submitted."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """One submitted create-form, by its idempotency key (a hidden field set when the form was
    shown). A second submission of the same form finds this row and goes to the first result."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"form {self.key} -> {self.result_url or '(in progress)'}"


class DataStamp(models.Model):
    """The published-data stamp of one table: a random number that database triggers replace
    whenever a statement writes the table (apps.core.stamp). Results computed from published
    data are cached under the stamps they depend on, so new data means new keys."""

    table = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.table} @ {self.version}"
