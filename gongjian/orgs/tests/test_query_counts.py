"""Lists run the same number of queries for 5 rows as for 50 (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.orgs.models import CapabilityTag, Membership, Organization, Person, Region

pytestmark = pytest.mark.django_db


def grow(world, total):
    """Bring the college to ``total`` sub-organizations, each with tags, a region and a member."""
    tags = [CapabilityTag.objects.get_or_create(name=name)[0] for name in ("工业设计", "智能制造", "志愿服务")]
    have = world.own_org.children.count()
    for n in range(have, total):
        region = Region.objects.create(name=f"第{n}居委", level=4, parent=world.street)
        org = Organization.objects.create(name=f"第{n}党支部", sector="school", kind="branch", parent=world.own_org, region=region)
        org.tags.add(*tags[: 1 + n % 3])
        person = Person.objects.create(name=f"党员{n}", phone=f"1380000{n:04d}", titles=["优秀党员"])
        Membership.objects.create(person=person, organization=org, role="member" if n % 2 else "admin")


def queries(client, url, **extra):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(context.captured_queries), response


def rows(response, kind):
    if kind == "api":
        return len(response.json()["results"])
    html = response.content.decode()
    return sum(html.count(marker) for marker in ('data-org="', 'data-person="', 'id="org-', 'id="region-'))


LISTS = [
    ("directory", reverse("orgs:organization_list") + "?per_page=100", False),
    ("directory search", reverse("orgs:organization_list") + "?per_page=100&q=dzb&sector=school", False),
    ("directory htmx", reverse("orgs:organization_list") + "?per_page=100", "htmx"),
    ("people", reverse("orgs:person_list") + "?per_page=100", False),
    # Trees read one level at a time (the grown organizations are the college's children, the regions the street's).
    ("tree", lambda world: reverse("orgs:organization_tree") + f"?parent={world.own_org.uuid}", False),
    ("regions", lambda world: reverse("orgs:region_tree") + f"?parent={world.street.uuid}", False),
    ("api organizations", "/api/v1/orgs/organizations/?page_size=100", "api"),
    ("api people", "/api/v1/orgs/people/?page_size=100", "api"),
    ("api memberships", "/api/v1/orgs/memberships/?page_size=100", "api"),
    ("api regions", "/api/v1/orgs/regions/?page_size=100", "api"),
]


@pytest.mark.parametrize("role", ["alliance_admin", "org_admin"])
@pytest.mark.parametrize(("label", "url", "kind"), LISTS, ids=[row[0] for row in LISTS])
def test_it_runs_a_constant_number_of_queries(world, client_for, api_for, django_assert_num_queries, role, label, url, kind):
    user = world.users[role]
    url = url(world) if callable(url) else url
    client = api_for(user) if kind == "api" else client_for(user)
    extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "object-table"} if kind == "htmx" else {}
    grow(world, 5)
    queries(client, url, **extra)  # warm up: session and token rows are created on first use
    expected, small = queries(client, url, **extra)
    grow(world, 50)
    with django_assert_num_queries(expected):
        large = client.get(url, **extra)
    # The larger list really has 45 more rows, or the comparison proves nothing.
    assert rows(large, kind) >= rows(small, kind) + 45
