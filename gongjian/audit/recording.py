"""Writing audit records: one call for every write, login and export."""

import datetime
import decimal
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile

from gongjian.lib.crypto import mask
from gongjian.lib.middleware import client_ip, current_request

from .models import Action, Outcome, Record


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, FieldFile):
        # A file is recorded by its stored name; its bytes belong in backups, not the trail.
        return value.name or ""
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(value)} bytes>"
    return value


def snapshot(instance) -> dict:
    """Field values as recorded in a diff (foreign keys by id)."""
    ignored = set(getattr(instance, "audit_ignored", ()))
    return {
        field.attname: _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in ignored and not field.primary_key
    }


def masked_diff(instance, before: dict | None, after: dict) -> dict:
    masked = set(getattr(instance, "audit_masked", ()))
    diff = {}
    for key, new in after.items():
        old = None if before is None else before.get(key)
        if before is not None and old == new:
            continue
        if key in masked or key.removesuffix("_id") in masked:
            old, new = mask(str(old or "")), mask(str(new or ""))
        diff[key] = [old, new]
    return diff


def record(action, obj=None, *, changes=None, outcome=Outcome.SUCCESS, actor=None, actor_name="", request=None, object_repr=""):
    request = request or current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    entry = Record(
        action=action,
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else actor_name)[:150],
        ip=client_ip(request),
        changes=changes or {},
        outcome=outcome,
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    if object_repr:
        entry.object_repr = object_repr[:200]
    entry.save()
    return entry


__all__ = ["Action", "Outcome", "masked_diff", "record", "snapshot"]
