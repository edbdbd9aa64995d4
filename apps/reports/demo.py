"""Demo board papers for `make run`: the quarterly early-warning paper as at the latest date the
shipped data can score, published, and the engagements paper as a draft, both by the demo
programme manager (fictional contact details). Idempotent: a template that already has a demo
paper is left alone. Its files are queued for the job worker on publishing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.models import User
from apps.reports import services
from apps.reports.models import Paper


def ensure_demo_papers(stdout=None) -> int:
    from apps.early_warning.services.watchlist import latest_scorable_date

    author = User.objects.filter(username="pm").first()
    if author is None:
        return 0
    today = timezone.localdate()
    quarterly_as_at = latest_scorable_date() or today
    wanted = [
        ("early_warning_quarterly", quarterly_as_at, "4", True),
        ("engagements", today, "5", False),
    ]
    made = 0
    for template, as_at, item, publish in wanted:
        if Paper.objects.filter(template=template, is_demo=True).exists():
            continue
        paper = services.draft_paper(
            template,
            author=author,
            meeting_date=as_at + dt.timedelta(days=28),
            item_number=item,
            as_at=as_at,
            is_demo=True,
        )
        if publish:
            services.approve(paper, author)
            services.publish(paper, author)  # queues its files for the worker
        made += 1
    if stdout:
        stdout.write(f"   demo board papers: {made} created\n")
    return made
