"""List filters, edit forms and API updates of pairings, alliances, bases and honours."""

import datetime

import pytest
from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Alliance, Honor, HonorRecipient, Pairing, PracticeBase
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Organization, Person

D = datetime.date


def listed(client, name, **params):
    response = client.get(reverse(f"agreements:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def partner(db):
    return Organization.objects.create(name="新桥镇党委", sector="government", kind="committee")


def test_it_filters_pairings_by_organization_and_track(world, client_for, partner):
    study = Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org, theme="互学互鉴", track="study")
    build = Pairing.objects.create(org_a=world.own_org, org_b=partner, theme="结对共建", track="build")
    client = client_for(world.alliance_admin)
    body = listed(client, "pairing_list", organization=str(partner.uuid))
    assert build.get_absolute_url() in body and study.get_absolute_url() not in body
    body = listed(client, "pairing_list", track="study")
    assert study.get_absolute_url() in body and build.get_absolute_url() not in body
    body = listed(client, "pairing_list", q="互学")
    assert study.get_absolute_url() in body and build.get_absolute_url() not in body


def test_it_filters_alliances_by_member_and_kind(world, client_for, partner):
    micro = Alliance.objects.create(name="党建微联盟", kind="micro", lead=world.own_org)
    micro.memberships.create(organization=partner)
    group = Alliance.objects.create(name="就业服务组团", kind="group", lead=world.foreign_org)
    client = client_for(world.alliance_admin)
    body = listed(client, "alliance_list", organization=str(partner.uuid))
    assert micro.name in body and group.name not in body
    body = listed(client, "alliance_list", kind="group")
    assert group.name in body and micro.name not in body


def test_it_filters_bases_and_honours(world, client_for):
    labour = PracticeBase.objects.create(name="劳动党课基地", kind="labour", host=world.own_org)
    red = PracticeBase.objects.create(name="红色教育基地", kind="red", host=world.foreign_org)
    old = Honor.objects.create(title="往年荣誉", issuer_name="区委", awarded_on=D(2021, 5, 1), level="district")
    new = Honor.objects.create(title="今年聘任", kind="appointment", issuer=world.foreign_org, awarded_on=D(2023, 5, 1), level="school")
    for honor in (old, new):
        HonorRecipient.objects.create(honor=honor, organization=world.own_org)
    client = client_for(world.alliance_admin)
    body = listed(client, "base_list", kind="labour")
    assert labour.name in body and red.name not in body
    body = listed(client, "base_list", organization=str(world.foreign_org.uuid))
    assert red.name in body and labour.name not in body
    body = listed(client, "honor_list", year="2023")
    assert new.title in body and old.title not in body
    body = listed(client, "honor_list", kind="appointment", level="school")
    assert new.title in body and old.title not in body


def test_it_filters_agreements_by_party_and_text(world, client_for, at_status, partner):
    from .conftest import make_agreement

    with_partner = make_agreement(world, title="新桥共建协议", parties=[(world.own_org, "a"), (partner, "b")])
    with_street = at_status(S.DRAFT, title="广富林共建协议")
    client = client_for(world.org_admin)
    body = listed(client, "agreement_list", organization=str(partner.uuid))
    assert with_partner.title in body and with_street.title not in body
    body = listed(client, "agreement_list", q="广富林")
    assert with_street.title in body and with_partner.title not in body


def test_it_edits_a_pairing_without_moving_it_to_other_organizations(world, client_for, partner):
    pairing = Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org, theme="旧主题")
    client_for(world.org_admin).post(
        reverse("agreements:pairing_edit", kwargs={"uuid": pairing.uuid}),
        {"org_a": partner.uuid, "org_b": partner.uuid, "theme": "新主题", "track": "study", "status": "ended"},
    )
    pairing.refresh_from_db()
    assert (pairing.org_a, pairing.org_b, pairing.theme, pairing.status) == (world.own_org, world.foreign_org, "新主题", "ended")


def test_it_keeps_the_lead_when_a_lead_admin_edits(world, client_for, partner):
    alliance = Alliance.objects.create(name="联盟", kind="alliance", lead=world.own_org)
    client_for(world.org_admin).post(
        reverse("agreements:alliance_edit", kwargs={"uuid": alliance.uuid}),
        {"name": "联盟（更名）", "kind": "micro", "track": "build", "lead": partner.uuid, "member_orgs": [partner.uuid]},
    )
    alliance.refresh_from_db()
    assert (alliance.name, alliance.kind, alliance.lead) == ("联盟（更名）", "micro", world.own_org)
    assert set(alliance.members.all()) == {world.own_org, partner}


def test_it_updates_honour_recipients_through_the_api(world, api_for):
    honor = Honor.objects.create(title="推介官", kind="appointment", issuer=world.own_org, awarded_on=D(2023, 5, 10))
    HonorRecipient.objects.create(honor=honor, organization=world.own_org)
    colleague = make_member("colleague", "王老师", world.own_branch)
    client = api_for(world.org_admin)
    url = f"/api/v1/agreements/honours/{honor.uuid}/"
    response = client.patch(url, {"recipient_people": [str(colleague.person.uuid)]}, format="json")
    assert response.status_code == 200, response.data
    assert {r["name"] for r in response.data["recipients"]} == {world.own_org.name, "王老师"}
    stranger = Person.objects.create(name="外单位人员")
    assert client.patch(url, {"recipient_people": [str(stranger.uuid)]}, format="json").status_code == 400
    response = client.patch(url, {"recipient_organizations": []}, format="json")
    assert [r["name"] for r in response.data["recipients"]] == ["王老师"]


def test_it_refuses_an_honour_update_that_leaves_the_users_scope(world, api_for):
    honor = Honor.objects.create(title="荣誉", issuer_name="区委", awarded_on=D(2023, 5, 10))
    HonorRecipient.objects.create(honor=honor, organization=world.own_org)
    response = api_for(world.org_admin).patch(
        f"/api/v1/agreements/honours/{honor.uuid}/", {"recipient_organizations": [str(world.foreign_org.uuid)]}, format="json"
    )
    assert response.status_code == 400
    assert honor.recipients.get().organization == world.own_org


def test_it_shows_rating_averages_on_the_public_page(world, at_status, client):
    agreement = at_status(S.EVALUATED)
    own, foreign = agreement.parties.order_by("order")
    agreement.rate(world.org_admin, own, foreign.obligations.get(), 4, "内部评语")
    body = client.get(agreement.get_public_url()).content.decode()
    assert "★ 4.0" in body
    assert "内部评语" not in body  # comments stay inside the platform


def test_it_lists_projects_started_from_the_agreement(world, client_for, at_status):
    agreement = at_status(S.PERFORMING)
    from gongjian.projects.models import Project

    project = Project.objects.create(title="党群服务站改造", lead=world.own_org, agreement=agreement, track="create")
    body = client_for(world.org_admin).get(agreement.get_absolute_url()).content.decode()
    assert project.title in body
