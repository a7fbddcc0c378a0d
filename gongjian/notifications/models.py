import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("One email per notice")
    DIGEST = "digest", _("A daily digest")
    OFF = "off", _("No email (in-app only)")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user) if user.is_authenticated else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.filter(read_at__isnull=True).update(read_at=timezone.now())

    def awaiting_digest(self):
        return self.filter(digest_pending=True)


class Notification(models.Model):
    """An in-app notice to one user; its email goes out at once or in the daily digest.

    Not a TrackedModel: notices are messages, not business objects, and the
    events that cause them are audited where they happen.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # True until the daily digest has carried it; the digest job flips it with a compare-and-set.
    digest_pending = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["digest_pending", "recipient"], condition=models.Q(digest_pending=True), name="notifications_digest_pending"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a user wants their notices by email: one by one, as a daily digest, or not at all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    email_mode = models.CharField(
        pgettext_lazy("notification channel", "email"), max_length=12, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.CheckConstraint(condition=models.Q(email_mode__in=EmailMode.values), name="notifications_pref_mode_valid")]

    def __str__(self):
        return f"{self.user}: {self.email_mode}"

    @classmethod
    def mode_for(cls, user) -> str:
        pref = cls.objects.filter(user=user).values_list("email_mode", flat=True).first()
        return pref or EmailMode.IMMEDIATE
