"""The jobs API (see the package docstring): declare with @background, start with .start()."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, task

from apps.jobs.models import Job

logger = logging.getLogger("nlb.jobs")

RETRY_DELAY = timedelta(seconds=10)  # times the attempt number: 10 s, 20 s, 30 s, ...


class JobRefused(Exception):
    """Raised by a job whose input is wrong (a file with a bad row, say): the job fails at once,
    without retries, its message is this exception's text alone and no traceback is kept, since
    the person who started it has something to fix, not the operator (a refusal over 300
    characters is kept whole in `error`)."""


class BackgroundJob:
    """A function `fn(job, **arguments)` that can run on the queue with a Job record.
    `link(job)`, if given, is where a person sees what a finished job did (a URL, or "")."""

    def __init__(
        self,
        function: Callable[..., Any],
        label: str,
        retries: int = 0,
        link: Callable[[Job], str] | None = None,
    ) -> None:
        self.function = function
        self.label = label
        self.retries = retries
        self.link = link
        self.path = f"{function.__module__}.{function.__qualname__}"
        self.__doc__ = function.__doc__

    def __call__(self, job: Job, **arguments: Any) -> Any:
        return self.function(job, **arguments)

    def _create(self, user, subject: str, arguments: dict[str, Any], attempts: int) -> Job:
        return Job.objects.create(
            function=self.path,
            label=self.label,
            subject=subject[:200],
            arguments=arguments,
            max_attempts=attempts,
            created_by=user if user is not None and user.is_authenticated else None,
        )

    def start(self, *, user=None, subject: str = "", **arguments: Any) -> Job:
        """Queue the job and return its record (already finished on the immediate backend)."""
        job = self._create(user, subject, arguments, attempts=self.retries + 1)
        _enqueue(job)
        job.refresh_from_db()
        return job

    def run_now(self, *, user=None, subject: str = "", **arguments: Any) -> Job:
        """Run in this process with the same record, progress and failure handling (no retries)."""
        job = self._create(user, subject, arguments, attempts=1)
        _run(job, worker="inline")
        job.refresh_from_db()
        return job


def background(
    label: str, *, retries: int = 0, link: Callable[[Job], str] | None = None
) -> Callable[[Callable[..., Any]], BackgroundJob]:
    """Decorator: `@background("What it does", retries=N, link=fn)` over
    `def fn(job, **arguments)`; `link(job)` is the page showing a finished job's outcome."""

    def wrap(function: Callable[..., Any]) -> BackgroundJob:
        return BackgroundJob(function, label, retries, link)

    return wrap


def outcome_link(job: Job) -> str:
    """Where to see what `job` did once finished ("" if its kind declares no such page)."""
    try:
        declared = import_string(job.function)
    except ImportError:
        return ""
    link = getattr(declared, "link", None)
    return link(job) if link is not None else ""


def _enqueue(job: Job, delay: timedelta | None = None) -> None:
    queued = run_job
    if delay and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + delay)
    result = queued.enqueue(job.pk)
    # The immediate backend has run the job already; the database backend runs it after commit.
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> None:
    """The one queued task: runs the job's function with its record (worker side)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:  # deleted while queued: nothing to do
        logger.warning("job=%s missing; queue entry dropped", job_id)
        return
    worker = (context.task_result.worker_ids or ["?"])[-1]
    _run(job, worker=str(worker)[:64])


def _run(job: Job, worker: str) -> None:
    now = timezone.now()
    job.status, job.worker, job.attempts = Job.Status.RUNNING, worker, job.attempts + 1
    job.started = job.started or now
    Job.objects.filter(pk=job.pk).update(
        status=job.status, worker=worker, attempts=job.attempts, started=job.started, updated=now
    )
    logger.info("job=%s label=%r attempt=%s worker=%s", job.pk, job.label, job.attempts, worker)
    try:
        function = import_string(job.function)
        outcome = function(job, **job.arguments)
    except JobRefused as exc:
        _refused(job, exc)
        return
    except Exception as exc:
        failure, job.error = exc, traceback.format_exc()
    else:
        failure = None
    if failure is not None:  # handled outside `except`, so a retry's traceback stands alone
        _failed(job, failure)
        return
    job.status, job.progress, job.finished = Job.Status.DONE, 100, timezone.now()
    if isinstance(outcome, str) and outcome:
        job.message = outcome[:300]
    job.save(update_fields=["status", "progress", "finished", "message", "updated"])
    logger.info("job=%s label=%r done seconds=%.1f", job.pk, job.label, job.seconds or 0)


def _refused(job: Job, exc: JobRefused) -> None:
    text = str(exc)
    job.status, job.finished = Job.Status.FAILED, timezone.now()
    job.message = text if len(text) <= 300 else text[:299] + "…"
    job.error = "" if len(text) <= 300 else text  # the whole of a long refusal, no traceback
    job.save(update_fields=["status", "finished", "message", "error", "updated"])
    logger.info("job=%s refused its input: %s", job.pk, job.message)


def _failed(job: Job, exc: Exception) -> None:
    cause = f"{type(exc).__name__}: {exc}"
    if job.attempts < job.max_attempts:
        delay = RETRY_DELAY * job.attempts
        job.status = Job.Status.QUEUED
        job.message = f"Attempt {job.attempts} failed ({cause}); retrying"[:300]
        job.save(update_fields=["status", "message", "error", "updated"])
        logger.warning("job=%s attempt=%s failed cause=%r; retrying", job.pk, job.attempts, cause)
        with transaction.atomic():
            _enqueue(job, delay)
        return
    job.status, job.finished = Job.Status.FAILED, timezone.now()
    job.message = f"Failed after {job.attempts} attempt(s): {cause}"[:300]
    job.save(update_fields=["status", "finished", "message", "error", "updated"])
    logger.error("job=%s failed attempts=%s cause=%r", job.pk, job.attempts, cause, exc_info=exc)
