from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


def sees_accounts(user) -> bool:
    return user.is_authenticated and user.may_view_accounts


class AccountsConfig(AppConfig):
    name = "gongjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    menu = [MenuItem("admin", _("Users"), "accounts:user_list", visible=sees_accounts, order=10)]

    def ready(self):
        from . import signals  # noqa: F401  (importing connects the handlers)
