"""The open hall's two lists, the claims list's filters (agreeing with the API) and accepting into a project from the claim page."""

import pytest
from django.urls import reverse

from gongjian.exchange.models import Claim
from gongjian.projects.models import Project

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


def test_the_hall_keeps_a_shared_need_after_its_first_claimant_and_drops_a_taken_one(world, client_for, make_need):
    taken = make_need("单独认领的需求", publish=True)
    shared = make_need("可多家认领的需求", publish=True, claim_mode="multiple")
    for need in (taken, shared):
        need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
    listed = client_for(world.member).get(reverse("exchange:hall")).context["object_list"]
    assert [n.title for n in listed] == [shared.title]


def test_first_claims_are_only_for_users_who_administer_an_organization(world, client_for, make_need, pair):
    pair(world.own_org, world.foreign_org)
    waiting = make_need(publish=True)
    assert waiting.priority_until is not None
    assert client_for(world.org_admin).get(reverse("exchange:hall")).context["first_claims"] == [waiting]
    # A plain member cannot claim; the alliance admin sees the whole hall instead.
    assert client_for(world.member).get(reverse("exchange:hall")).context["first_claims"] == []
    assert client_for(world.alliance_admin).get(reverse("exchange:hall")).context["first_claims"] == []


@pytest.fixture
def claims(world, make_need, make_resource):
    """own_org's pending claim on a need, its withdrawn request for a resource, and a rejected claim."""
    pending = make_need("等待处理", publish=True).claim(world.own_org, by=world.org_admin)
    withdrawn = make_resource(organization=world.foreign_org, publish=True).request(world.own_org, by=world.org_admin, quantity=2)
    withdrawn.withdraw(world.org_admin)
    rejected = make_need("被拒绝", publish=True).claim(world.own_org, by=world.org_admin)
    rejected.reject(world.outsider, "时间冲突")
    return {"pending": pending, "withdrawn": withdrawn, "rejected": rejected}


@pytest.mark.parametrize(
    "user, params, expected",
    [
        ("org_admin", {}, {"pending", "withdrawn", "rejected"}),
        ("org_admin", {"status": "rejected"}, {"rejected"}),
        ("org_admin", {"target": "resource"}, {"withdrawn"}),
        ("org_admin", {"target": "need", "status": "pending"}, {"pending"}),
        ("org_admin", {"box": "received"}, set()),
        ("outsider", {"box": "received", "target": "need"}, {"pending", "rejected"}),
        ("outsider", {"box": "received", "status": "withdrawn"}, {"withdrawn"}),
        ("member", {}, set()),
    ],
)
def test_the_claims_page_and_the_api_list_the_same_claims(world, client_for, api_for, claims, user, params, expected):
    user = getattr(world, user)
    wanted = {str(claims[name].uuid) for name in expected}
    page = client_for(user).get(reverse("exchange:claim_list"), params).context["object_list"]
    api = api_for(user).get(f"{API}/claims/", {"box": "mine", **params}).json()["results"]
    assert {str(c.uuid) for c in page} == wanted
    assert {c["uuid"] for c in api} == wanted


class TestAcceptingFromThePage:
    def test_it_joins_a_project_the_owner_leads_and_goes_there(self, world, client_for, make_need):
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin)
        project = Project.objects.create(title="街道微更新", lead=world.foreign_org)
        response = client_for(world.outsider).post(reverse("exchange:claim_accept", args=[claim.uuid]), {"join": str(project.uuid)})
        assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
        assert Claim.objects.get(pk=claim.pk).status == "accepted"
        assert list(project.needs.all()) == [need] and Project.objects.count() == 1

    def test_it_does_not_find_a_project_outside_the_deciders_scope(self, world, client_for, make_need, enterprise):
        company, _admin = enterprise
        claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
        theirs = Project.objects.create(title="企业的项目", lead=company)
        response = client_for(world.outsider).post(reverse("exchange:claim_accept", args=[claim.uuid]), {"join": str(theirs.uuid)})
        assert response.status_code == 404
        assert Claim.objects.get(pk=claim.pk).status == "pending" and not theirs.needs.exists()

    def test_it_explains_accepting_a_withdrawn_claim(self, world, client_for, make_need):
        claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
        claim.withdraw(world.org_admin)
        response = client_for(world.outsider).post(reverse("exchange:claim_accept", args=[claim.uuid]), follow=True)
        assert response.redirect_chain[-1][0] == claim.get_absolute_url()
        assert [str(m) for m in response.context["messages"]] == ["该认领已是“已撤回”状态。"]
        assert not Project.objects.exists()
