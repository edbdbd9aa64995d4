import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from apps.accounts.models import Role
from apps.jobs.models import Job
from apps.jobs.tests import sample_jobs

pytestmark = pytest.mark.django_db


def test_a_job_records_progress_and_its_closing_message(make_user):
    user = make_user(role=Role.PROGRAMME_MANAGER)
    job = sample_jobs.count_words.start(text="nowhere left behind", user=user, subject="a test")
    assert (job.status, job.progress, job.message) == (Job.Status.DONE, 100, "3 words")
    assert job.attempts == 1 and job.created_by == user and job.finished >= job.started


def test_a_failing_job_is_retried_then_succeeds():
    job = sample_jobs.flaky.start(fail_times=2)
    assert job.status == Job.Status.DONE
    assert job.attempts == 3 and job.message == "succeeded on attempt 3"


def test_a_job_that_keeps_failing_says_why_and_keeps_the_traceback():
    job = sample_jobs.flaky.start(fail_times=5)
    assert job.status == Job.Status.FAILED and job.attempts == job.max_attempts == 3
    assert job.message == (
        "Failed after 3 attempt(s): ConnectionError: source unreachable on attempt 3"
    )
    assert job.error.count("Traceback") == 1 and "attempt 3" in job.error


def test_run_now_uses_the_same_record_without_the_queue():
    job = sample_jobs.count_words.run_now(text="one two")
    assert job.status == Job.Status.DONE and job.worker == "inline" and job.task_id == ""
    failed = sample_jobs.flaky.run_now(fail_times=1)
    assert failed.status == Job.Status.FAILED and (failed.attempts, failed.max_attempts) == (1, 1)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_on_the_database_backend_a_job_waits_for_a_worker():
    from django_tasks_db.models import DBTaskResult

    job = sample_jobs.count_words.start(text="queued words")
    assert job.status == Job.Status.QUEUED and job.attempts == 0
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"


def test_staff_see_jobs_with_status_and_progress(client, make_user):
    sample_jobs.count_words.start(text="a b c", subject="Listed subject")
    failed = sample_jobs.flaky.start(fail_times=9)
    client.force_login(make_user(role=Role.REGIONAL_ASSOCIATE, region="London"))
    page = client.get(reverse("jobs:list")).content.decode()
    assert "Count words (test)" in page and "Listed subject" in page and "3 words" in page
    assert "Failed after 3 attempt(s)" in page
    only_failed = client.get(reverse("jobs:list"), {"status": "failed"}).content.decode()
    assert "Flaky (test)" in only_failed and "Count words (test)" not in only_failed
    detail = client.get(reverse("jobs:detail", args=[failed.pk])).content.decode()
    assert "ConnectionError" in detail and "Traceback" in detail


def test_jobs_are_refused_to_council_users_and_the_public(client, make_user):
    assert client.get(reverse("jobs:list"))["Location"].startswith(reverse("accounts:login"))
    client.force_login(make_user(role=Role.COUNCIL_USER, council="E06000039"))
    assert client.get(reverse("jobs:list")).status_code == 403


def _worker(worker_id: str) -> subprocess.Popen:
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "nlb.settings.test",
        "TASKS_BACKEND": "database",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "nlb.cli", "db_worker", "--batch", "--no-reload",
         "--interval", "0.2", "--worker-id", worker_id],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two worker processes share a queue through PostgreSQL (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_two_worker_processes_share_one_queue():
    jobs = [
        sample_jobs.rendezvous.start(batch="shared", workers=2, subject="shared") for _ in "abcd"
    ]
    assert {job.status for job in jobs} == {Job.Status.QUEUED}
    workers = [_worker("worker-one"), _worker("worker-two")]
    try:
        outputs = [w.communicate(timeout=240)[0] for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    assert [w.returncode for w in workers] == [0, 0], outputs
    done = Job.objects.filter(subject="shared")
    assert {j.status for j in done} == {Job.Status.DONE}, [j.message for j in done]
    assert {j.worker for j in done} == {"worker-one", "worker-two"}
    assert {j.attempts for j in done} == {1}  # each job ran once, on one worker


def test_a_refused_input_fails_at_once_with_its_message_alone(client, make_user):
    job = sample_jobs.refuses.start(words=3)
    assert (job.status, job.attempts, job.message, job.error) == (
        Job.Status.FAILED, 1, "wrong wrong wrong", ""
    )  # fmt: skip
    long = sample_jobs.refuses.start(words=100)
    assert len(long.message) == 300 and long.message.endswith("…")
    assert long.error == " ".join(["wrong"] * 100)  # kept whole, with no traceback
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "The job failed" in page and "/somewhere/" not in page  # the link is for done jobs
    done = sample_jobs.count_words.start(text="x")
    assert (
        "See the result" not in client.get(reverse("jobs:detail", args=[done.pk])).content.decode()
    )
