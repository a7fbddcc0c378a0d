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
from django.utils.functional import LazyObject, empty
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
def _reversed(url_name, script_prefix, urlconf):
    return reverse(url_name, urlconf=urlconf)


def _url_key():
    # The settings' URLconf is part of the key too: tests and tools swap it without a request.
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def fixed_url(url_name) -> str:
    """reverse() for a URL without arguments, once per script prefix and URLconf: the menu and
    the navigation bar show some forty such links on every page."""
    return _reversed(url_name, *_url_key())


def _menu_url(url_name, url_key):
    try:
        return _reversed(url_name, *url_key)
    except NoReverseMatch:  # an item of an app whose URLs are not mounted
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


def _unwrapped(user):
    # request.user is a SimpleLazyObject (twice over: django-otp wraps Django's), so each of
    # the menu's ~170 attribute reads went through the proxies, two thirds of building the
    # menu. The visibility checks get the user itself.
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def menu_for(user):
    user = _unwrapped(user)
    items = {key: [] for key, _ in GROUPS}
    language, url_key = get_language(), _url_key()
    for config in apps.get_app_configs():
        for item in getattr(config, "menu", ()):
            if item.group in items and item.visible(user):
                url = _menu_url(item.url_name, url_key)
                if url is not None:
                    items[item.group].append((item.order, _translated(item.label, language), url))
    return [(key, _translated(label, language), [(name, url) for _, name, url in sorted(items[key])]) for key, label in GROUPS]
