"""Lists, the API and the organization timeline cost the same number of queries whatever the data size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Alliance, AllianceMember, Honor, HonorRecipient, Pairing, PracticeBase
from gongjian.orgs.models import Organization

from .conftest import advance, make_agreement


def partner(i):
    return Organization.objects.create(name=f"伙伴党支部{i}", sector="enterprise", kind="branch")


def grow(world, start, stop):
    """Add one of everything per i, each involving the college and a fresh partner."""
    for i in range(start, stop):
        org = partner(i)
        agreement = make_agreement(world, title=f"协议{i}", parties=[(world.own_org, "设计"), (org, "场地")])
        if i % 2:
            advance(agreement, S.PUBLISHED)
        Pairing.objects.create(org_a=world.own_org, org_b=org, theme=f"主题{i}")
        alliance = Alliance.objects.create(name=f"联盟{i}", lead=world.own_org)
        AllianceMember.objects.create(alliance=alliance, organization=org)
        base = PracticeBase.objects.create(name=f"基地{i}", host=world.own_org)
        base.partners.add(org)
        honor = Honor.objects.create(title=f"荣誉{i}", issuer=org, awarded_on=datetime.date(2023, 1, 1 + i % 28))
        HonorRecipient.objects.create(honor=honor, organization=world.own_org)
        HonorRecipient.objects.create(honor=honor, organization=org)


def count(fn):
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    assert getattr(response, "status_code", 200) == 200
    return len(queries)


PAGES = ["agreement_list", "pairing_list", "alliance_list", "base_list", "honor_list"]
ENDPOINTS = ["agreements", "pairings", "alliances", "bases", "honours"]


@pytest.mark.parametrize("name", PAGES)
def test_it_lists_in_constant_queries(world, client_for, name):
    client = client_for(world.org_admin)
    url = reverse(f"agreements:{name}")
    grow(world, 0, 2)
    client.get(url)  # warm up the session and content-type caches
    small = count(lambda: client.get(url))
    grow(world, 2, 12)
    assert count(lambda: client.get(url)) == small
    assert count(lambda: client.get(url + "?per_page=50")) == small
    assert small <= 15


@pytest.mark.parametrize("name", PAGES)
def test_it_exports_in_constant_queries(world, client_for, name):
    client = client_for(world.org_admin)
    url = reverse(f"agreements:{name}") + "?export=xlsx"
    grow(world, 0, 2)
    client.get(url)
    small = count(lambda: client.get(url))
    grow(world, 2, 8)
    assert count(lambda: client.get(url)) == small


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_serves_api_lists_in_constant_queries(world, api_for, endpoint):
    client = api_for(world.org_admin)
    url = f"/api/v1/agreements/{endpoint}/"
    grow(world, 0, 2)
    client.get(url)
    small = count(lambda: client.get(url))
    grow(world, 2, 12)
    assert count(lambda: client.get(url)) == small
    assert count(lambda: client.get(url, {"page_size": 5})) == small


def test_it_builds_the_timeline_in_five_queries(world, django_assert_num_queries):
    from django.apps import apps

    config = apps.get_app_config("agreements")
    grow(world, 0, 3)
    world.org_admin._gongjian_scope = None
    from gongjian.lib.access import scope_for

    scope_for(world.org_admin)  # the scope is computed once per request, not per source
    with django_assert_num_queries(5):
        small = config.org_timeline(world.own_org, world.org_admin)
    grow(world, 3, 10)
    with django_assert_num_queries(5):
        large = config.org_timeline(world.own_org, world.org_admin)
    assert len(small) == 3 * 5 and len(large) == 10 * 5
