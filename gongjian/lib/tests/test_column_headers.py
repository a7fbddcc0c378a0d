"""Column headers fit the object they name: a thing has a 名称, a person a 姓名 (issue 11 §5).

Django merges the apps' catalogues, so a msgid translated one way in one app and another way in
another shows one of them everywhere; the people tables ask for "Name" in the person context."""

import re

import pytest
from django.urls import reverse

from gongjian.agreements.models import Alliance, PracticeBase

pytestmark = pytest.mark.django_db


def first_header(client, url):
    response = client.get(url)
    assert response.status_code == 200
    thead = re.search(r"<thead>(.*?)</thead>", response.content.decode(), re.S)
    assert thead, f"no table header on {url}"
    return re.sub(r"<[^>]+>", "", re.findall(r"<th[^>]*>(.*?)</th>", thead.group(1), re.S)[0]).strip()


def test_it_heads_alliances_and_practice_bases_with_their_name(world, client_for):
    Alliance.objects.create(name="党建微联盟", kind="micro", lead=world.own_org)
    PracticeBase.objects.create(name="劳动党课基地", kind="labour", host=world.own_org)
    client = client_for(world.alliance_admin)
    assert first_header(client, reverse("agreements:alliance_list")) == "名称"
    assert first_header(client, reverse("agreements:base_list")) == "名称"


def test_it_heads_people_with_their_full_name(world, client_for):
    assert first_header(client_for(world.org_admin), reverse("orgs:person_list")) == "姓名"
