"""Load on the production stack: 50 signed-in programme managers use the daily pages and the API
for 3 minutes against gunicorn + a job worker on PostgreSQL on 127.0.0.1, as `make serve` runs it.

    uv run python bench/production_load.py [--users 50] [--minutes 3] [--think 4:16] [--ramp 45]

Bounded: a fixed number of users, each waiting a random think time between requests (seconds,
uniform; 4-16 s offers about 5 requests a second from 50 users, the rate of the 880 requests in
3 minutes that took the development server down), a 60 s timeout per request, a fixed duration.
Arrivals ramp up: the users sign in one after another, evenly over the first `--ramp` seconds
(default 45, as people arrive in the morning; until 2 December 2026 it was 20 s, `--ramp 20`,
which has 50 people typing their passwords within seconds of each other: signing in is
deliberately slow password hashing, so that measures the hasher more than the service).
The duration counts from the first arrival; every page is measured from then on.
The database is its own (`<name>_bench` beside DATABASE_URL's, default
postgres://postgres@127.0.0.1:5432/nlb), prepared like `make serve` (shipped data and demo
records); the 50 users are SYNTHETIC accounts `bench-NN` made for the run.
Prints requests, errors, p50/p95/p99 per page, and the peak memory of the stack's processes.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.production.stack import (  # noqa: E402
    Client,
    finish,
    free_port,
    nlb,
    production_env,
    running,
)

PASSWORD = secrets.token_urlsafe(16)


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and collect static files every time; load the data only into a new database."""
    import psycopg

    static = nlb(env, "collectstatic", "--no-input")
    finish(nlb(env, "migrate", "--no-input"))
    with psycopg.connect(env["DATABASE_URL"]) as db:
        loaded = db.execute("SELECT COUNT(*) FROM accounts_user WHERE username = 'pm'").fetchone()
    if not loaded[0]:
        finish(nlb(env, "bootstrap", settings="nlb.settings.local"))  # warms the cache too
    else:
        finish(nlb(env, "warm_cache"))  # as `make serve` does
    finish(static)


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def bench_users(count: int) -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    """SYNTHETIC users and API tokens (in this process, on the bench database), and the paths
    they visit: council pages for the councils the watchlist ranks first."""
    import django

    django.setup()
    from apps.accounts.models import ApiToken, Role, User
    from apps.councils.models import Council
    from apps.engagements.models import Engagement

    names, tokens = [], {}
    for i in range(1, count + 1):
        user, _ = User.objects.update_or_create(
            username=f"bench-{i:02d}",
            defaults={"role": Role.PROGRAMME_MANAGER, "first_name": "Synthetic bench user"},
        )
        user.set_password(PASSWORD)
        user.save()
        names.append(user.username)
        tokens[user.username] = ApiToken.issue(user)
    councils = list(Council.objects.order_by("?").values_list("gss_code", flat=True)[:40])
    engagements = list(Engagement.objects.values_list("pk", flat=True))
    return names, tokens, {"councils": councils, "engagements": [str(pk) for pk in engagements]}


