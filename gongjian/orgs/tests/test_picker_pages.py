"""Forms and lists that offer a choice of organization, person or region stay small on a large
directory, and cost the same number of queries whatever its size (benchmarks/pickers.py measures
them at 100,000 organizations)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.orgs.models import Membership, Organization, Person, Region, pinyin_keys

pytestmark = pytest.mark.django_db

PAGES = (
    "/agreements/honours/new/",
    "/activities/add/",
    "/activities/series/add/",
    "/orgs/tree/",
    "/orgs/regions/",
    "/agreements/new/",
    "/agreements/pairings/new/",
    "/agreements/alliances/new/",
    "/agreements/bases/new/",
    "/projects/new/",
    "/exchange/needs/new/",
    "/exchange/resources/new/",
    "/exchange/needs/",
    "/exchange/resources/",
    "/exchange/hall/",
    "/agreements/",
    "/agreements/pairings/",
    "/agreements/alliances/",
    "/agreements/bases/",
    "/orgs/",
    "/orgs/new/",
    "/orgs/people/",
    "/orgs/people/new/",
    "/orgs/regions/new/",
    "/projects/",
    "/projects/tasks/",
    "/news/manage/",
    "/news/manage/new/",
)
ALLIANCE_ADMINS_ONLY = {"/orgs/regions/new/"}
MAX_BYTES = 300 * 1024
MAX_OPTIONS = 300


def bulk_organizations(names, parent=None, region=None):
    """Organizations inserted in bulk, with the paths and pinyin keys that save() would give them."""
    orgs = []
    for name in names:
        initials, full = pinyin_keys(name)
        orgs.append(Organization(name=name, sector="school", kind="branch", parent=parent, region=region, pinyin_initials=initials, pinyin=full))
    Organization.objects.bulk_create(orgs, batch_size=500)
    created = list(Organization.objects.filter(name__in=names, parent=parent))
    for org in created:
        org.path = (parent.path if parent else "/") + f"{org.pk}/"
    Organization.objects.bulk_update(created, ["path"], batch_size=500)
    return created


def grow(world, n):
    """n organizations below the college (the org admin's scope) and n outside it, n people, n // 10 regions."""
    regions = [Region(name=f"第{i}居委", level=4, parent=world.street, path="") for i in range(n // 10)]
    Region.objects.bulk_create(regions)
    for region in Region.objects.filter(path=""):
        region.path = f"{world.street.path}{region.pk}/"
        region.save(update_fields=["path"])
    branches = bulk_organizations([f"第{i}党支部" for i in range(n)], parent=world.own_org, region=world.street)
    bulk_organizations([f"外单位{i}党委" for i in range(n)])
    people = Person.objects.bulk_create([Person(name=f"党员{i}", pinyin_initials="dy") for i in range(n)], batch_size=500)
    Membership.objects.bulk_create([Membership(person=p, organization=branches[i]) for i, p in enumerate(people)], batch_size=500)


def visit(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.content


@pytest.mark.parametrize("role", ["alliance_admin", "org_admin"])
def test_it_keeps_every_page_small_and_its_queries_fixed(world, client_for, role):
    client = client_for(world.users[role])
    pages = [url for url in PAGES if role == "alliance_admin" or url not in ALLIANCE_ADMINS_ONLY]
    for url in pages:
        visit(client, url)  # the first visit creates the session's rows
    before = {url: visit(client, url)[0] for url in pages}
    grow(world, 3000)
    for url in pages:
        queries, content = visit(client, url)
        options = len(re.findall(rb"<option\b", content))
        assert len(content) < MAX_BYTES, f"{url}: {len(content) // 1024} KB"
        assert options <= MAX_OPTIONS, f"{url}: {options} options"
        assert queries == before[url], f"{url}: {before[url]} queries, then {queries} with 6,000 more organizations"
