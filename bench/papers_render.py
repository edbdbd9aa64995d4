"""Board papers: how long drafting, building and rendering each template takes, and the size of
what it makes (the figures behind docs/decisions/0008-board-papers.md). Uses the local database
(`make setup` first); prints one line per template."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlb.settings.local")
os.environ.setdefault("TASKS_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.early_warning.services.watchlist import latest_scorable_date  # noqa: E402
from apps.reports import services  # noqa: E402
from apps.reports.documents import render_docx, render_pdf  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    author = User.objects.filter(username="pm").first() or User.objects.first()
    if author is None:
        print("no users: run `make setup` first")
        return
    as_at = {"early_warning_quarterly": latest_scorable_date() or dt.date.today()}
    for template in ("early_warning_quarterly", "engagements", "consultation"):
        try:
            with transaction.atomic():
                day = as_at.get(template, dt.date.today())
                started = time.perf_counter()
                paper = services.draft_paper(
                    template, author=author, meeting_date=day, item_number="1", as_at=day
                )
                drafted = time.perf_counter()
                document = services.board_paper(paper)
                built = time.perf_counter()
                pdf = render_pdf(document)
                pdf_done = time.perf_counter()
                docx = render_docx(document)
                docx_done = time.perf_counter()
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                print(
                    f"{template:24s} draft {drafted - started:5.1f} s"
                    f"  build {built - drafted:4.1f} s"
                    f"  PDF {pdf_done - built:4.1f} s ({pages} pages, {len(pdf) // 1024} KiB)"
                    f"  DOCX {docx_done - pdf_done:4.1f} s ({len(docx) // 1024} KiB)"
                )
                raise Rollback
        except Rollback:
            pass
        except LookupError as error:
            print(f"{template:24s} skipped: {error}")


if __name__ == "__main__":
    main()
