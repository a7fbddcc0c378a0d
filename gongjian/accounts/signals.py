"""Account changes are audited: role changes apart from ordinary edits (SECURITY.md item 8).

User is not a TrackedModel (it keeps Django's AbstractUser base), so these
handlers do for it what gongjian.audit.signals does for business objects.
Passwords are never recorded; password changes get their own records from the views.

Every change the trail calls a role change also revokes the account's API
tokens: each of ROLE_FIELDS changes either whether TOTP is required, what the
account may reach (is_staff, person_id) or whether it may sign in at all.
Memberships are not among them: they never decide the second factor, and the
scope they give is read afresh on every request, so a token has nothing stale
to carry; revoking on each of them would break integrations without need.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from gongjian.audit.models import Action
from gongjian.audit.recording import record

from . import tokens
from .models import User

ROLE_FIELDS = ("is_alliance_admin", "admin_role", "is_superuser", "is_staff", "is_active", "person_id")
PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "must_change_password")
MASKED_FIELDS = ("email",)
TRACKED = ROLE_FIELDS + PROFILE_FIELDS


def mask_email(value: str) -> str:
    """z****@example.cn: enough to tell addresses apart in the trail, not enough to write to."""
    if not value:
        return ""
    local, _, domain = value.partition("@")
    return f"{local[:1]}****@{domain}" if domain else local[:1] + "****"


def _skipped(instance, update_fields) -> bool:
    # Logins save last_login alone; nothing tracked changes then, so skip the extra query.
    if update_fields is None:
        return False
    names = {instance._meta.get_field(name).attname for name in update_fields}
    return not names & set(TRACKED)


def _diff(before: dict, after: dict, fields) -> dict:
    diff = {}
    for key in fields:
        old, new = before.get(key), after.get(key)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        if key in MASKED_FIELDS:
            old, new = mask_email(old or ""), mask_email(new or "")
        diff[key] = [old, new]
    return diff


@receiver(pre_save, sender=User)
def remember_roles(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or _skipped(instance, update_fields):
        instance._roles_before = None
        return
    instance._roles_before = User.objects.filter(pk=instance.pk).values(*TRACKED).first()


@receiver(post_save, sender=User)
def record_user_change(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    after = {field: getattr(instance, field) for field in TRACKED}
    if created:
        record(Action.CREATE, instance, changes=_diff({}, after, TRACKED))
        return
    before = getattr(instance, "_roles_before", None)
    if before is None:
        return
    roles = _diff(before, after, ROLE_FIELDS)
    if roles:
        record(Action.ROLE_CHANGE, instance, changes=roles)
        tokens.revoke(instance, "deactivated" if roles.get("is_active") == [True, False] else "role_change")
    profile = _diff(before, after, PROFILE_FIELDS)
    if profile:
        record(Action.UPDATE, instance, changes=profile)
    instance._roles_before = after


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    # The absolute lifetime counts from this login, not from an earlier session's data.
    request.session["started_at"] = time.time()
