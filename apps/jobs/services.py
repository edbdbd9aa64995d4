"""The jobs API (see the package docstring): declare with @background, start with .start()."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, task

from apps.jobs.models import Job

logger = logging.getLogger("nlb.jobs")

RETRY_DELAY = timedelta(seconds=10)  # times the attempt number: 10 s, 20 s, 30 s, ...
HEARTBEAT = timedelta(seconds=30)  # a worker marks its running job alive this often
STALLED_AFTER = timedelta(minutes=5)  # a running job unmarked this long: its worker is gone


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
    recover_stalled()  # a job left "running" by a worker that was killed: retry or fail it
    _run(job, worker=str(worker)[:64], heartbeat=not transaction.get_connection().in_atomic_block)


def recover_stalled(now=None) -> list[Job]:
    """Jobs still "running" whose worker has not marked them alive for STALLED_AFTER (killed,
    machine restarted): queued again if attempts remain, else failed, saying so. Each worker
    runs this before each job; `nlb recover_jobs` runs it by hand or from a timer."""
    now = now or timezone.now()
    recovered = []
    with transaction.atomic():
        stalled = Job.objects.select_for_update(skip_locked=True).filter(
            status=Job.Status.RUNNING, updated__lt=now - STALLED_AFTER
        )
        for job in stalled:
            minutes = round((now - job.updated).total_seconds() / 60)
            cause = (
                f"its worker ({job.worker or 'unknown'}) stopped during attempt {job.attempts} "
                f"(no sign of life for {minutes} min: killed or restarted?)"
            )
            _abandon_queue_entry(job, cause)
            if job.attempts < job.max_attempts:
                job.status = Job.Status.QUEUED
                job.message = f"Attempt {job.attempts} lost: {cause}; retrying"[:300]
                job.save(update_fields=["status", "message", "updated"])
                logger.warning("job=%s stalled; queued again: %s", job.pk, cause)
                _enqueue(job)
            else:
                job.status, job.finished = Job.Status.FAILED, now
                job.message = f"Failed: {cause}"[:300]
                job.save(update_fields=["status", "finished", "message", "updated"])
                logger.error("job=%s stalled; failed: %s", job.pk, cause)
            recovered.append(job)
    return recovered


def _abandon_queue_entry(job: Job, cause: str) -> None:
    """The lost attempt's queue entry, still "running" in the queue's table, is marked failed so
    that `nlb prune_db_task_results` clears it like any finished entry."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not job.task_id:
        return
    try:
        entry = DBTaskResult.objects.filter(pk=job.task_id, status=TaskResultStatus.RUNNING).first()
    except (ValueError, ValidationError):  # not an id of the database backend's queue
        return
    if entry is not None:
        entry.set_failed(RuntimeError(cause))


def _beat(job_id: int, stop: threading.Event) -> None:
    """Mark a running job alive every HEARTBEAT until stopped (own thread; its connection is
    held only for each beat's one statement, then closed, so it costs no standing connection)."""
    while not stop.wait(HEARTBEAT.total_seconds()):
        try:
            Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(updated=timezone.now())
        except Exception:  # noqa: BLE001 - a missed beat must never break the job itself
            logger.warning("job=%s heartbeat failed", job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only


def _run(job: Job, worker: str, heartbeat: bool = False) -> None:
    now = timezone.now()
    job.status, job.worker, job.attempts = Job.Status.RUNNING, worker, job.attempts + 1
    job.started = job.started or now
    Job.objects.filter(pk=job.pk).update(
        status=job.status, worker=worker, attempts=job.attempts, started=job.started, updated=now
    )
    logger.info("job=%s label=%r attempt=%s worker=%s", job.pk, job.label, job.attempts, worker)
    stop = threading.Event()
    if heartbeat:  # on a worker: keep the job marked alive however long it runs silently
        threading.Thread(target=_beat, args=(job.pk, stop), daemon=True).start()
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
    finally:
        stop.set()
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
