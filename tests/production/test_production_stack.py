"""End to end on production settings: collectstatic into the manifest, gunicorn and a job worker
on PostgreSQL, every page type a programme manager can reach answers 200 (CI: DATABASE_URL)."""

import json
import os
import re
import time
import urllib.parse

import pytest
from django.urls import Resolver404, resolve

from tests.production.stack import (
    Client,
    free_port,
    page_links,
    postgres_database,
    prepare,
    production_env,
    running,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the production stack runs on PostgreSQL (set DATABASE_URL)",
    ),
]

MUST_REACH = {
    "home",
    "councils:list",
    "councils:detail",
    "indicators:catalogue",
    "early_warning:watchlist",
    "early_warning:council",
    "support:offers",
    "engagements:list",
    "engagements:detail",
    "peers:list",
    "consultations:index",
    "consultations:detail",
    "reports:index",
    "jobs:list",
}


def crawl(client: Client, start: list[str], limit: int = 150) -> dict[str, tuple[str, int]]:
    """Fetch the first link of each page type (view name) reachable from `start`; a document
    answered 202 (queued) is fetched again until the job worker has built it."""
    seen: dict[str, tuple[str, int]] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        try:
            name = resolve(urllib.parse.urlsplit(path).path).view_name
        except Resolver404:
            name = f"unresolved {path}"
        if name in seen:
            continue
        status, kind, text = client.get(path)
        deadline = time.monotonic() + 240
        while status == 202 and time.monotonic() < deadline:  # queued: the job worker builds it
            time.sleep(2)
            status, kind, text = client.get(path)
        seen[name] = (path, status)
        if "text/html" in kind:
            queue += page_links(text)
    return seen


def test_the_production_stack_serves_every_page_type(tmp_path):
    with postgres_database(os.environ["DATABASE_URL"], "e2e") as database_url:
        env = production_env(database_url, tmp_path / "var")
        prepare(env)
        with running(env, free_port(), tmp_path / "stack.log") as stack:
            client = Client(stack.url)
            status, _, body = client.get("/health/")
            assert status == 200 and json.loads(body)["status"] == "ok", body
            status, _, home = client.get("/")
            assert status == 200
            stylesheet = re.search(r'href="(/static/govuk/govuk-frontend\.min\.\w+\.css)"', home)
            assert stylesheet, "the page links the hashed stylesheet from the manifest"
            assert client.get(stylesheet.group(1))[0] == 200
            status, _, missing = client.get("/no-such-page/")
            assert status == 404 and "Page not found" in missing  # no debug page

            client.sign_in("pm", "demo-password-1")
            seen = crawl(client, ["/", "/jobs/", "/api/docs"])
            failures = {name: hit for name, hit in seen.items() if hit[1] != 200}
            assert not failures, failures
            assert set(seen) >= MUST_REACH, MUST_REACH - set(seen)

        lines = [
            json.loads(line) for line in stack.log.read_text().splitlines() if line.startswith("{")
        ]
        requests = [line for line in lines if line["logger"] == "nlb.requests"]
        assert len(requests) >= len(seen)
        assert all(len(line["request_id"]) == 32 for line in requests)
        refused = [line for line in requests if line["status"] == 404]
        assert refused and refused[0]["reason"].startswith("Not Found")
        assert "Traceback" not in stack.log.read_text()
