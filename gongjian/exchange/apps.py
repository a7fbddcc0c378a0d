from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


def _alliance_admin(user) -> bool:
    from gongjian.lib.access import scope_for

    return user.is_authenticated and scope_for(user).everything


class ExchangeConfig(AppConfig):
    name = "gongjian.exchange"
    label = "exchange"
    verbose_name = _("Needs and resources")

    menu = [
        MenuItem("create", _("Needs list"), "exchange:need_list", order=10),
        MenuItem("create", _("Resources list"), "exchange:resource_list", order=11),
        MenuItem("create", _("Open hall"), "exchange:hall", order=12),
        MenuItem("create", _("My claims"), "exchange:claim_list", order=13),
        MenuItem("create", _("List releases"), "exchange:release_list", order=14),
        MenuItem("admin", _("Need and resource categories"), "exchange:category_list", visible=_alliance_admin, order=40),
    ]

    def ready(self):
        from . import signals  # noqa: F401  (importing connects the handlers)
