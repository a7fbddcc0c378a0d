from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongjian.audit.models import MIN_RETENTION_DAYS, Record


class Command(BaseCommand):
    help = f"Delete audit records older than --days (default AUDIT_RETENTION_DAYS; never under {MIN_RETENTION_DAYS}). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=getattr(settings, "AUDIT_RETENTION_DAYS", 365))

    def handle(self, *args, days, **options):
        if days < MIN_RETENTION_DAYS:
            raise CommandError(f"Audit records are kept at least {MIN_RETENTION_DAYS} days; refusing --days {days}.")
        count = Record.purge(days)
        self.stdout.write(f"Purged {count} audit records older than {days} days.")
