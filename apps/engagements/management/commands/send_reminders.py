import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from apps.engagements.notifications import send_reminders


class Command(BaseCommand):
    help = "Email reminders about overdue plan actions and progress reviews due (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Treat this day (YYYY-MM-DD) as today")
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing")

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date must look like 2026-03-31, not {date!r}") from exc
        run = send_reminders(today, dry_run=dry_run)
        self.stdout.write(
            f"{run.engagements} engagement(s) need a reminder: {run.overdue_actions} overdue "
            f"action(s), {run.reviews_due} review(s) due; {run.emails} email(s) sent"
            + (" (dry run)" if dry_run else "")
        )
