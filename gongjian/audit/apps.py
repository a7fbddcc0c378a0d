from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


def reads_audit(user) -> bool:
    return user.is_authenticated and user.may_read_audit


class AuditConfig(AppConfig):
    name = "gongjian.audit"
    label = "audit"
    verbose_name = _("Audit trail")
    menu = [MenuItem("admin", _("Audit trail"), "audit:record_list", visible=reads_audit, order=20)]

    def ready(self):
        from . import signals  # noqa: F401  (importing connects the handlers)
