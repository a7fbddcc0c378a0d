"""Cross-cutting audit hooks: every TrackedModel write and every login event."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from gongjian.lib.models import TrackedModel

from .models import Action, Outcome
from .recording import masked_diff, record, snapshot


def _tracked(sender) -> bool:
    return isinstance(sender, type) and issubclass(sender, TrackedModel)


@receiver(pre_save)
def remember_before(sender, instance, raw=False, **kwargs):
    if raw or not _tracked(sender) or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


@receiver(post_save)
def record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _tracked(sender):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    diff = masked_diff(instance, before, after)
    instance._audit_before = after
    if not created and not diff:
        return
    action = Action.CREATE if created else Action.UPDATE
    if not created and "archived_at" in diff:
        action = Action.ARCHIVE
    record(action, instance, changes=diff)


@receiver(post_delete)
def record_delete(sender, instance, **kwargs):
    if _tracked(sender):
        record(Action.DELETE, instance, changes=masked_diff(instance, None, snapshot(instance)))


@receiver(m2m_changed)
def record_m2m(sender, instance, action, pk_set, **kwargs):
    if not _tracked(type(instance)) or action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return  # re-adding existing links changes nothing, so records nothing
    field = next((f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender), sender.__name__)
    record(Action.UPDATE, instance, changes={field: [action.removeprefix("post_"), sorted(pk_set or [])]})


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    record(Action.LOGIN, user, actor=user, request=request)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, user, actor=user, request=request)


@receiver(user_login_failed)
def record_login_failure(sender, credentials, request=None, **kwargs):
    # The attempted name is recorded, never the password.
    name = str(credentials.get("username", ""))[:150]
    record(Action.LOGIN_FAILED, actor_name=name, request=request, outcome=Outcome.FAILURE, object_repr=name)


@receiver(user_locked_out)
def record_lockout(sender, request, username=None, ip_address=None, **kwargs):
    record(Action.LOCKOUT, actor_name=username or "", request=request, outcome=Outcome.FAILURE, object_repr=username or ip_address or "")
