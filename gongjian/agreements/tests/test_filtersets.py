"""The agreements filter sets on their own: either side of a pairing, where the text is looked for, bad years."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from gongjian.agreements.filters import AgreementFilterSet, HonorFilterSet, PairingFilterSet, PracticeBaseFilterSet
from gongjian.agreements.models import Agreement, Honor, Pairing, PracticeBase
from gongjian.orgs.models import Organization

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def partner(db):
    return Organization.objects.create(name="新桥镇党委", sector="government", kind="committee")


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def found(filterset_class, data, queryset, user=None):
    filterset = filterset_class(data, queryset=queryset, request=request_of(user or AnonymousUser()))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def test_it_finds_a_pairing_from_either_side_by_uuid_and_by_name(world, partner):
    first = Pairing.objects.create(org_a=world.own_org, org_b=partner, theme="结对共建")
    second = Pairing.objects.create(org_a=partner, org_b=world.foreign_org, theme="互学互鉴")
    Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org, theme="校地合作")
    pairings = Pairing.objects.all()
    assert found(PairingFilterSet, {"organization": partner.uuid}, pairings, world.member) == {first, second}
    assert found(PairingFilterSet, {"q": "新桥"}, pairings) == {first, second}


def test_it_refuses_an_organization_that_does_not_exist(world):
    Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org)
    filterset = PairingFilterSet(
        {"organization": "00000000-0000-4000-8000-000000000000"}, queryset=Pairing.objects.all(), request=request_of(world.alliance_admin)
    )
    assert not filterset.is_valid()
    assert "organization" in filterset.errors


def test_it_searches_an_agreements_theme_but_not_its_summary(world):
    themed = Agreement.objects.create(title="共建协议", theme="乡村振兴")
    Agreement.objects.create(title="另一份协议", summary="乡村振兴")
    assert found(AgreementFilterSet, {"q": " 乡村振兴 "}, Agreement.objects.all()) == {themed}
    assert len(found(AgreementFilterSet, {"q": "  "}, Agreement.objects.all())) == 2


def test_it_finds_a_base_by_address(world):
    base = PracticeBase.objects.create(name="劳动党课基地", host=world.own_org, address="松江区广富林路658弄")
    PracticeBase.objects.create(name="红色教育基地", host=world.foreign_org, address="嘉兴南湖")
    assert found(PracticeBaseFilterSet, {"q": "广富林路"}, PracticeBase.objects.all()) == {base}


def test_it_finds_an_honour_by_its_issuers_name_registered_or_typed(world):
    registered = Honor.objects.create(title="优秀共建党组织", issuer=world.foreign_org, awarded_on=D(2023, 5, 1))
    typed = Honor.objects.create(title="先进基层党组织", issuer_name="中共广富林街道工委", awarded_on=D(2023, 6, 1))
    Honor.objects.create(title="推介官", issuer_name="区委", awarded_on=D(2023, 7, 1))
    assert found(HonorFilterSet, {"q": "广富林"}, Honor.objects.all()) == {registered, typed}


@pytest.mark.parametrize("year", ["0", "10000", "-1", "二〇二三"])
def test_it_refuses_a_year_no_date_can_have(world, year):
    Honor.objects.create(title="荣誉", issuer_name="区委", awarded_on=D(2023, 5, 1))
    filterset = HonorFilterSet({"year": year}, queryset=Honor.objects.all())
    assert not filterset.is_valid()
    assert "year" in filterset.errors
