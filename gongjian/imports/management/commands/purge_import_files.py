"""Delete uploaded sheets of import jobs left behind (never confirmed, or failed) after some days.

Sheets of imported or invalid files are deleted as soon as the job ends; this catches the rest.
Idempotent: run it daily from cron.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongjian.imports.models import ImportJob


class Command(BaseCommand):
    help = "Delete uploaded import sheets older than --days (default 7) whose jobs are not running."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - timedelta(days=days)
        stale = ImportJob.objects.filter(created_at__lt=cutoff).exclude(file="").exclude(status__in=ImportJob.BUSY)
        count = 0
        for job in stale.iterator():
            job.discard_file()
            count += 1
        self.stdout.write(f"Deleted {count} uploaded import file(s).")
