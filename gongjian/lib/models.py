"""Abstract bases shared by the domain apps."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


def _choice_labels(field) -> dict:
    # Django rebuilds {value: label} for every get_FOO_display() call and hashes each lazy
    # label on the way, translating every choice: a 20-row directory page ran 400 gettext calls.
    labels = field.__dict__.get("_gongjian_choice_labels")
    if labels is None:
        labels = field._gongjian_choice_labels = dict(field.flatchoices)
    return labels


class TrackedModel(models.Model):
    """A business object: public UUID, timestamps, and an audit trail entry per write.

    The audit app connects its signal handlers to every subclass, so
    subclassing is all a model needs to be audited. Fields named in
    ``audit_masked`` are masked in the recorded diff.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_masked: tuple[str, ...] = ()
    audit_ignored: tuple[str, ...] = ("updated_at", "created_at")

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            label = _choice_labels(field).get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field): Django's own way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


class ArchivableQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class TitleSearchQuerySet(models.QuerySet):
    """``search(text)``: the rows whose title holds the text, as the pickers ask (orgs.pickers)."""

    def search(self, text):
        text = (text or "").strip()
        return self.filter(title__icontains=text) if text else self


class ArchivableModel(models.Model):
    """Something with history is archived, never deleted."""

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self):
        if self.archived_at is None:
            self.archived_at = timezone.now()
            self.save(update_fields=["archived_at", "updated_at"] if hasattr(self, "updated_at") else ["archived_at"])

    def restore(self):
        if self.archived_at is not None:
            self.archived_at = None
            self.save(update_fields=["archived_at", "updated_at"] if hasattr(self, "updated_at") else ["archived_at"])
