"""Role changes on accounts are audited apart from ordinary edits (SECURITY.md item 8)."""

import time

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from gongjian.audit.models import Action
from gongjian.audit.recording import record

from .models import User

ROLE_FIELDS = ("is_alliance_admin", "admin_role", "is_superuser", "is_staff", "is_active", "person_id")


@receiver(pre_save, sender=User)
def remember_roles(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._roles_before = None
        return
    instance._roles_before = User.objects.filter(pk=instance.pk).values(*ROLE_FIELDS).first()


@receiver(post_save, sender=User)
def record_user_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = {field: getattr(instance, field) for field in ROLE_FIELDS}
    if created:
        record(Action.CREATE, instance, changes={k: [None, v] for k, v in after.items()})
        return
    before = getattr(instance, "_roles_before", None) or {}
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if diff:
        record(Action.ROLE_CHANGE, instance, changes=diff)


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    # The absolute lifetime counts from this login, not from an earlier session's data.
    request.session["started_at"] = time.time()
