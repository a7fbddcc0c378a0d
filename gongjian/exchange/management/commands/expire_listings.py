"""Expire published needs past their deadline and close resources past their availability.

Idempotent and safe to run daily: each item moves by compare-and-set, so a
second run (or a concurrent one) finds nothing left to do.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext

from gongjian.exchange.models import Need, Resource


class Command(BaseCommand):
    help = "Expire needs past their deadline and close resources past their availability."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would change.")

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        needs = list(Need.objects.active().due_to_expire(today))
        resources = list(Resource.objects.active().due_to_expire(today))
        expired = closed = 0
        if not dry_run:
            # The history shows the note as written: in the platform's language, not a field name.
            with translation.override(settings.LANGUAGE_CODE):
                note = gettext("Closed automatically: the end of its availability has passed.")
            for need in needs:
                try:
                    need.expire()
                    expired += 1
                except ValidationError:
                    pass  # someone claimed or closed it meanwhile
            for resource in resources:
                try:
                    resource.close(note=note)
                    closed += 1
                except ValidationError:
                    pass
        else:
            expired, closed = len(needs), len(resources)
        self.stdout.write(f"Expired {expired} needs, closed {closed} resources.")
