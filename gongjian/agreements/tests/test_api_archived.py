"""What the API deletes leaves its lists, as archiving from the page leaves the page's lists.

Deleting archives (the row keeps its history and is still fetched by UUID); the lists of both
interfaces start from ``.active()``. The API lists used to keep archived rows, with nothing in
the answer to tell them apart, so a client saw a 204 and then the row again.
"""

import datetime

import pytest
from django.urls import reverse

from gongjian.agreements.models import Alliance, Honor, HonorRecipient, Pairing, PracticeBase

from .conftest import make_agreement


def agreement(world):
    return make_agreement(world, title="将删除的草稿")


def pairing(world):
    return Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org, theme="将删除的结对")


def alliance(world):
    return Alliance.objects.create(name="将删除的联盟", kind="micro", lead=world.own_org)


def base(world):
    return PracticeBase.objects.create(name="将删除的基地", host=world.own_org)


def honour(world):
    honor = Honor.objects.create(title="将删除的荣誉", issuer_name="区委组织部", awarded_on=datetime.date(2023, 6, 1))
    HonorRecipient.objects.create(honor=honor, organization=world.own_org)
    return honor


KINDS = [
    ("agreements", "agreement_list", agreement),
    ("pairings", "pairing_list", pairing),
    ("alliances", "alliance_list", alliance),
    ("bases", "base_list", base),
    ("honours", "honor_list", honour),
]


@pytest.mark.parametrize(("endpoint", "list_url", "factory"), KINDS, ids=[kind for kind, _, _ in KINDS])
def test_it_drops_a_deleted_row_from_the_api_list_like_the_page(world, api_for, client_for, endpoint, list_url, factory):
    obj = factory(world)
    client = api_for(world.org_admin)
    url = f"/api/v1/agreements/{endpoint}/"
    assert [row["uuid"] for row in client.get(url).json()["results"]] == [str(obj.uuid)]
    assert client.delete(f"{url}{obj.uuid}/").status_code == 204
    assert type(obj).objects.get(pk=obj.pk).is_archived
    assert client.get(url).json()["results"] == []
    assert client.get(url, {"count": "true"}).json()["count"] == 0
    assert "将删除" not in client_for(world.org_admin).get(reverse(f"agreements:{list_url}")).content.decode()
    # Its history stays reachable by UUID.
    assert client.get(f"{url}{obj.uuid}/").status_code == 200
