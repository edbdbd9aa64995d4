"""Jobs the tests queue; module-level so a worker process can import them by path."""

import time

from apps.jobs.models import Job
from apps.jobs.services import background


@background("Count words (test)")
def count_words(job: Job, text: str) -> str:
    job.report(50, "Counting")
    return f"{len(text.split())} words"


@background("Flaky (test)", retries=2)
def flaky(job: Job, fail_times: int) -> str:
    if job.attempts <= fail_times:
        raise ConnectionError(f"source unreachable on attempt {job.attempts}")
    return f"succeeded on attempt {job.attempts}"


@background("Rendezvous (test)")
def rendezvous(job: Job, batch: str, workers: int) -> str:
    """Finishes only once `workers` different workers have taken jobs of this batch."""
    deadline = time.monotonic() + 90
    while True:
        seen = set(
            Job.objects.filter(subject=batch).exclude(worker="").values_list("worker", flat=True)
        )
        if len(seen) >= workers:
            return f"run by {job.worker} beside {sorted(seen - {job.worker})}"
        if time.monotonic() > deadline:
            raise TimeoutError(f"only workers {sorted(seen)} took jobs of {batch}")
        time.sleep(0.1)


@background("Refuses its input (test)", retries=2, link=lambda job: "/somewhere/")
def refuses(job: Job, words: int) -> str:
    from apps.jobs.services import JobRefused

    raise JobRefused(" ".join(["wrong"] * words))
