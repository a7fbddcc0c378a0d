"""The global search: grouped by kind, each kind under its own list's visibility, pinyin where stored."""

import re

import pytest
from django.urls import reverse

from gongjian.exchange.models import Category, Need
from gongjian.orgs.models import Membership, Organization, Person

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
SUGGEST = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "navbar-search-results"}


def kinds_in(response):
    html = response.content.decode()
    return [
        key
        for key in ("organizations", "activities", "agreements", "needs", "resources", "projects", "people")
        if f'data-kind="{key}"' in html
    ]


def need(organization, title, publish):
    category = Category.objects.get_or_create(name="设计规划", defaults={"order": 30})[0]
    item = Need.objects.create(organization=organization, title=title, category=category)
    if publish:
        item.publish()
    return item


class TestPage:
    def test_it_finds_a_partner_by_pinyin_initials(self, world, client_for):
        response = client_for(world.org_admin).get(SEARCH, {"q": "gfl"})
        assert response.status_code == 200
        html = response.content.decode()
        assert kinds_in(response) == ["organizations"]
        assert world.foreign_org.get_absolute_url() in html

    def test_it_groups_hits_by_kind(self, world, client_for):
        need(world.foreign_org, "示例学院实践基地改造", publish=True)
        response = client_for(world.org_admin).get(SEARCH, {"q": "示例学院"})
        assert kinds_in(response) == ["organizations", "needs"]

    def test_it_shows_people_only_within_scope(self, world, client_for):
        # The member (支部党员) is in the org admin's subtree; the outsider (街道管理员) is not.
        assert "支部党员" in client_for(world.org_admin).get(SEARCH, {"q": "支部党员"}).content.decode()
        assert kinds_in(client_for(world.outsider).get(SEARCH, {"q": "支部党员"})) == []
        assert kinds_in(client_for(world.org_admin).get(SEARCH, {"q": "街道管理员"})) == []

    def test_it_finds_people_by_pinyin_initials(self, world, client_for):
        response = client_for(world.org_admin).get(SEARCH, {"q": "zbdy"})
        assert kinds_in(response) == ["people"]
        assert world.member.person.get_absolute_url() in response.content.decode()

    def test_it_keeps_drafts_to_their_owners(self, world, client_for):
        need(world.foreign_org, "采样亭改造草稿", publish=False)
        assert kinds_in(client_for(world.org_admin).get(SEARCH, {"q": "采样亭"})) == []
        assert kinds_in(client_for(world.outsider).get(SEARCH, {"q": "采样亭"})) == ["needs"]

    def test_it_caps_each_kind_and_links_to_the_filtered_list(self, world, client_for):
        for n in range(7):
            Organization.objects.create(name=f"松江第{n}党支部", sector="school", kind="branch", parent=world.own_org)
        html = client_for(world.member).get(SEARCH, {"q": "松江第"}).content.decode()
        assert len(re.findall(r">松江第\d党支部</a>", html)) == 5
        assert f'href="{reverse("orgs:organization_list")}?q=%E6%9D%BE%E6%B1%9F%E7%AC%AC"' in html

    def test_it_has_no_more_link_when_all_hits_show(self, world, client_for):
        html = client_for(world.member).get(SEARCH, {"q": "gfl"}).content.decode()
        assert "data-more=" not in html

    def test_it_says_when_nothing_matches(self, world, client_for):
        response = client_for(world.member).get(SEARCH, {"q": "不存在的名称"})
        assert kinds_in(response) == []
        assert "没有找到" in response.content.decode()

    def test_it_is_not_cached(self, world, client_for):
        assert client_for(world.org_admin).get(SEARCH, {"q": "支部"})["Cache-Control"] == "no-store"

    def test_it_asks_anonymous_visitors_to_log_in(self, client):
        assert client.get(SEARCH, {"q": "gfl"}).status_code == 302

    def test_it_answers_the_navbar_with_suggestions_only(self, world, client_for):
        html = client_for(world.member).get(SEARCH, {"q": "gfl"}, **SUGGEST).content.decode()
        assert "<html" not in html and "data-suggestions" in html
        assert f"{SEARCH}?q=gfl" in html
        assert client_for(world.member).get(SEARCH, {"q": ""}, **SUGGEST).content.decode().strip() == ""

    def test_it_puts_the_box_in_every_page_s_navbar(self, world, client_for):
        html = client_for(world.member).get(reverse("orgs:organization_list")).content.decode()
        assert 'id="navbar-search"' in html and '<label class="visually-hidden" for="navbar-search">' in html


class TestQueryCount:
    @pytest.mark.parametrize("role", ["alliance_admin", "org_admin", "member"])
    def test_it_runs_the_same_queries_for_few_and_many_hits(self, world, client_for, django_assert_num_queries, role):
        client = client_for(getattr(world, role))
        client.get(SEARCH, {"q": "支部"})  # the session and the user are warm from here on

        def count():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as context:
                assert client.get(SEARCH, {"q": "支部"}).status_code == 200
            return len(context.captured_queries)

        few = count()
        for n in range(12):
            org = Organization.objects.create(name=f"新建第{n}党支部", sector="school", kind="branch", parent=world.own_branch)
            person = Person.objects.create(name=f"支部委员{n}")
            Membership.objects.create(person=person, organization=org)
            need(org, f"支部共建需求{n}", publish=True)
        assert count() == few

    # Every signed-in page: the session, the user, (an admin's second factor,) the navbar's person
    # and the session saved back (3). The search: one query per kind (7), and the user's scope
    # for everyone but the alliance admin (1).
    @pytest.mark.parametrize(
        "role, expected", [("alliance_admin", 3 + 1 + 3 + 7), ("org_admin", 2 + 1 + 3 + 7 + 1), ("member", 2 + 1 + 3 + 7 + 1)]
    )
    def test_it_runs_one_query_per_kind(self, world, client_for, django_assert_num_queries, role, expected):
        client = client_for(getattr(world, role))
        client.get(SEARCH, {"q": "支部"})
        with django_assert_num_queries(expected):
            client.get(SEARCH, {"q": "支部"})
