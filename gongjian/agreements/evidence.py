"""Linking activities and projects to an agreement as evidence of performance (履约).

The linked apps are looked up at run time, so this app works (and migrates)
whether or not they are installed; only objects the user can see may be linked.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongjian.activities.models import Activity
from gongjian.projects.models import Project

from .choices import AgreementStatus
from .models import AgreementEvidence

# What may serve as evidence, in display order.
EVIDENCE_MODELS = (Activity, Project)
# Evidence is added once the agreement is public and being performed, and kept through evaluation.
EVIDENCE_STATUSES = (AgreementStatus.PUBLISHED, AgreementStatus.PERFORMING, AgreementStatus.EVALUATED)


def evidence_models():
    """The evidence models keyed by "app.model", the kind the API and the form name."""
    return {model._meta.label_lower: model for model in EVIDENCE_MODELS}


def candidates(user, limit=100):
    """(label, [(uuid, title), ...]) per evidence model, newest first, for the link picker."""
    groups = []
    for key, model in evidence_models().items():
        qs = model._default_manager.visible_to(user).active()
        rows = [(str(obj.uuid), str(obj)) for obj in qs.order_by("-pk")[:limit]]
        groups.append((key, model._meta.verbose_name_plural, rows))
    return groups


def link(agreement, user, kind: str, uuid, note: str = ""):
    """Link one visible activity or project; refuse anything else with a clear message."""
    if agreement.status not in EVIDENCE_STATUSES:
        raise ValidationError(_("Evidence is linked while the agreement is published, performing or being evaluated."))
    model = evidence_models().get((kind or "").lower())
    if model is None:
        raise ValidationError({"kind": _("Choose an activity or a project.")})
    try:
        target = model._default_manager.visible_to(user).get(uuid=uuid)
    except (model.DoesNotExist, ValueError, ValidationError) as e:
        # Keyed as the API's request names it (EvidenceSerializer.target).
        raise ValidationError({"target": _("No such item, or you cannot see it.")}) from e
    content_type = ContentType.objects.get_for_model(model)
    evidence, created = AgreementEvidence.objects.get_or_create(
        agreement=agreement,
        content_type=content_type,
        object_id=target.pk,
        defaults={"note": (note or "")[:300], "added_by": user if user.is_authenticated else None},
    )
    if not created:
        raise ValidationError(_("This item is already linked."))
    return evidence


def resolved(evidence_rows):
    """Attach each row's target with one query per evidence model (not one per row)."""
    rows = list(evidence_rows)
    by_type = {}
    for row in rows:
        by_type.setdefault(row.content_type_id, []).append(row)
    for content_type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        targets = model._base_manager.in_bulk([row.object_id for row in group]) if model else {}
        for row in group:
            row.resolved_target = targets.get(row.object_id)
            row.kind_label = model._meta.verbose_name if model else ""
    return rows
