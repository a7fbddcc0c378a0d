"""Signal handlers for cross-cutting concerns: keeping the match indexes current.

A change to a need or resource, including status moves (which write an event row) and claims that
use up a resource's capacity, schedules a refresh of its index after the transaction commits. The
handlers run no queries: changes are collected per transaction and enqueued once at commit.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ClaimEvent, Need, NeedEvent, Resource, ResourceEvent

logger = logging.getLogger(__name__)


class _Batch:
    """Rows to refresh once the transaction they changed in commits; dropped with it if it rolls back."""

    def __init__(self):
        self.rows: dict[str, tuple[set, set]] = {}
        self.done = False

    def add(self, kind, pks, orgs):
        rows = self.rows.setdefault(kind, (set(), set()))
        rows[0].update(pk for pk in pks if pk)
        rows[1].update(pk for pk in orgs if pk)

    def __call__(self):
        from .tasks import refresh_match_index

        self.done = True
        for kind, (pks, orgs) in sorted(self.rows.items()):
            if pks or orgs:
                refresh_match_index.enqueue(kind, sorted(pks), sorted(orgs))


def schedule_refresh(kind: str, pks=(), orgs=()):
    """Refresh the index of kind ("resources" or "needs") for these rows once the current transaction commits."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        batch = _Batch()
        batch.add(kind, pks, orgs)
        transaction.on_commit(batch, robust=True)  # runs at once in autocommit
        return
    # One batch per transaction: several saves of one need enqueue one refresh.
    batch = next((entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Batch) and not entry[1].done), None)
    if batch is None:
        batch = _Batch()
        transaction.on_commit(batch, robust=True)
    batch.add(kind, pks, orgs)


@receiver(post_save, sender=Need)
@receiver(post_delete, sender=Need)
def need_changed(sender, instance, **kwargs):
    schedule_refresh("needs", [instance.pk])


@receiver(post_save, sender=Resource)
@receiver(post_delete, sender=Resource)
def resource_changed(sender, instance, **kwargs):
    schedule_refresh("resources", [instance.pk])


@receiver(post_save, sender=NeedEvent)
def need_moved(sender, instance, created, **kwargs):
    # Status moves are compare-and-set UPDATEs without post_save on the need; their event row is the signal.
    if created:
        schedule_refresh("needs", [instance.need_id])


@receiver(post_save, sender=ResourceEvent)
def resource_moved(sender, instance, created, **kwargs):
    if created:
        schedule_refresh("resources", [instance.resource_id])


@receiver(post_save, sender="orgs.Organization")
def organization_changed(sender, instance, created, **kwargs):
    # Its sector, region or place in the tree are part of every item it posted.
    if not created:
        schedule_refresh("needs", orgs=[instance.pk])
        schedule_refresh("resources", orgs=[instance.pk])


@receiver(post_save, sender=ClaimEvent)
def claim_moved(sender, instance, created, **kwargs):
    # An accepted request takes units from the resource's spare capacity (an UPDATE without post_save).
    claim = instance.claim
    if created and claim.resource_id:
        schedule_refresh("resources", [claim.resource_id])
