"""The main menu: each app's items, for the user's role, with URLs from the current URLconf."""

import sys
import types

import pytest
from django.templatetags.static import static
from django.test import override_settings
from django.urls import NoReverseMatch, include, path
from django.utils import translation

from gongjian.lib.navigation import fixed_url, menu_for

pytestmark = pytest.mark.django_db


def urls(menu):
    return {url for _key, _label, items in menu for _name, url in items}


def test_it_shows_administration_to_admins_only(world, admins):
    assert not any(key == "admin" and items for key, _label, items in menu_for(world.member))
    assert any(key == "admin" and items for key, _label, items in menu_for(admins.system))


def test_it_follows_a_changed_urlconf(world, monkeypatch):
    before = urls(menu_for(world.alliance_admin))
    assert "/orgs/" in before
    module = types.ModuleType("prefixed_urls")
    module.urlpatterns = [path("site/", include("gongjian.urls"))]
    monkeypatch.setitem(sys.modules, "prefixed_urls", module)
    with override_settings(ROOT_URLCONF="prefixed_urls"):
        after = urls(menu_for(world.alliance_admin))
    assert after == {f"/site{url}" for url in before}


def test_it_labels_the_menu_in_the_active_language(world):
    def labels(language):
        with translation.override(language):
            return {label for _key, label, _items in menu_for(world.alliance_admin)}

    assert labels("zh-hans") != labels("en")
    assert "Organizations" in labels("en")


def test_it_reverses_fixed_links_under_the_current_urlconf(monkeypatch):
    assert fixed_url("orgs:organization_list") == "/orgs/"
    module = types.ModuleType("prefixed_urls_fixed")
    module.urlpatterns = [path("site/", include("gongjian.urls"))]
    monkeypatch.setitem(sys.modules, "prefixed_urls_fixed", module)
    with override_settings(ROOT_URLCONF="prefixed_urls_fixed"):
        assert fixed_url("orgs:organization_list") == "/site/orgs/"
    with pytest.raises(NoReverseMatch):  # a typo fails as {% url %} does
        fixed_url("orgs:no_such_page")


def test_it_follows_a_changed_static_url():
    assert static("gongjian/site.css") == "/static/gongjian/site.css"
    with override_settings(STATIC_URL="/assets/"):
        assert static("gongjian/site.css") == "/assets/gongjian/site.css"
    assert static("gongjian/site.css") == "/static/gongjian/site.css"
