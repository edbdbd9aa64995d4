"""What the health endpoint reports: can we reach the database, is the job queue moving, is there
disk for uploads and backups. Plain functions, so commands and tests call them directly."""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

QUEUE_WAIT_WARNING = timedelta(minutes=10)  # a ready job this old: is any worker running?


def database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round(1000 * (time.perf_counter() - started), 1),
    }


def queue() -> dict:
    from django_tasks_db.models import DBTaskResult

    from apps.jobs.models import Job
    from apps.jobs.services import STALLED_AFTER

    now = timezone.now()
    try:
        ready = DBTaskResult.objects.ready()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        report = {
            "ready": ready.count(),
            "oldest_ready_seconds": round((now - oldest).total_seconds()) if oldest else 0,
            "running": Job.objects.filter(status=Job.Status.RUNNING).count(),
            "stalled": Job.objects.filter(
                status=Job.Status.RUNNING, updated__lt=now - STALLED_AFTER
            ).count(),
            "failed_last_day": Job.objects.failed()
            .filter(finished__gte=now - timedelta(days=1))
            .count(),
        }
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    waiting = oldest is not None and now - oldest > QUEUE_WAIT_WARNING
    report["ok"] = not waiting and not report["stalled"]
    if waiting:
        report["warning"] = "jobs have waited over 10 minutes: is `nlb db_worker` running?"
    elif report["stalled"]:
        report["warning"] = (
            "running jobs' workers have not marked them alive for 5 minutes: did a worker die? "
            "The next job a worker takes retries or fails them (or `nlb recover_jobs`)"
        )
    return report


def disk() -> dict:
    path = settings.MEDIA_ROOT
    while not os.path.exists(path):
        path = os.path.dirname(path)
    usage = shutil.disk_usage(path)
    minimum = int(os.environ.get("HEALTH_MIN_FREE_MB", "500")) * 1024 * 1024
    return {
        "ok": usage.free >= minimum,
        "path": str(settings.MEDIA_ROOT),
        "free_mb": usage.free // (1024 * 1024),
        "free_percent": round(100 * usage.free / usage.total, 1),
    }


def report() -> tuple[dict, bool]:
    """The checks, and whether this instance can serve (database, disk); a slow queue only warns."""
    checks = {"database": database(), "disk": disk()}
    checks["queue"] = queue() if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    serving = checks["database"]["ok"] and checks["disk"]["ok"]
    status = "ok" if serving and checks["queue"]["ok"] else "degraded" if serving else "failing"
    return {"status": status, "checks": checks}, serving
