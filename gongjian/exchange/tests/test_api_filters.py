"""The exchange API's filters: claims by status and kind of listing, featured needs, releases by year and list."""

import pytest
from django.utils import timezone

from gongjian.exchange import releases

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


def uuids(response):
    assert response.status_code == 200, response.content
    return {item["uuid"] for item in response.json()["results"]}


@pytest.fixture
def claims(world, make_need, make_resource):
    """own_org's pending claim on a need and its withdrawn request for a resource of the street."""
    on_need = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    on_resource = make_resource(organization=world.foreign_org, publish=True).request(world.own_org, by=world.org_admin, quantity=2)
    on_resource.withdraw(world.org_admin)
    return on_need, on_resource


def test_it_filters_claims_by_kind_of_listing(world, api_for, claims):
    on_need, on_resource = claims
    client = api_for(world.org_admin)
    assert uuids(client.get(f"{API}/claims/", {"target": "need"})) == {str(on_need.uuid)}
    assert uuids(client.get(f"{API}/claims/", {"target": "resource"})) == {str(on_resource.uuid)}
    assert uuids(client.get(f"{API}/claims/")) == {str(on_need.uuid), str(on_resource.uuid)}


def test_it_filters_claims_by_status_inside_a_box(world, api_for, claims):
    on_need, on_resource = claims
    client = api_for(world.outsider)
    assert uuids(client.get(f"{API}/claims/", {"box": "received", "status": "pending"})) == {str(on_need.uuid)}
    assert uuids(client.get(f"{API}/claims/", {"box": "received", "status": "withdrawn"})) == {str(on_resource.uuid)}
    assert uuids(client.get(f"{API}/claims/", {"box": "mine", "status": "pending"})) == set()


def test_it_answers_an_unknown_status_with_400(world, api_for, claims):
    response = api_for(world.org_admin).get(f"{API}/claims/", {"status": "approved"})
    assert response.status_code == 400 and "status" in response.json()


def test_it_filters_featured_needs(world, api_for, make_need):
    core = make_need("核心需求", publish=True)
    plain = make_need("普通需求", publish=True)
    core.set_featured(True, by=world.alliance_admin)
    client = api_for(world.member)
    assert uuids(client.get(f"{API}/needs/", {"featured": "true"})) == {str(core.uuid)}
    assert uuids(client.get(f"{API}/needs/", {"featured": "false"})) == {str(plain.uuid)}


def test_it_filters_needs_by_the_owners_sector(world, api_for, make_need):
    street = make_need("街道需求", publish=True)
    school = make_need("学院需求", organization=world.own_org, publish=True)
    client = api_for(world.member)
    assert uuids(client.get(f"{API}/needs/", {"sector": "government"})) == {str(street.uuid)}
    assert uuids(client.get(f"{API}/needs/", {"sector": "school"})) == {str(school.uuid)}


def test_it_filters_releases_by_year_and_list(world, api_for):
    year = timezone.localdate().year
    needs = releases.publish(year, "needs", by=world.alliance_admin)
    old = releases.publish(year - 1, "needs", by=world.alliance_admin)
    projects = releases.publish(year, "projects", by=world.alliance_admin)
    client = api_for(world.member)
    assert uuids(client.get(f"{API}/releases/", {"year": year})) == {str(needs.uuid), str(projects.uuid)}
    assert uuids(client.get(f"{API}/releases/", {"kind": "needs"})) == {str(needs.uuid), str(old.uuid)}
    assert uuids(client.get(f"{API}/releases/", {"year": year, "kind": "projects"})) == {str(projects.uuid)}
