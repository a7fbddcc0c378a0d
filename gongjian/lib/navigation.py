"""The main menu, collected from each app's ``menu`` so apps stay independent.

An app config declares ``menu = [MenuItem(group, label, url_name, visible)]``;
``visible`` is a callable taking the user. Groups keep the three tracks in place.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

GROUPS = (
    ("orgs", pgettext_lazy("menu", "Organizations")),
    ("study", pgettext_lazy("menu", "Joint study")),
    ("build", pgettext_lazy("menu", "Joint building")),
    ("create", pgettext_lazy("menu", "Joint projects")),
    ("insights", pgettext_lazy("menu", "Insights")),
    ("admin", pgettext_lazy("menu", "Administration")),
)


def signed_in(user) -> bool:
    return user.is_authenticated


@dataclass(frozen=True)
class MenuItem:
    group: str
    label: str
    url_name: str
    visible: Callable = signed_in
    order: int = 50


def fixed_url(url_name) -> str:
    """reverse() for a URL without arguments."""
    return reverse(url_name)


def _menu_url(url_name):
    try:
        return reverse(url_name)
    except NoReverseMatch:  # an item of an app whose URLs are not mounted
        return None


def menu_for(user):
    items = {key: [] for key, _ in GROUPS}
    for config in apps.get_app_configs():
        for item in getattr(config, "menu", ()):
            if item.group in items and item.visible(user):
                url = _menu_url(item.url_name)
                if url is not None:
                    items[item.group].append((item.order, str(item.label), url))
    return [(key, str(label), [(name, url) for _, name, url in sorted(items[key])]) for key, label in GROUPS]
