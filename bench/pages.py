"""Server time of the pages people open every day, over HTTP, signed in as the programme manager.

Runs against the database `make run` fills (var/nlb.sqlite3 or DATABASE_URL), after bootstrap.
It starts the app on a free 127.0.0.1 port (or uses --url), signs in as `pm` through the real
sign-in form, warms each page once, then requests each page --repeat times and prints p50 and p95 in
milliseconds, flagging pages over the 300 ms goal. No assertions: it prints figures.

    uv run python bench/pages.py [--repeat 20] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/accounts/sign-in/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"the app did not answer at {url} within {seconds:.0f} s")


def _pages() -> list[tuple[str, str]]:
    """(label, path) for the daily pages, with ids looked up in the database the server uses."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")
    import django

    django.setup()
    from apps.consultations.models import Consultation
    from apps.engagements.models import Engagement

    engagement = Engagement.objects.order_by("pk").first()
    closed = Consultation.objects.exclude(slug="").order_by("-pk")
    pages = [
        ("home", "/"),
        ("watchlist", "/early-warning/"),
        ("watchlist, filtered (htmx)", "/early-warning/?band=&region=London&q="),
        ("early warning: Croydon", "/early-warning/councils/E09000008/"),
        ("early warning: Slough", "/early-warning/councils/E06000039/"),
        ("early warning: Birmingham", "/early-warning/councils/E08000025/"),
        ("early warning: map", "/early-warning/map/"),
        ("councils", "/councils/"),
        ("council: Croydon", "/councils/E09000008/"),
        ("indicators: Croydon", "/indicators/E09000008/"),
        ("engagements", "/engagements/"),
        ("engagement figures", "/engagements/dashboard/"),
        ("triage", "/support/triage/"),
        ("peers register", "/peers/"),
        ("consultations", "/consultations/"),
        ("reports", "/reports/"),
    ]
    if engagement is not None:
        pages.append(("engagement", f"/engagements/{engagement.pk}/"))
    for consultation in closed[:1]:
        pages.append(("consultation analysis", f"/consultations/{consultation.slug}/analysis/"))
        pages.append(("what we heard", f"/consultations/{consultation.slug}/what-we-heard/"))
    return pages


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _sign_in(opener, base: str, username: str, password: str) -> None:
    form = opener.open(base + "/accounts/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/sign-in/", data=body, headers={"Referer": base + "/accounts/sign-in/"}
    )
    landed = opener.open(request)
    if "/accounts/sign-in/" in landed.geturl():
        raise SystemExit(f"could not sign in as {username}: has `nlb bootstrap` run?")


def _time(opener, url: str, htmx: bool) -> tuple[float, int]:
    headers = {"HX-Request": "true"} if htmx else {}
    start = time.perf_counter()
    try:
        response = opener.open(urllib.request.Request(url, headers=headers))
        size = len(response.read())
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{url} answered {exc.code}") from exc
    return (time.perf_counter() - start) * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--url", help="an app already running (default: start one)")
    parser.add_argument("--user", default="pm")
    parser.add_argument("--password", default="demo-password-1")
    parser.add_argument("--only", help="only pages whose label contains this text")
    args = parser.parse_args()

    server = None
    base = args.url
    if base is None:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "nlb.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        _wait_for(base)
        opener = _opener()
        _sign_in(opener, base, args.user, args.password)
        pages = [p for p in _pages() if not args.only or args.only in p[0]]
        print(f"{len(pages)} pages as {args.user}, {args.repeat} requests each, after one warm-up")
        print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
        over = []
        for label, path in pages:
            htmx = "(htmx)" in label
            _time(opener, base + path, htmx)  # warm-up: first request may fill caches
            times, size = [], 0
            for _ in range(args.repeat):
                elapsed, size = _time(opener, base + path, htmx)
                times.append(elapsed)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
            flag = "  OVER" if p95 >= GOAL_MS else ""
            print(f"{label:34} {p50:8.0f} {p95:8.0f} {size / 1024:6.0f}{flag}")
            if flag:
                over.append(label)
        print(f"goal: p95 < {GOAL_MS} ms; over: {', '.join(over) if over else 'none'}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
