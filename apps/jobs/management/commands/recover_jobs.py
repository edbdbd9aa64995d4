from django.core.management.base import BaseCommand

from apps.jobs.services import STALLED_AFTER, recover_stalled


class Command(BaseCommand):
    help = (
        "Retry (or fail, when no attempts remain) jobs left running by a worker that stopped "
        f"marking them alive for {int(STALLED_AFTER.total_seconds() // 60)} minutes "
        "(killed, machine restarted). Workers do this before each job; schedule it too."
    )

    def handle(self, *args, **options):
        for job in recover_stalled():
            status = job.get_status_display()
            self.stdout.write(f"job {job.pk} ({job.label}): {status}: {job.message}")
