from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongjian.audit import anchor
from gongjian.audit.models import Record, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the HMAC chain of the audit trail and its head stamp (AUDIT_HEAD_FILE); name the first broken "
        "record or the missing newest records and exit non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reanchor", action="store_true", help="After a restore: stamp the database's newest record as the head, then verify."
        )

    def handle(self, *args, reanchor=False, **options):
        if reanchor:
            anchor.reset()
            self.stdout.write("The head stamp now names the newest record.")
        broken = verify_chain()
        if broken is not None:
            when = timezone.localtime(broken.created_at).isoformat(timespec="seconds")
            raise CommandError(f"BROKEN at record {broken.pk} ({when}): changed, or a record before it was removed.")
        problem = anchor.check()
        if problem is not None:
            raise CommandError(f"BROKEN head: {problem}.")
        self.stdout.write(f"OK: {Record.objects.count()} records verified, up to the stamped head.")
