"""The organization page's timeline entries, and the demo data."""

import datetime

import pytest
from django.apps import apps

from gongjian.agreements import demo
from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Alliance,
    AllianceMember,
    Honor,
    HonorRecipient,
    Obligation,
    Pairing,
    PracticeBase,
    Rating,
)
from gongjian.orgs.models import Organization

from .conftest import make_agreement


def timeline(org, user):
    return apps.get_app_config("agreements").org_timeline(org, user)


def test_it_contributes_every_kind_to_the_timeline(world, at_status):
    agreement = at_status(S.SIGNED)
    Pairing.objects.create(
        org_a=world.foreign_org, org_b=world.own_org, theme="互学互鉴", track="study", start_date=datetime.date(2023, 3, 10)
    )
    Alliance.objects.create(name="微联盟", kind="micro", lead=world.own_org, founded_on=datetime.date(2023, 3, 28))
    PracticeBase.objects.create(name="劳动基地", host=world.own_org, established_on=datetime.date(2023, 4, 15))
    honor = Honor.objects.create(title="优秀共建党组织", issuer_name="区委组织部", awarded_on=datetime.date(2023, 6, 16))
    HonorRecipient.objects.create(honor=honor, organization=world.own_org)
    entries = {e["kind"]: e for e in timeline(world.own_org, world.org_admin)}
    assert set(entries) == {"agreement", "pairing", "alliance", "base", "honor"}
    assert entries["agreement"]["url"] == agreement.get_absolute_url() and agreement.title in entries["agreement"]["title"]
    assert entries["pairing"]["track"] == "study" and world.foreign_org.name in entries["pairing"]["title"]
    assert entries["honor"]["date"] == datetime.date(2023, 6, 16)
    for entry in entries.values():
        assert {"date", "kind", "title", "url", "track"} <= set(entry)


def test_it_shows_only_what_the_viewer_may_see(world):
    third = Organization.objects.create(name="第三方", sector="social", kind="branch")
    make_agreement(world, title="第三方协议", parties=[(world.foreign_org, "a"), (third, "b")])
    # The outsider sees the street's agreement; the college's admin, looking at the street's page, does not.
    assert [e["kind"] for e in timeline(world.foreign_org, world.outsider)] == ["agreement"]
    assert timeline(world.foreign_org, world.org_admin) == []


def test_it_appears_on_the_organization_page(world, client_for, at_status):
    from django.urls import reverse

    agreement = at_status(S.PUBLISHED)
    url = reverse("orgs:organization_detail", kwargs={"uuid": world.own_org.uuid}) + "?tab=timeline"
    body = client_for(world.org_admin).get(url).content.decode()
    assert agreement.get_absolute_url() in body


DEMO_ORGS = {
    "示例学院党委": None,
    "示例学院党委理论学习中心组": "示例学院党委",
    "学院办公室党支部": "示例学院党委",
    "工业设计系教工党支部": "示例学院党委",
    "众创空间学生党支部": "示例学院党委",
    "“熔·融”党建工作室": "示例学院党委",
    "学院智库团": "示例学院党委",
    "某大学国际合作处党支部": None,
    "某大学管理学院办公室党支部": None,
    "松江区税务局第一税务所党支部": None,
    "“茸易”工作室": "松江区税务局第一税务所党支部",
    "松江区就业促进中心党支部": None,
    "广富林街道党工委": None,
    "泗泾镇党委": None,
    "新桥镇党委": None,
    "场中居民区党总支": "新桥镇党委",
    "石湖荡镇党委": None,
    "渔墩村党总支": None,
    "中共盐津县委": None,
    "奉城镇科学技术协会": None,
    **dict.fromkeys(demo.EMPLOYMENT_ENTERPRISES),
}


@pytest.fixture
def demo_orgs(db):
    created = {}
    for name, parent in DEMO_ORGS.items():
        created[name] = Organization.objects.get_or_create(
            name=name, parent=created.get(parent), defaults={"sector": "other", "kind": "other"}
        )[0]
    return created


def counts():
    models = (
        Agreement,
        AgreementEvent,
        AgreementParty,
        Obligation,
        Pairing,
        Alliance,
        AllianceMember,
        PracticeBase,
        Honor,
        HonorRecipient,
        Rating,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_it_loads_the_demo_idempotently(demo_orgs):
    demo.load()
    first = counts()
    demo.load()
    assert counts() == first
    assert (
        first["Agreement"] == 4 and first["Pairing"] == 5 and first["Alliance"] == 2 and first["PracticeBase"] == 3 and first["Honor"] == 2
    )
    statuses = dict(Agreement.objects.values_list("title", "status"))
    assert statuses["“人才、税务、创业、技术进企业”共建协议"] == S.SIGNED
    assert statuses["重构空间多维服务，激活社区治理新模式"] == S.PERFORMING
    assert S.EVALUATED in statuses.values()
    three_party = Agreement.objects.get(title="三方共建促就业协议")
    assert set(three_party.parties.values_list("organization__name", flat=True)) == {
        "“熔·融”党建工作室",
        "“茸易”工作室",
        "松江区就业促进中心党支部",
    }
    assert Rating.objects.count() == 4
    micro = Alliance.objects.get(kind="micro")
    assert set(micro.members.values_list("name", flat=True)) == {"示例学院党委", "中共盐津县委", "石湖荡镇党委", "渔墩村党总支"}
    assert set(PracticeBase.objects.filter(alliance=micro).values_list("kind", flat=True)) == {"labour", "practice"}
    appointment = Honor.objects.get(title="泗美锋尚推介官")
    assert (appointment.kind, appointment.issuer.name, appointment.recipients.get().organization.name) == (
        "appointment",
        "泗泾镇党委",
        "学院智库团",
    )
    assert Pairing.objects.partners_of(demo_orgs["示例学院党委"], datetime.date(2023, 6, 1)) == {
        demo_orgs[name].pk for name in ("广富林街道党工委", "泗泾镇党委", "新桥镇党委")
    }
    assert Pairing.objects.filter(theme=demo.PAIRED_STUDY_THEME).count() == 2


def test_it_names_a_missing_demo_organization(db):
    with pytest.raises(LookupError, match="众创空间学生党支部"):
        demo.load()
