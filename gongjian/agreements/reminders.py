"""Expiry reminders and expiry itself, run daily by ``manage.py send_agreement_reminders``.

Idempotent: a reminder is claimed by a compare-and-set on ``reminder_sent_at``
before anything is sent, so two runs (or two workers) never send it twice.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongjian.notifications.sending import notify
from gongjian.orgs.models import Membership

from .models import Agreement

logger = logging.getLogger(__name__)

REMIND_DAYS = 30
KIND = "agreements_expiry_reminder"


def party_admins(agreement):
    """Users who administer each party: the party's own admins, else those of its nearest administered ancestor."""
    from gongjian.accounts.models import User

    users = {}
    for party in agreement.parties.select_related("organization"):
        org = party.organization
        chain = [org.pk, *reversed(org.ancestor_ids())]
        admin_rows = (
            Membership.objects.current()
            .filter(organization_id__in=chain, role=Membership.Role.ADMIN)
            .values_list("organization_id", "person_id")
        )
        by_org = {}
        for org_id, person_id in admin_rows:
            by_org.setdefault(org_id, []).append(person_id)
        people = next((by_org[pk] for pk in chain if pk in by_org), [])
        for user in User.objects.filter(person_id__in=people, is_active=True):
            users[user.pk] = user
    return list(users.values())


def _send(users, agreement, days_left):
    context = {"agreement": agreement, "days_left": days_left, "end_date": agreement.end_date}
    notify(users, KIND, context, url=agreement.get_absolute_url())


def expire_past_end(today=None) -> int:
    """Agreements in force whose term has ended become expired."""
    today = today or timezone.localdate()
    expired = 0
    for agreement in Agreement.objects.past_end(today):
        try:
            agreement.expire()
        except ValidationError:
            # Moved by someone else meanwhile (e.g. terminated); nothing to do.
            continue
        expired += 1
    return expired


def remind_ending(today=None, days=REMIND_DAYS) -> int:
    """Tell the admins of every party once that the agreement ends within ``days``."""
    today = today or timezone.localdate()
    reminded = 0
    for agreement in Agreement.objects.ending_within(days, today).filter(reminder_sent_at__isnull=True):
        with transaction.atomic():
            claimed = Agreement.objects.filter(pk=agreement.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=timezone.now())
            if not claimed:
                continue  # another run got there first
            _send(party_admins(agreement), agreement, (agreement.end_date - today).days)
        reminded += 1
    return reminded


__all__ = ["expire_past_end", "party_admins", "remind_ending"]
