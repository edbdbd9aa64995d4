"""Consultation service at scale on SYNTHETIC responses (labelled synthetic), on its own SQLite
file, never the shared database:

1. offline import of N responses from one CSV (all rows validated first, then bulk insert);
2. closed-question tallies by stakeholder group and the agreement index;
3. campaign and near-duplicate detection over the free-text answers (question by question);
4. the analysis page, the responses export (XLSX) and the "what we heard" PDF.

    uv run python bench/consultation_scale.py [--responses 100000]

Prints seconds per step and peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PHRASES = [
    "the sector should act before government intervenes",
    "inspection visits need to be co-ordinated",
    "small councils cannot pay for peer support",
    "early warning data should be shared sooner",
    "the roles of the regional bodies overlap",
    "accredited peers made the real difference",
    "political ownership matters at every level",
    "partnership failures are not covered",
    "a single front door would help councils",
    "funding must follow responsibility",
]
TEMPLATE = (
    "We the undersigned support sector-led help but insist that small district councils receive "
    "funded support rather than a bill for the help they are given."
)


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def step(name: str, started: float, extra: str = "") -> None:
    print(f"{name}: {time.perf_counter() - started:.1f}s{extra}, peak {peak_mb()} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    n = args.responses

    folder = Path(tempfile.mkdtemp())
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench-consultations.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "nlb.settings.test"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from apps.accounts.models import Role, User
    from apps.consultations.models import AGREE_SCALE, Consultation, Question
    from apps.consultations.services import tallies
    from apps.consultations.services.campaigns import campaign_groups
    from apps.consultations.services.importing import OfflineResponseImporter

    call_command("migrate", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    today = timezone.localdate()
    c = Consultation.objects.create(
        slug="scale",
        title="Scale (synthetic)",
        opens_on=today - dt.timedelta(days=90),
        closes_on=today - dt.timedelta(days=10),
    )
    Question.objects.create(consultation=c, number=1, kind="scale", text="Agree?")
    Question.objects.create(
        consultation=c,
        number=2,
        kind="multiple",
        text="Which?",
        options=["Trust", "Ownership", "Clarity", "Early warning"],
    )
    Question.objects.create(consultation=c, number=3, kind="free_text", text="Anything else?")

    rng = random.Random(0)
    path = folder / "synthetic.csv"
    groups = [
        "Council leaders",
        "Chief executives",
        "Individuals",
        "Inspectorates",
        "Regional partnerships",
    ]
    started = time.perf_counter()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "received",
                "respondent type",
                "organisation",
                "group",
                "consent to publish",
                "Q1",
                "Q2",
                "Q3",
            ]
        )
        for i in range(n):
            day = c.opens_on + dt.timedelta(days=rng.randint(0, 85))
            group = rng.choice(groups)
            text = (
                TEMPLATE
                if i % 10 == 0
                else ". ".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 3))).capitalize()
                + f". Reference {rng.randint(1, 10**9)}."
            )
            writer.writerow(
                [
                    day.isoformat(),
                    "individual" if group == "Individuals" else "organisation",
                    "" if group == "Individuals" else f"Organisation {i % 400}",
                    group,
                    rng.choice(["yes", "no"]),
                    rng.choice(AGREE_SCALE),
                    "; ".join(rng.sample(["Trust", "Ownership", "Clarity", "Early warning"], 2)),
                    text,
                ]
            )
    step(f"write {n} synthetic rows to CSV", started)

    started = time.perf_counter()
    counts = OfflineResponseImporter(path, c).run()
    step("import (validate all, then bulk insert)", started, f" -> {counts}")

    started = time.perf_counter()
    for question in c.questions.exclude(kind="free_text"):
        tallies.question_tally(question)
        tallies.question_agreement(question)
    step("tallies by group + agreement index", started)

    started = time.perf_counter()
    found = campaign_groups(c)
    sizes = sorted((g.size for g in found), reverse=True)[:3]
    step("campaign detection", started, f" -> {len(found)} groups, largest {sizes}")

    pm = User.objects.create_user("bench-pm", role=Role.PROGRAMME_MANAGER, password="x")
    client = Client()
    client.force_login(pm)
    for name, url in [
        ("analysis page", f"/consultations/{c.slug}/analysis/"),
        ("responses export (XLSX)", f"/consultations/{c.slug}/manage/responses.xlsx"),
        ("what we heard (PDF)", f"/consultations/{c.slug}/what-we-heard.pdf"),
    ]:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        step(name, started, f" ({len(response.content) // 1024} KB)")


if __name__ == "__main__":
    main()
