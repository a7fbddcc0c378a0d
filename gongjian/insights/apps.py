from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


def _may_see_insights(user):
    from .scope import may_see_insights

    return may_see_insights(user)


class InsightsConfig(AppConfig):
    name = "gongjian.insights"
    label = "insights"
    verbose_name = _("Insights")

    menu = [
        MenuItem("insights", _("Workbench"), "home", order=10),
        MenuItem("insights", _("Dashboard"), "insights:dashboard", _may_see_insights, order=20),
    ]
