"""The lists not yet counted elsewhere need the same number of queries for one row as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongjian.exchange import releases
from gongjian.exchange.models import Category

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_the_hall_and_the_release_list_pages(world, client_for, make_need):
    client = client_for(world.member)
    year = timezone.localdate().year
    urls = [reverse("exchange:hall"), reverse("exchange:release_list")]
    client.get(urls[0])  # session and scope warm-up
    make_need(publish=True)
    releases.publish(year, "needs", by=world.alliance_admin)
    few = [count(client, url) for url in urls]
    for i in range(8):
        make_need(f"需求 {i}", publish=True)
        releases.publish(year, "needs", by=world.alliance_admin, title=f"第 {i} 版")
    assert [count(client, url) for url in urls] == few


def test_the_category_page_and_api_with_related_categories(world, client_for, api_for):
    client, api = client_for(world.member), api_for(world.member)
    client.get(reverse("exchange:category_list"))
    few = (count(client, reverse("exchange:category_list")), count(api, f"{API}/categories/"))
    categories = [Category.objects.create(name=f"类别 {i}", order=200 + i) for i in range(6)]
    for first, second in zip(categories, categories[1:], strict=False):
        first.related.add(second)
    assert (count(client, reverse("exchange:category_list")), count(api, f"{API}/categories/")) == few


def test_the_claims_and_releases_api(world, api_for, make_need, enterprise):
    org, admin = enterprise
    api = api_for(world.outsider)
    year = timezone.localdate().year
    make_need(publish=True).claim(org, by=admin, partners=[world.own_org])
    releases.publish(year, "needs", by=world.alliance_admin)
    urls = [f"{API}/claims/", f"{API}/claims/?box=received", f"{API}/releases/"]
    few = [count(api, url) for url in urls]
    for i in range(8):
        make_need(f"需求 {i}", publish=True).claim(org, by=admin, partners=[world.own_org])
        releases.publish(year, "needs", by=world.alliance_admin, title=f"第 {i} 版")
    assert [count(api, url) for url in urls] == few
