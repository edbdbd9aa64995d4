"""Engagements at scale: list, visibility filtering, dashboard figures, CSV/XLSX export and the
daily reminder run over SYNTHETIC engagements (labelled synthetic; real cases are confidential
and few). Runs on its own SQLite file, never the shared database.

    uv run python bench/engagements_scale.py [--engagements 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engagements", type=int, default=5000)
    parser.add_argument("--actions-per", type=int, default=6)
    args = parser.parse_args()

    db = Path(tempfile.mkdtemp()) / "bench-engagements.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "nlb.settings.test"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from apps.accounts.models import Role, User
    from apps.core.exports import to_csv, to_xlsx
    from apps.councils.models import Council
    from apps.engagements import dashboard, exports
    from apps.engagements.models import (
        OPEN_STATES,
        Action,
        Engagement,
        EngagementMember,
        State,
        Transition,
    )
    from apps.engagements.notifications import send_reminders

    quiet = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0, stdout=quiet)
    for command in ("import_councils", "import_support_offers"):
        call_command(command, stdout=quiet)

    councils = list(Council.objects.current())
    london = next(c for c in councils if c.region == "London")
    pm = User.objects.create_user("bench-pm", role=Role.PROGRAMME_MANAGER, password="x")
    ra = User.objects.create_user(
        "bench-ra", role=Role.REGIONAL_ASSOCIATE, region="London", password="x"
    )
    cu = User.objects.create_user("bench-cu", role=Role.COUNCIL_USER, council=london, password="x")
    peer = User.objects.create_user("bench-peer", role=Role.PEER, password="x")
    board = User.objects.create_user("bench-board", role=Role.BOARD_MEMBER, password="x")

    rng = random.Random(2026)
    states = list(State)
    now = timezone.now()
    started = time.perf_counter()
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                council=rng.choice(councils),
                title=f"Synthetic engagement {i}",
                state=(state := rng.choice(states)),
                consent_date=dt.date(2025, 1, 1) if state in OPEN_STATES[2:] else None,
                state_changed_at=now - dt.timedelta(days=rng.randint(1, 400)),
                is_demo=True,
            )
            for i in range(args.engagements)
        ],
        batch_size=1000,
    )
    today = timezone.localdate()
    Action.objects.bulk_create(
        [
            Action(
                engagement=e,
                title=f"Synthetic action {j}",
                owner="Owner",
                due_date=today + dt.timedelta(days=rng.randint(-90, 180)),
                rag=rng.choice(["red", "amber", "green"]),
            )
            for e in engagements
            for j in range(args.actions_per)
        ],
        batch_size=2000,
    )
    Transition.objects.bulk_create(
        [
            Transition(
                engagement=e,
                name="synthetic",
                to_state=s,
                at=now - dt.timedelta(days=400 - 40 * k + rng.randint(0, 20)),
                reason="synthetic",
            )
            for e in engagements
            for k, s in enumerate(states[: rng.randint(1, 6)])
        ],
        batch_size=2000,
    )
    EngagementMember.objects.bulk_create(
        [EngagementMember(engagement=e, user=peer, role="peer") for e in engagements[::50]]
    )
    print(
        f"synthetic data: {Engagement.objects.count()} engagements, {Action.objects.count()} "
        f"actions, {Transition.objects.count()} transitions "
        f"({time.perf_counter() - started:.1f}s to create)"
    )

    def timed(label: str, fn, repeat: int = 3):
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            result = fn()
            best = min(best, time.perf_counter() - t)
        print(f"{label:<52} {best * 1000:8.1f} ms")
        return result

    for user in (pm, ra, cu, peer):
        timed(
            f"visible_to({user.username}).count()",
            lambda u=user: Engagement.objects.visible_to(u).count(),
        )
    timed("overdue() for the programme manager", lambda: Engagement.objects.overdue().count())
    timed(
        "dashboard.build (national, board member)",
        lambda: dashboard.build(Engagement.objects.for_aggregates(board), suppress=True),
    )
    timed(
        "dashboard.build (regional associate)",
        lambda: dashboard.build(Engagement.objects.for_aggregates(ra), suppress=False),
    )
    rows = timed(
        "export rows (programme manager, all)",
        lambda: exports.engagement_rows(Engagement.objects.visible_to(pm)),
        repeat=1,
    )
    timed("  to CSV", lambda: to_csv(rows, exports.ENGAGEMENT_COLUMNS), repeat=1)
    timed(
        "  to XLSX (engagements sheet)",
        lambda: to_xlsx([("Engagements", rows, exports.ENGAGEMENT_COLUMNS)]),
        repeat=1,
    )
    client = Client()
    client.force_login(ra)
    timed("GET /engagements/ as regional associate (HTTP)", lambda: client.get("/engagements/"))
    client.force_login(board)
    timed(
        "GET /engagements/dashboard/ as board (HTTP)", lambda: client.get("/engagements/dashboard/")
    )
    run = timed("send_reminders (dry run)", lambda: send_reminders(dry_run=True), repeat=1)
    print(f"  reminders: {run.engagements} engagements, {run.overdue_actions} overdue actions")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
