"""The reminder 24 hours before an activity, sent once per registration."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import notices
from .choices import RegistrationStatus
from .models import Registration

REMIND_BEFORE = timedelta(hours=24)


def due(now):
    return Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        reminded_at__isnull=True,
        activity__starts_at__gt=now,
        activity__starts_at__lte=now + REMIND_BEFORE,
        activity__cancelled_at__isnull=True,
        activity__archived_at__isnull=True,
    )


def send_reminders(now=None) -> int:
    """Remind everyone registered for an activity starting within 24 hours; returns how many were reminded.

    Idempotent: ``reminded_at`` is claimed with a compare-and-set before the
    notice is written, so a second (or concurrent) run skips them.
    """
    now = now or timezone.now()
    reminded = 0
    # A list, not an iterator: rows are updated while we go, and the 24-hour window keeps it small.
    batch = list(due(now).select_related("activity", "activity__host", "person").order_by("activity__starts_at", "pk"))
    for registration in batch:
        with transaction.atomic():
            if Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now):
                notices.reminder([registration])
                reminded += 1
    return reminded
