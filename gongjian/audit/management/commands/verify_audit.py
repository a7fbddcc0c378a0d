from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongjian.audit.models import Record, verify_chain


class Command(BaseCommand):
    help = "Verify the HMAC chain of the audit trail; name the first broken record and exit non-zero."

    def handle(self, *args, **options):
        broken = verify_chain()
        if broken is not None:
            when = timezone.localtime(broken.created_at).isoformat(timespec="seconds")
            raise CommandError(f"BROKEN at record {broken.pk} ({when}): changed, or a record before it was removed.")
        self.stdout.write(f"OK: {Record.objects.count()} records verified.")
