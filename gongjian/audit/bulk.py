"""Appending many audit records at once, for imports and other bulk writes.

Bulk ORM writes (bulk_create, bulk_update) skip save() and its signals, so code
that writes in bulk records the trail itself, here. The records join the same
HMAC chain as Record.save(): each MAC covers the record and the previous MAC.
The chain is computed in memory and inserted in batches, under the same lock
that serialises single appends, so a bulk append never interleaves with them.
"""

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from gongjian.lib.middleware import client_ip, current_request

from . import anchor
from .models import AUDIT_CHAIN_LOCK, Outcome, Record


def entry(action, obj=None, *, changes=None, actor=None, ip=None, actor_name="", outcome=Outcome.SUCCESS, object_repr="") -> Record:
    """An unsaved record, like gongjian.audit.recording.record() would write.

    Without an explicit actor the current request's user is the actor, and
    without an explicit ip its source address is recorded.
    """
    request = current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if ip is None:
        ip = client_ip(request)
    record = Record(
        action=action,
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else actor_name)[:150],
        ip=ip,
        changes=_stored_form(changes or {}),
        outcome=outcome,
    )
    if obj is not None:
        record.object_type = obj._meta.label_lower
        record.object_id = str(obj.pk)
        record.object_repr = str(obj)[:200]
    if object_repr:
        record.object_repr = object_repr[:200]
    return record


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _stored_form(changes: dict) -> dict:
    """Changes exactly as they will read back from the database.

    The MAC is computed before the JSON round trip, so tuples, dates and the like must already be
    in their stored form. Diffs from recording.masked_diff() (text keys, [old, new] pairs of plain
    values or of lists of them, such as tags) already are and pass unchanged; anything else goes
    through JSON once.
    """
    for key, value in changes.items():
        if type(key) is not str or not _plain(value, depth=2):
            return json.loads(json.dumps(changes, cls=DjangoJSONEncoder))
    return changes


def _plain(value, depth) -> bool:
    """A scalar, or a list of plain values nested at most ``depth`` deep ([old, new] tag lists)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is not list or depth == 0:
        return False
    # Loops rather than all() over a generator: an import checks some 30 pairs for each of its rows.
    for item in value:
        if type(item) not in _SCALARS and not _plain(item, depth - 1):
            return False
    return True


def append(records: Iterable[Record], batch_size: int = 1000) -> int:
    """Chain and insert the records in order; returns how many were written.

    Runs in (or joins) a transaction: if the caller's transaction rolls back,
    the records go with it and the chain stays intact.
    """
    written = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
        prev = Record.objects.order_by("-pk").values_list("mac", flat=True).first() or ""
        now = timezone.now()
        fields = [field for field in Record._meta.concrete_fields if not field.primary_key]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names come from the model, values are parameters
            connection.ops.quote_name(Record._meta.db_table),
            ", ".join(connection.ops.quote_name(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)),
        )
        batch = []
        for record in records:
            if record.pk is not None:
                raise PermissionError("The audit trail is append-only.")
            record.created_at = record.created_at or now
            record.prev_mac = prev
            record.mac = prev = record.compute_mac(prev)
            # Each value goes through its field's own conversion, as bulk_create would do,
            # without the per-value query machinery that costs more than the HMAC.
            batch.append([field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields])
            if len(batch) >= batch_size:
                written += _insert(sql, batch)
                batch = []
        if batch:
            written += _insert(sql, batch)
        if written:
            # Still under the chain lock: the newest row is the last one inserted.
            head = Record.objects.order_by("-pk").values_list("pk", "mac").first()
            transaction.on_commit(lambda: anchor.advance(*head))
    return written


def _insert(sql, rows) -> int:
    # One statement per row, executed in list order, so ascending ids follow the chain.
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


__all__ = ["append", "entry"]
