from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


def _can_import(user):
    from .sheets import can_import

    return can_import(user)


class ImportsConfig(AppConfig):
    name = "gongjian.imports"
    label = "imports"
    verbose_name = _("Excel import")

    menu = [MenuItem("orgs", _("Excel import"), "imports:start", visible=_can_import, order=80)]

    def ready(self):
        # Every app may declare importers in its own "importers" module (see sheets.register).
        autodiscover_modules("importers")
