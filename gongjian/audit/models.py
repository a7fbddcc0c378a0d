import hashlib
import hmac
import json
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import anchor


class Action(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Lockout")
    LOGOUT = "logout", _("Logout")
    PASSWORD_CHANGE = "password_change", _("Password change")
    TWO_FACTOR = "two_factor", _("Two-factor change")
    ROLE_CHANGE = "role_change", _("Role change")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    ARCHIVE = "archive", _("Archive")
    DELETE = "delete", _("Delete")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    VIEW_PERSONAL = "view_personal", _("View personal data")
    PUBLISH = "publish", _("Publish")
    API_TOKEN = "api_token", _("API token change")
    PURGE = "purge", _("Purge of expired records")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


# Records are kept at least this long (SECURITY.md item 10); no setting can shorten it.
MIN_RETENTION_DAYS = 190

# Chained records must be appended one at a time; on PostgreSQL an advisory
# lock serialises writers, SQLite's IMMEDIATE transactions already do.
AUDIT_CHAIN_LOCK = 0x6A6A6175


def object_type_labels() -> dict[str, str]:
    """Every platform model's label, as records store it, with the model's name in the current language."""
    return {model._meta.label_lower: str(model._meta.verbose_name) for model in apps.get_models() if model.__module__.startswith("gongjian.")}


def object_type_choices():
    """The platform's own models (records name only these), by name."""
    return sorted(object_type_labels().items(), key=lambda item: item[1])


class Record(models.Model):
    """One audit record: who did what to which object from where, and how it ended.

    Each record carries an HMAC over its own content and the previous record's
    HMAC, so changing or deleting any row breaks the chain from there on.
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    prev_mac = models.CharField(max_length=64, blank=True, editable=False)
    mac = models.CharField(max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"

    @property
    def object_type_label(self) -> str:
        """The stored model label ("orgs.organization") as the model's name in the reader's language."""
        # A record may name a model that no longer exists: then the stored label itself.
        model = next((model for model in apps.get_models() if model._meta.label_lower == self.object_type), None)
        return str(model._meta.verbose_name) if model is not None else self.object_type

    def canonical(self) -> bytes:
        body = {
            "t": self.created_at.isoformat(timespec="microseconds"),
            "a": self.actor_id,
            "n": self.actor_name,
            "ip": self.ip or "",
            "act": self.action,
            "ot": self.object_type,
            "oid": self.object_id,
            "or": self.object_repr,
            "c": self.changes,
            "o": self.outcome,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_mac(self, prev_mac: str) -> str:
        return hmac.new(settings.AUDIT_HMAC_KEY.encode(), prev_mac.encode() + b"|" + self.canonical(), hashlib.sha256).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        self.created_at = self.created_at or timezone.now()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
            last = Record.objects.order_by("-pk").values_list("mac", flat=True).first()
            self.prev_mac = last or ""
            self.mac = self.compute_mac(self.prev_mac)
            super().save(*args, **kwargs)
            pk, mac = self.pk, self.mac
            transaction.on_commit(lambda: anchor.advance(pk, mac))

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    @classmethod
    def purge(cls, days: int):
        """Delete the oldest records, all older than ``days`` days; return how many went.

        Only a contiguous run from the start of the trail goes, and a PURGE
        record keeps the MAC of the last deleted record so the chain still
        verifies from the first record that remains.
        """
        if days < MIN_RETENTION_DAYS:
            raise ValueError(f"Audit records are kept at least {MIN_RETENTION_DAYS} days.")
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
            first_young = cls.objects.filter(created_at__gte=cutoff).order_by("pk").values_list("pk", flat=True).first()
            old = cls.objects.filter(created_at__lt=cutoff)
            if first_young is not None:
                old = old.filter(pk__lt=first_young)
            last = old.order_by("-pk").values_list("pk", "mac").first()
            if last is None:
                return 0
            count = old.count()
            with connection.cursor() as cursor:
                # The one place rows leave the trail: raw SQL, because the model refuses.
                cursor.execute(f"DELETE FROM {cls._meta.db_table} WHERE id <= %s", [last[0]])  # noqa: S608  (the table name comes from the model; the id is a parameter)
            cls(
                action=Action.PURGE,
                actor_name="purge_audit_records",
                changes={"through": last[0], "anchor": last[1], "count": count, "before": cutoff.isoformat()},
            ).save()
        return count


def verify_chain(batch_size: int = 2000):
    """Return the first record whose MAC or link does not verify, or None.

    The first record links to "" or, after a purge, to the anchor that a
    (itself chained) PURGE record kept.
    """
    anchors = {changes.get("anchor") for changes in Record.objects.filter(action=Action.PURGE).values_list("changes", flat=True)}
    prev = None
    last_pk = 0
    while True:
        batch = list(Record.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return None
        for record in batch:
            if prev is None:
                prev = record.prev_mac if record.prev_mac in anchors else ""
            if record.prev_mac != prev or not hmac.compare_digest(record.mac, record.compute_mac(prev)):
                return record
            prev = record.mac
            last_pk = record.pk
