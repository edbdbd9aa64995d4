import io
import json
import logging

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.jobs.tests import sample_jobs
from apps.operations import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the configured console handler (formatter and filters as set up) writes, by line."""
    from apps.operations.logs import RefusedRequestFilter

    console = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RefusedRequestFilter) for f in h.filters)
    )
    stream = io.StringIO()
    original = console.setStream(stream)

    def read() -> list[str]:
        return [line for line in stream.getvalue().splitlines() if line.strip()]

    yield read
    console.setStream(original)


def test_a_refused_request_logs_one_line_without_a_traceback(client, make_user, log_lines):
    client.force_login(make_user(role=Role.COUNCIL_USER, council="E06000039"))
    assert client.get(reverse("jobs:list")).status_code == 403
    lines = log_lines()
    assert len(lines) == 1, lines
    assert "GET /jobs/ status=403" in lines[0]
    assert "reason=Forbidden (Permission denied): /jobs/" in lines[0]
    assert "Traceback" not in lines[0]


def test_a_missing_page_logs_one_line(client, log_lines):
    assert client.get("/no-such-page/").status_code == 404
    lines = log_lines()
    assert len(lines) == 1 and "status=404" in lines[0] and "Not Found" in lines[0], lines


def test_each_request_has_an_id_in_its_log_line_and_response(client, log_lines):
    response = client.get(reverse("home"))
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    lines = log_lines()
    assert any(f"[{rid}]" in line and "GET / status=200" in line for line in lines), lines
    offered = client.get(reverse("home"), HTTP_X_REQUEST_ID="proxy-given-id-1")
    assert offered["X-Request-ID"] == "proxy-given-id-1"
    unsafe = client.get(reverse("home"), HTTP_X_REQUEST_ID="bad id\nforged=line")
    assert unsafe["X-Request-ID"] != "bad id\nforged=line"


def test_json_log_lines_carry_the_request_fields(client):
    from pythonjsonlogger.json import JsonFormatter

    from apps.operations.logs import RequestIdFilter

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("nlb.requests")
    logger.addHandler(handler)
    try:
        client.get(reverse("home"))
    finally:
        logger.removeHandler(handler)
    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s")
    line = json.loads(formatter.format(records[-1]))
    assert line["status"] == 200 and line["path"] == "/" and line["method"] == "GET"
    assert len(line["request_id"]) == 32 and isinstance(line["ms"], float)


def test_health_reports_database_queue_and_disk(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["disk"]["free_mb"] > 0
    assert body["checks"]["queue"] == {
        "ready": 0,
        "oldest_ready_seconds": 0,
        "running": 0,
        "stalled": 0,
        "failed_last_day": 0,
        "ok": True,
    }


def test_health_counts_failures_and_says_when_disk_is_short(client, monkeypatch):
    sample_jobs.flaky.start(fail_times=9)
    assert health.queue()["failed_last_day"] == 1
    monkeypatch.setenv("HEALTH_MIN_FREE_MB", str(10**12))
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["status"] == "failing"
