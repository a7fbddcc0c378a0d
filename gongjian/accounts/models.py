import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AdminRole


class UserQuerySet(models.QuerySet):
    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(username__icontains=text)
            | models.Q(email__icontains=text)
            | models.Q(first_name__icontains=text)
            | models.Q(last_name__icontains=text)
            | models.Q(person__name__icontains=text)
        )

    def dormant(self, days: int):
        """Active accounts without a login (or, never used, created) in the last ``days`` days."""
        cutoff = timezone.now() - timedelta(days=days)
        return self.filter(is_active=True).filter(
            models.Q(last_login__lt=cutoff) | models.Q(last_login__isnull=True, date_joined__lt=cutoff)
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Login names are case-insensitive (SECURITY.md item 1).
        return self.get(username__iexact=username)


SEPARATED_ROLES_MESSAGE = _(
    "An administrator (system, security or audit) cannot also be an alliance admin: the three roles are kept apart (三员分立)."
)


class User(AbstractUser):
    """A login account, optionally linked to a person in the directory.

    Business scope comes from the linked person's memberships; the
    alliance-wide and the three separated administrator roles are flags here.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("A user with that login name already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(admin_role__in=["", "system", "security", "audit"]),
                name="accounts_user_admin_role_valid",
            ),
            # 三员分立: none of the separated administrators also runs the alliance.
            models.CheckConstraint(
                condition=models.Q(admin_role="") | models.Q(is_alliance_admin=False),
                name="accounts_user_separated_roles",
                violation_error_message=SEPARATED_ROLES_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accounts:user_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        # Checked here as well as by the constraints so forms name the field that is wrong.
        if self.username and User.objects.filter(username__iexact=self.username).exclude(pk=self.pk).exists():
            raise ValidationError({"username": _("A user with that login name already exists.")})
        if self.admin_role and self.is_alliance_admin:
            raise ValidationError({"admin_role": SEPARATED_ROLES_MESSAGE})

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

    # Who may do what in account and audit administration. The superuser is
    # the break-glass account and may do everything; alliance admins run the
    # alliance's business, not its accounts.
    @property
    def may_manage_accounts(self) -> bool:
        return self.is_superuser or self.is_system_admin

    @property
    def may_change_roles(self) -> bool:
        return self.is_superuser or self.is_security_admin

    @property
    def may_view_accounts(self) -> bool:
        return self.is_superuser or bool(self.admin_role)

    @property
    def may_read_audit(self) -> bool:
        return self.is_superuser or self.is_audit_admin

    def may_manage(self, other) -> bool:
        """Edit, reset, (de)activate another account. Accounts holding an
        administrator role are left to the superuser, so no one of the three
        can take over another's account."""
        if other.pk == self.pk:
            return False
        if self.is_superuser:
            return True
        return self.is_system_admin and not other.is_superuser and not other.admin_role

    def may_change_roles_of(self, other) -> bool:
        # Nobody changes their own role.
        return other.pk != self.pk and self.may_change_roles and (self.is_superuser or not other.is_superuser)

    def role_label(self) -> str:
        if self.is_superuser:
            return str(_("Superuser"))
        if self.admin_role:
            return self.get_admin_role_display()
        if self.is_alliance_admin:
            return str(_("Alliance admin"))
        return ""
