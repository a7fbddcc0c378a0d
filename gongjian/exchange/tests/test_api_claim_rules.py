"""The claims API's refusals: bad bodies are 400s, what one may not see is 404, what one may see but not decide is 403."""

import uuid

import pytest

from gongjian.exchange.models import Claim

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


def test_it_asks_for_a_need_or_a_resource(world, api_for):
    response = api_for(world.org_admin).post(f"{API}/claims/", {"organization": str(world.own_org.uuid)}, format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"] == ["需求和资源只能且必须填写一项。"]


def test_it_does_not_find_a_draft_or_unknown_need_to_claim(world, api_for, make_need):
    draft = make_need()
    client = api_for(world.org_admin)
    for need in (draft.uuid, uuid.uuid4()):
        response = client.post(f"{API}/claims/", {"need": str(need), "organization": str(world.own_org.uuid)}, format="json")
        assert response.status_code == 404
    assert client.post(f"{API}/needs/{draft.uuid}/claim/", {"organization": str(world.own_org.uuid)}, format="json").status_code == 404
    assert not Claim.objects.exists()


def test_it_refuses_claiming_for_an_organization_one_does_not_administer(world, api_for, make_need):
    need = make_need(publish=True)
    response = api_for(world.member).post(f"{API}/needs/{need.uuid}/claim/", {"organization": str(world.own_branch.uuid)}, format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"] == ["您只能代表您管理的组织认领。"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize("quantity", [0, -3, "许多"])
def test_it_refuses_a_quantity_that_is_not_a_positive_whole_number(world, api_for, make_resource, quantity):
    resource = make_resource(publish=True)
    body = {"organization": str(world.foreign_org.uuid), "quantity": quantity}
    response = api_for(world.outsider).post(f"{API}/resources/{resource.uuid}/request/", body, format="json")
    assert response.status_code == 400 and "quantity" in response.json()
    resource.refresh_from_db()
    assert resource.capacity == 20 and not Claim.objects.exists()


def test_it_refuses_a_message_over_2000_characters(world, api_for, make_need):
    need = make_need(publish=True)
    body = {"organization": str(world.own_org.uuid), "message": "长" * 2001}
    response = api_for(world.org_admin).post(f"{API}/needs/{need.uuid}/claim/", body, format="json")
    assert response.status_code == 400 and "message" in response.json()


def test_the_claimant_sees_but_may_not_reject_its_own_claim(world, api_for, make_need):
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    client = api_for(world.org_admin)
    assert client.get(f"{API}/claims/{claim.uuid}/").status_code == 200
    assert client.post(f"{API}/claims/{claim.uuid}/reject/", {"reason": "不要了"}, format="json").status_code == 403
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_a_third_organization_does_not_find_the_claim(world, api_for, make_need, enterprise):
    _org, admin = enterprise
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    client = api_for(admin)
    assert client.get(f"{API}/claims/{claim.uuid}/").status_code == 404
    for verb in ("accept", "reject", "withdraw"):
        assert client.post(f"{API}/claims/{claim.uuid}/{verb}/", {"reason": "x"}, format="json").status_code == 404
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_it_does_not_join_a_project_the_decider_may_not_change(world, api_for, make_need, enterprise):
    org, admin = enterprise
    elsewhere = make_need("企业的需求", organization=org, publish=True).claim(world.own_org, by=world.org_admin)
    project = elsewhere.accept(admin)
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    client = api_for(world.outsider)
    for join in (project.uuid, uuid.uuid4()):
        assert client.post(f"{API}/claims/{claim.uuid}/accept/", {"join": str(join)}, format="json").status_code == 404
    claim.refresh_from_db()
    assert claim.status == "pending" and claim.need.status == "published"


def test_it_answers_a_withdrawn_claim_with_400_on_accept(world, api_for, make_need):
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    assert api_for(world.org_admin).post(f"{API}/claims/{claim.uuid}/withdraw/").status_code == 200
    response = api_for(world.outsider).post(f"{API}/claims/{claim.uuid}/accept/", {}, format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"] == ["该认领已是“已撤回”状态。"]


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_it_refuses_a_satisfaction_outside_one_to_five_before_touching_the_need(world, api_for, make_need, satisfaction):
    need = make_need(publish=True)
    need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
    response = api_for(world.outsider).post(f"{API}/needs/{need.uuid}/fulfil/", {"satisfaction": satisfaction}, format="json")
    assert response.status_code == 400 and "satisfaction" in response.json()
    need.refresh_from_db()
    assert need.status != "fulfilled"
