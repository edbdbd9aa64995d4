"""Consultation analysis at national scale on SYNTHETIC responses (labelled synthetic), in its own
SQLite file (never the shared database).

End to end (default, 100,000 responses): import (streamed, validated, bulk insert), campaign
grouping, sentence embeddings (each distinct text once, worker processes), theme discovery, the
coding loop (a rule-based stand-in coder answers what the mapper asks, 200 answers in batches of
20), mapping the rest, the analysis page and the "What we heard" report (PDF).

    uv run python bench/consultation_scale.py                       # 100,000, end to end
    uv run python bench/consultation_scale.py --responses 1000000 --campaign-share 0.8 \\
        --import-and-group-only                                      # 1,000,000, 80% copies

Targets (issue 12): 100,000 end to end under 5 minutes on 2 cores; 1,000,000 with 80% campaign
copies imported and grouped under 15 minutes with bounded memory. Prints seconds per step, peak
resident memory (this process and its largest worker process) and the load average.
`--postgres postgres://postgres@127.0.0.1:5432/nlb_bench_<you>` runs on PostgreSQL instead
(that database is dropped and created afresh).

Measured 2 December 2026 on the shared 2-core machine (load average in brackets; all figures in
docs/decisions/0005, per step):
- 100,000 end to end, SQLite: 216.4 s (load 1.3-5.1); peak 1,722 MB main process (the coding
  loop's feature matrix), 295 MB per embedding worker (two).
- 1,000,000, 80% copies, import and grouping, SQLite: 192.0 s (import 132.8 s, grouping 59.2 s;
  load 3.5-2.2); peak 493 MB.
- 100,000 end to end, PostgreSQL 15: 274.5 s (load 3.9-6.7; import 40.4 s: executemany, not COPY).
- 1,000,000, 80% copies, import and grouping, PostgreSQL 15: 568.9 s (import 289.1 s with COPY,
  grouping 279.8 s before statistics were refreshed after the import; load 3.9-7.5); peak 512 MB.
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

# Synthetic free text: topic phrases (the stand-in coder's themes), openers and closings, so most
# answers are distinct wordings, as in a real consultation.
TOPICS = {
    "Funding": [
        "small councils cannot pay for peer support",
        "funding must follow responsibility",
        "the improvement budget is too small for districts",
        "support should be free at the point of need",
    ],
    "Inspection": [
        "inspection visits need to be co-ordinated",
        "the inspectorates duplicate each other",
        "inspection burden should fall while a plan is in place",
    ],
    "Early warning": [
        "early warning data should be shared sooner",
        "national data misses local intelligence",
        "the dashboard should be shared with regions",
    ],
    "Architecture": [
        "the roles of the regional bodies overlap",
        "a single front door would help councils",
        "councils do not know where to go first",
    ],
    "Peers": [
        "accredited peers made the real difference",
        "political peers carry weight with members",
        "peer challenge should stay voluntary",
    ],
    "Ownership": [
        "political ownership matters at every level",
        "leaders must acknowledge the need to improve",
        "partnership failures are not covered",
    ],
}
OPENERS = [
    "",
    "In my view",
    "As a councillor I think",
    "Our authority believes",
    "Speaking for our members,",
    "We would say that",
    "Honestly,",
    "From experience",
    "On balance",
    "Above all",
]
CLOSINGS = ["", "Thank you.", "Please listen.", "This matters.", "We hope this helps."]
TEMPLATES = [
    "We the undersigned support sector-led help but insist that small district councils receive "
    "funded support rather than a bill for the help they are given.",
    "I am writing as part of the campaign for fair inspection: the inspectorates must co-ordinate "
    "their visits and stop duplicating each other's demands on councils in difficulty.",
    "Keep peers at the heart of sector-led help: accredited member and officer peers made the "
    "difference in every council we know that recovered.",
]


def peak_mb() -> str:
    """Peak resident memory of this process and of the largest finished worker process (the
    embedding workers run side by side, so together they hold at most main + 2 x worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return f"{own} MB" + (f" (+ workers of {workers} MB each)" if workers else "")


def step(name: str, started: float, extra: str = "") -> float:
    seconds = time.perf_counter() - started
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{name}: {seconds:.1f}s{extra}, peak {peak_mb()}, load {load}", flush=True)
    return seconds


def synthetic_text(rng: random.Random, i: int, campaign_share: float) -> str:
    if rng.random() < campaign_share:
        template = TEMPLATES[i % len(TEMPLATES)]
        if rng.random() < 0.5:
            return template  # an exact copy
        return f"{template} Signed, resident {rng.randint(1, 10**6)}."  # a personal edit
    topics = rng.sample(list(TOPICS), rng.randint(1, 3))
    phrases = [rng.choice(TOPICS[t]) for t in topics]
    text = " ".join(filter(None, [rng.choice(OPENERS), "; ".join(phrases) + "."]))
    return " ".join(filter(None, [text[0].upper() + text[1:], rng.choice(CLOSINGS)]))


def stand_in_coder(text: str) -> list[str]:
    """The themes whose phrases the text contains (what a person would code)."""
    low = text.lower()
    return [t for t, phrases in TOPICS.items() if any(p in low for p in phrases)]


def fresh_postgres(url: str) -> None:
    """Drop and create the bench's own PostgreSQL database (never a shared one)."""
    from urllib.parse import urlparse

    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name.startswith("nlb_bench"):
        raise SystemExit("the bench's PostgreSQL database name must start with nlb_bench")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--campaign-share", type=float, default=0.3)
    parser.add_argument("--import-and-group-only", action="store_true")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on PostgreSQL: this database is dropped and created afresh "
        "(e.g. postgres://postgres@127.0.0.1:5432/nlb_bench_scale); default: a new SQLite file",
    )
    args = parser.parse_args()
    n = args.responses

    folder = Path(tempfile.mkdtemp())
    if args.postgres:
        fresh_postgres(args.postgres)
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench-consultations.sqlite3'}"
    print(f"database: {os.environ['DATABASE_URL'].split(':')[0]}; load {os.getloadavg()}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "nlb.settings.test"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from apps.accounts.models import Role, User
    from apps.consultations.models import AGREE_SCALE, Campaign, Consultation, Question, Theme
    from apps.consultations.services import preparing, themes
    from apps.consultations.services.importing import OfflineResponseImporter

    call_command("migrate", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    today = timezone.localdate()
    c = Consultation.objects.create(
        slug="scale",
        title="Scale (SYNTHETIC)",
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
    q3 = Question.objects.create(consultation=c, number=3, kind="free_text", text="Anything else?")

    rng = random.Random(0)
    path = folder / "synthetic.csv"
    groups = ["Council leaders", "Chief executives", "Individuals", "Regional partnerships"]
    started = time.perf_counter()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["received", "respondent type", "organisation", "group", "Q1", "Q2", "Q3"])
        for i in range(n):
            day = c.opens_on + dt.timedelta(days=rng.randint(0, 79))
            group = rng.choice(groups)
            writer.writerow(
                [
                    day.isoformat(),
                    "individual" if group == "Individuals" else "organisation",
                    "" if group == "Individuals" else f"Organisation {i % 400}",
                    group,
                    rng.choice(AGREE_SCALE),
                    "; ".join(rng.sample(["Trust", "Ownership", "Clarity", "Early warning"], 2)),
                    synthetic_text(rng, i, args.campaign_share),
                ]
            )
    step(f"write {n:,} SYNTHETIC rows ({args.campaign_share:.0%} campaign copies)", started)

    total = time.perf_counter()
    started = time.perf_counter()
    counts = OfflineResponseImporter(path, c).run()
    step("import (stream: check every row, then insert in batches)", started, f" -> {counts}")

    started = time.perf_counter()
    preparing.prepare(c, embed=False)
    found = Campaign.objects.filter(question=q3).order_by("-size")
    sizes = [g.size for g in found[:3]]
    step("campaign grouping", started, f" -> {found.count()} groups, largest {sizes}")
    if args.import_and_group_only:
        step("import and grouping in all", total)
        return

    started = time.perf_counter()
    texts = list(themes.text_answers(q3).values_list("text", flat=True))
    distinct = len(set(texts))
    preparing.embeddings.ensure(texts)
    step("embeddings (each distinct text once)", started, f" -> {distinct:,} distinct texts")

    started = time.perf_counter()
    job = themes.run_discovery(q3)
    step("theme discovery", started, f" -> {job.message}")

    # the agreed themes: the stand-in coder's, as a person would name them
    q3.themes.all().delete()
    agreed = {name: Theme.objects.create(question=q3, name=name, agreed=True) for name in TOPICS}
    started = time.perf_counter()
    coded = 0
    while coded < 200:
        for answer in themes.next_to_code(q3, k=20):
            names = stand_in_coder(answer.text)
            themes.code_answer(answer, [agreed[t] for t in names])
            coded += 1
    step("coding loop (200 answers, batches of 20)", started)

    started = time.perf_counter()
    result = themes.map_rest(q3)
    step("mapping the rest", started, f" -> {result.mapped:,} answers")

    pm = User.objects.create_user("bench-pm", role=Role.PROGRAMME_MANAGER, password="x")
    client = Client()
    client.force_login(pm)
    for name, url in [
        ("analysis page", f"/consultations/{c.slug}/analysis/"),
        ("what we heard (PDF)", f"/consultations/{c.slug}/what-we-heard.pdf"),
    ]:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        step(name, started, f" ({len(response.content) // 1024} KB)")
    step("end to end (import to report)", total)


if __name__ == "__main__":
    main()