# The daily pages of a programme manager and how often each is opened (relative weights).
PAGES = [
    ("home", "/", 3),
    ("watchlist", "/early-warning/", 4),
    ("council early warning", "/early-warning/councils/{council}/", 3),
    ("map", "/early-warning/map/", 1),
    ("councils", "/councils/", 1),
    ("council", "/councils/{council}/", 2),
    ("indicators", "/indicators/{council}/", 1),
    ("engagements", "/engagements/", 3),
    ("engagement", "/engagements/{engagement}/", 3),
    ("engagements dashboard", "/engagements/dashboard/", 1),
    ("support offers", "/support/", 1),
    ("consultations", "/consultations/", 1),
    ("API watchlist", "/api/early-warning/watchlist/", 2),
    ("API engagements", "/api/engagements/", 2),
    ("API council", "/api/councils/{council}/", 1),
]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def record(self, page: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if error:
                self.errors[page].append(error)


def user_session(
    base: str, name: str, token: str, paths: dict, args, stop: float, recorder: Recorder
) -> None:
    rng = random.Random(name)
    client = Client(base)
    started = time.perf_counter()
    try:
        client.sign_in(name, PASSWORD)
        recorder.record("sign in", time.perf_counter() - started, None)
    except Exception as exc:  # noqa: BLE001 - counted, reported
        recorder.record("sign in", time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        return
    low, high = args.think
    weights = [w for _, _, w in PAGES]
    while time.monotonic() < stop:
        time.sleep(rng.uniform(low, high))
        if time.monotonic() >= stop:
            break
        page, template, _ = rng.choices(PAGES, weights)[0]
        path = template.format(
            council=rng.choice(paths["councils"]),
            engagement=rng.choice(paths["engagements"] or ["0"]),
        )
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        started = time.perf_counter()
        try:
            status = client.get(path, timeout=60, headers=headers)[0]
            error = None if status == 200 else f"HTTP {status} {path}"
        except Exception as exc:  # noqa: BLE001
            error = f"{type(exc).__name__}: {exc} {path}"
        recorder.record(page, time.perf_counter() - started, error)


def sample_memory(stack, stop: threading.Event, peak: dict) -> None:
    """Peak memory (MB) of the stack's processes, sampled twice a second: the sum of proportional
    set sizes (shared pages split between the processes sharing them, so forked gunicorn workers
    are not counted twice) and the largest single resident set."""
    while not stop.is_set():
        total = 0.0
        for pid in stack.pids():
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    field, value = line.split(":", 1) if ":" in line else ("", "")
                    if field == "Pss":
                        total += int(value.split()[0]) / 1024
                    elif field == "Rss":
                        peak["process"] = max(peak.get("process", 0), int(value.split()[0]) / 1024)
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
        peak["total"] = max(peak.get("total", 0), total)
        stop.wait(0.5)


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument(
        "--think", type=lambda v: tuple(map(float, v.split(":"))), default=(4.0, 16.0)
    )
    parser.add_argument(
        "--ramp", type=float, default=45.0, help="seconds over which the users arrive"
    )
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nlb")
    if not base_url.startswith("postgres"):
        print("SKIPPED: the load benchmark runs on PostgreSQL; set DATABASE_URL=postgres://...")
        return
    parts = urllib.parse.urlsplit(base_url)
    url = urllib.parse.urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_bench"))
    try:
        ensure_database(url)
    except Exception as exc:  # noqa: BLE001
        print(f"SKIPPED: no PostgreSQL at {parts.hostname}:{parts.port or 5432} ({exc})")
        return
    var = Path(tempfile.mkdtemp(prefix="nlb-bench-"))
    env = production_env(url, var)
    os.environ.update(env)
    t = time.perf_counter()
    prepare_database(env)
    names, tokens, paths = bench_users(args.users)
    low, high = args.think
    print(f"prepared {url.rsplit('/', 1)[1]} in {time.perf_counter() - t:.0f}s; "
          f"{args.users} SYNTHETIC users; think time {low:g}-{high:g}s")  # fmt: skip

    recorder, peak = Recorder(), {}
    load_before = f"{os.getloadavg()[0]:.1f}"  # other work on the machine skews the figures
    with running(env, free_port(), var / "stack.log") as stack:
        stop_memory = threading.Event()
        memory = threading.Thread(target=sample_memory, args=(stack, stop_memory, peak))
        memory.start()
        stop = time.monotonic() + args.minutes * 60
        sessions = []
        for i, name in enumerate(names):
            session = threading.Thread(
                target=user_session,
                args=(stack.url, name, tokens[name], paths, args, stop, recorder),
            )
            session.start()
            sessions.append(session)
            if i < len(names) - 1:
                time.sleep(args.ramp / max(len(names) - 1, 1))  # arrivals spread evenly
        for session in sessions:
            session.join()
        stop_memory.set()
        memory.join()
        workers = len(stack.pids()) - 2

    total = sum(len(v) for v in recorder.times.values())
    errors = sum(len(v) for v in recorder.errors.values())
    threads = os.environ.get("WEB_THREADS", "4")
    print(f"\n{args.users} users arriving over {args.ramp:g}s, {args.minutes:g} min, gunicorn "
          f"{workers} processes x {threads} threads + 1 job worker, PostgreSQL, 127.0.0.1; "
          f"load average before/after {load_before} / {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"requests {total}, errors {errors}, {total / (args.minutes * 60):.1f} requests/s")
    print(f"{'page':<24}{'n':>6}{'err':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for page in ["sign in", *[p for p, _, _ in PAGES]]:
        times = recorder.times.get(page)
        if not times:
            continue
        ms = [1000 * x for x in times]
        print(f"{page:<24}{len(ms):>6}{len(recorder.errors.get(page, [])):>5}"
              f"{percentile(ms, 50):>9.0f}{percentile(ms, 95):>9.0f}{percentile(ms, 99):>9.0f}"
              f"{max(ms):>9.0f}")  # fmt: skip
    print(
        f"peak memory: stack {peak.get('total', 0):.0f} MB in all, "
        f"largest process {peak.get('process', 0):.0f} MB"
    )
    for page, messages in recorder.errors.items():
        print(f"errors on {page}: {messages[:3]}")


if __name__ == "__main__":
    main()
