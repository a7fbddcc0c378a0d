from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminRole(models.TextChoices):
    """The three separated administrators (三员分立). One field means one role per account."""

    NONE = "", _("None")
    SYSTEM = "system", _("System administrator")
    SECURITY = "security", _("Security administrator")
    AUDIT = "audit", _("Audit administrator")
