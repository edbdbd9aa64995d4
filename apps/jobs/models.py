"""A background job as people see it: what, for whom, how far, and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone


class JobQuerySet(models.QuerySet["Job"]):
    def unfinished(self) -> JobQuerySet:
        return self.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])

    def failed(self) -> JobQuerySet:
        return self.filter(status=Job.Status.FAILED)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    function = models.CharField(max_length=200, help_text="Dotted path of the job's function")
    label = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True, help_text="What the job is about")
    arguments = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True, help_text="Traceback of the last failed attempt")
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=1)
    worker = models.CharField(max_length=64, blank=True, help_text="Worker of the last attempt")
    task_id = models.CharField(max_length=64, blank=True, help_text="Queue entry of the last try")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def seconds(self) -> float | None:
        if not self.started:
            return None
        return ((self.finished or timezone.now()) - self.started).total_seconds()

    def report(self, percent: int, message: str = "") -> None:
        """Record progress; visible at once to every process: the update commits on its own, and
        from inside a transaction (an all-or-nothing import) it is also written through a
        connection of its own on PostgreSQL (SQLite has one writer, so there it shows at the
        commit)."""
        self.progress = max(0, min(100, int(percent)))
        if message:
            self.message = message[:300]
        self.updated = timezone.now()
        if connection.in_atomic_block and connection.vendor == "postgresql":
            self._report_outside_the_transaction()  # (not also inside: it would lock the row)
            return
        Job.objects.filter(pk=self.pk).update(
            progress=self.progress, message=self.message, updated=self.updated
        )

    def _report_outside_the_transaction(self) -> None:
        side = connections.create_connection(DEFAULT_DB_ALIAS)  # a new connection, autocommit
        try:
            table, quote = Job._meta.db_table, side.ops.quote_name
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(table)} SET progress = %s, message = %s, updated = %s "
                    "WHERE id = %s",
                    [self.progress, self.message, self.updated, self.pk],
                )
        finally:
            side.close()
