from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AdminRole


class UserManager(BaseUserManager):
    def get_by_natural_key(self, username):
        # Login names are case-insensitive (SECURITY.md item 1).
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A login account, optionally linked to a person in the directory.

    Business scope comes from the linked person's memberships; the
    alliance-wide and the three separated administrator roles are flags here.
    """

    person = models.OneToOneField(
        "orgs.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    is_alliance_admin = models.BooleanField(_("alliance admin"), default=False)
    admin_role = models.CharField(_("administrator role"), max_length=16, choices=AdminRole.choices, default="", blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(admin_role__in=["", "system", "security", "audit"]),
                name="accounts_user_admin_role_valid",
            ),
            # 三员分立: none of the separated administrators also runs the alliance.
            models.CheckConstraint(
                condition=models.Q(admin_role="") | models.Q(is_alliance_admin=False),
                name="accounts_user_separated_roles",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        if self.person_id:
            return self.person.name
        return (self.last_name + self.first_name).strip()

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def requires_two_factor(self) -> bool:
        return self.is_superuser or self.is_alliance_admin or bool(self.admin_role)

    @property
    def password_expired(self) -> bool:
        days = settings.PASSWORD_EXPIRY_DAYS
        if not days or self.password_changed_at is None:
            return False
        return timezone.now() - self.password_changed_at > timedelta(days=days)

    @property
    def is_audit_admin(self) -> bool:
        return self.admin_role == AdminRole.AUDIT

    @property
    def is_system_admin(self) -> bool:
        return self.admin_role == AdminRole.SYSTEM

    @property
    def is_security_admin(self) -> bool:
        return self.admin_role == AdminRole.SECURITY
