"""A job left "running" by a worker that was killed is retried or failed, saying why; a job whose
worker still marks it alive is left alone."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.jobs import services
from apps.jobs.models import Job
from apps.jobs.tests import sample_jobs


def _running(silent_for: timedelta, attempts: int, max_attempts: int) -> Job:
    job = Job.objects.create(
        function=sample_jobs.count_words.path, label=sample_jobs.count_words.label,
        arguments={"text": "left behind"}, status=Job.Status.RUNNING, attempts=attempts,
        max_attempts=max_attempts, worker="worker-killed", started=timezone.now() - silent_for,
    )  # fmt: skip
    Job.objects.filter(pk=job.pk).update(updated=timezone.now() - silent_for)  # no auto_now
    return job


@pytest.mark.django_db
def test_a_stalled_job_with_attempts_left_is_queued_again_and_runs():
    job = _running(timedelta(minutes=12), attempts=1, max_attempts=2)
    assert [j.pk for j in services.recover_stalled()] == [job.pk]
    job.refresh_from_db()  # the immediate backend (tests) has run the retry already
    assert (job.status, job.attempts, job.message) == (Job.Status.DONE, 2, "2 words")


@pytest.mark.django_db
def test_a_stalled_job_without_attempts_left_fails_saying_why():
    job = _running(timedelta(minutes=12), attempts=1, max_attempts=1)
    call_command("recover_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished is not None
    assert job.message == (
        "Failed: its worker (worker-killed) stopped during attempt 1 "
        "(no sign of life for 12 min: killed or restarted?)"
    )


@pytest.mark.django_db
def test_a_job_marked_alive_recently_is_left_running():
    job = _running(services.STALLED_AFTER - timedelta(minutes=1), attempts=1, max_attempts=2)
    assert services.recover_stalled() == []
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_long_silent_job_alive(monkeypatch):
    monkeypatch.setattr(services, "HEARTBEAT", timedelta(seconds=0.05))
    job = _running(timedelta(minutes=12), attempts=1, max_attempts=1)
    stop = threading.Event()
    beat = threading.Thread(target=services._beat, args=(job.pk, stop))
    beat.start()
    time.sleep(0.5)
    stop.set()
    beat.join()
    job.refresh_from_db()
    assert timezone.now() - job.updated < timedelta(seconds=5)
    assert services.recover_stalled() == []
