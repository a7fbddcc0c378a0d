from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


def manages_safety(user) -> bool:
    from .models.safety import may_manage_safety

    return may_manage_safety(user)


def works_in_newsroom(user) -> bool:
    from .models.articles import may_write_news

    return may_write_news(user) or user.is_security_admin


class NewsConfig(AppConfig):
    name = "gongjian.news"
    label = "news"
    verbose_name = _("News and publicity")

    menu = [
        MenuItem("insights", _("Newsroom"), "news:manage_list", visible=works_in_newsroom, order=40),
        MenuItem("admin", _("Content safety"), "news:safety_term_list", visible=manages_safety, order=30),
    ]
