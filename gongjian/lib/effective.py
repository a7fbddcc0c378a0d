"""Effective dates: when a stamped step really happened, which may be before it was entered (补录).

Every lifecycle verb that stamps a date (signing, publishing, claiming, accepting, check-in, …)
takes an optional effective date, and one rule checks all of them:

* no step happens in the future;
* no step happens before the steps it follows in the object's own story, its *floors*: the day an
  agreement was drafted, a need's publication, a claim, the opening of a check-in window. Floors
  are the story's dates, never ``created_at``: an agreement entered today about 2023 was created
  today but drafted in 2023.

A day without a time of day (a form's ``<input type="date">``, or ``2023-05-01`` in the API) means
that day: today means now; an earlier day means its first moment, or the floor itself when the
step it follows happened later that same day, so that signing and publishing on one day stay in
order.

The stamped field and the history row hold the effective moment. The audit record is still
written at the real time by the real actor; ``audit_changes`` adds the effective moment to its
diff. Messages come from the calling app, whose catalogue translates them.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@dataclass(frozen=True)
class Floor:
    """An earlier date of the story (a date, a datetime or None for "none yet") and the refusal for a step
    dated before it; ``%(date)s`` in the message names the floor."""

    moment: datetime.date | datetime.datetime | None
    message: str


def _label(value) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def effective_moment(value, *floors: Floor, future: str, field: str = "effective_at", now=None) -> datetime.datetime:
    """The aware moment a step took effect: ``value`` (a date, a datetime or None for now), checked against ``floors``.

    Raises ValidationError keyed by ``field`` with ``future`` or the first floor's message.
    """
    now = now or timezone.now()
    if value is None:
        moment = now
    elif isinstance(value, datetime.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    else:
        if value > timezone.localdate(now):
            raise ValidationError({field: ValidationError(future, code="future")})
        if value == timezone.localdate(now):
            moment = now
        else:
            moment = timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
            # Later the same day than the step it follows: the step follows it, it does not precede it.
            same_day = [f.moment for f in floors if isinstance(f.moment, datetime.datetime) and timezone.localdate(f.moment) == value]
            moment = max([moment, *same_day])
    if moment > now:
        raise ValidationError({field: ValidationError(future, code="future")})
    for floor in floors:
        if floor.moment is None:
            continue
        if isinstance(floor.moment, datetime.datetime):
            too_early = moment < floor.moment
        else:
            too_early = timezone.localdate(moment) < floor.moment
        if too_early:
            raise ValidationError({field: ValidationError(floor.message % {"date": _label(floor.moment)}, code="before_story")})
    return moment


def audit_changes(moment) -> dict:
    """The effective moment as an entry of an audit diff; the record's own time is the real one."""
    return {"effective_at": [None, moment.isoformat()]}


def posted(data, *, with_time: bool = False, field: str = "effective_at"):
    """The effective date a page's form posted (a date, or a datetime with ``with_time``), None when left empty.

    An unreadable value raises ValidationError keyed by ``field`` with Django's own (translated) message.
    """
    reader = forms.DateTimeField(required=False) if with_time else forms.DateField(required=False)
    try:
        return reader.clean(data.get(field, "")) or None
    except ValidationError as e:
        raise ValidationError({field: e.messages}) from e


class PastDateInput(forms.DateInput):
    """A date picker that offers no day after today (the model checks again)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Worked out per render: a form class outlives the day it was imported on.
        context["widget"]["attrs"]["max"] = timezone.localdate().isoformat()
        return context


@extend_schema_field(OpenApiTypes.DATETIME)
class EffectiveField(serializers.Field):
    """A day (``2023-05-01``) or a moment (``2023-05-01T09:30:00+08:00``); a day keeps the day semantics above."""

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data.strip()) == 10:
            return serializers.DateField().to_internal_value(data.strip())
        return serializers.DateTimeField().to_internal_value(data)

    def to_representation(self, value):
        return value.isoformat()


class EffectiveSerializer(serializers.Serializer):
    """The body of a lifecycle action: only the optional effective date."""

    effective_at = EffectiveField(
        required=False,
        allow_null=True,
        help_text="When the step really happened, for records entered after the fact (补录): a date or a date-time. "
        "Default: now. Never in the future, never before the step it follows.",
    )


__all__ = ["EffectiveField", "EffectiveSerializer", "Floor", "PastDateInput", "audit_changes", "effective_moment", "posted"]
