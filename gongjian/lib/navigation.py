"""The main menu, collected from each app's ``menu`` so apps stay independent.

An app config declares ``menu = [MenuItem(group, label, url_name, visible)]``;
``visible`` is a callable taking the user. Groups keep the three tracks in place.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, pgettext_lazy

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


@functools.cache
def _menu_url(url_name, script_prefix, urlconf):
    # Menu URLs take no arguments, so each is reversed once per prefix and URLconf
    # instead of some thirty times on every page.
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


_translations: dict[tuple[int, str], tuple[object, str]] = {}


def _translated(text, language) -> str:
    # Some forty lazy labels translated on every page were a third of the page's gettext
    # calls; each is translated once per language instead. The lazy text is kept with its
    # translation, so its id, the key, cannot pass to another object.
    key = (id(text), language)
    kept = _translations.get(key)
    if kept is None:
        kept = _translations[key] = (text, str(text))
    return kept[1]


def menu_for(user):
    items = {key: [] for key, _ in GROUPS}
    # The settings' URLconf is part of the key too: tests and tools swap it without a request.
    prefix, urlconf, language = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language()
    for config in apps.get_app_configs():
        for item in getattr(config, "menu", ()):
            if item.group in items and item.visible(user):
                url = _menu_url(item.url_name, prefix, urlconf)
                if url is not None:
                    items[item.group].append((item.order, _translated(item.label, language), url))
    return [(key, _translated(label, language), [(name, url) for _, name, url in sorted(items[key])]) for key, label in GROUPS]
