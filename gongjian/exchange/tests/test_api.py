"""The exchange API: same rules as the pages, through the model verbs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.exchange.models import Claim, Need, Resource

from .conftest import days

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


def test_it_creates_publishes_and_lists_a_need(world, api_for, design):
    client = api_for(world.outsider)
    body = {
        "organization": str(world.foreign_org.uuid),
        "title": "场中居民区党群服务站设计",
        "category": str(design.uuid),
        "region": str(world.street.uuid),
        "contact_phone": "13800138000",
        "deadline": str(days(60)),
    }
    response = client.post(f"{API}/needs/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["contact_phone_masked"] == "138****8000" and "contact_phone" not in data
    response = client.post(f"{API}/needs/{data['uuid']}/publish/")
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]
    assert Need.objects.get().created_by == world.outsider
    listed = api_for(world.member).get(f"{API}/needs/", {"q": "服务站"}).json()
    assert [n["uuid"] for n in listed["results"]] == [data["uuid"]]


def test_it_validates_like_the_form(world, api_for, design):
    body = {
        "organization": str(world.foreign_org.uuid),
        "title": "x",
        "category": str(design.uuid),
        "deadline": str(days(5)),
        "priority_until": str(days(9)),
    }
    response = api_for(world.outsider).post(f"{API}/needs/", body, format="json")
    assert response.status_code == 400
    assert "priority_until" in response.json()


def test_it_refuses_creating_for_another_organization(world, api_for, design):
    body = {"organization": str(world.foreign_org.uuid), "title": "冒名", "category": str(design.uuid)}
    assert api_for(world.org_admin).post(f"{API}/needs/", body, format="json").status_code == 403
    assert not Need.objects.exists()


def test_it_refuses_moving_a_need_to_another_organization(world, api_for, make_need):
    need = make_need()
    response = api_for(world.outsider).patch(f"{API}/needs/{need.uuid}/", {"organization": str(world.own_org.uuid)}, format="json")
    assert response.status_code == 403
    assert Need.objects.get().organization == world.foreign_org


def test_it_answers_an_illegal_transition_with_400(world, api_for, make_need):
    need = make_need(publish=True)
    response = api_for(world.outsider).post(f"{API}/needs/{need.uuid}/publish/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_it_archives_on_delete_only_when_closed(world, api_for, make_need):
    need = make_need(publish=True)
    client = api_for(world.outsider)
    assert client.delete(f"{API}/needs/{need.uuid}/").status_code == 400
    client.post(f"{API}/needs/{need.uuid}/close/", {"note": "不再需要"}, format="json")
    assert client.delete(f"{API}/needs/{need.uuid}/").status_code == 204
    assert Need.objects.get().is_archived


def test_it_runs_the_whole_claim_flow(world, api_for, make_need, enterprise):
    org, _admin = enterprise
    need = make_need(publish=True)
    body = {"organization": str(world.own_org.uuid), "partners": [str(org.uuid)], "message": "联合领办"}
    response = api_for(world.org_admin).post(f"{API}/needs/{need.uuid}/claim/", body, format="json")
    assert response.status_code == 201, response.json()
    claim = response.json()
    assert claim["status"] == "pending" and [p["name"] for p in claim["partners"]] == [org.name]
    assert api_for(world.org_admin).post(f"{API}/claims/{claim['uuid']}/accept/").status_code == 403
    response = api_for(world.outsider).post(f"{API}/claims/{claim['uuid']}/accept/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted" and response.json()["project"]
    assert api_for(world.outsider).post(f"{API}/claims/{claim['uuid']}/accept/").status_code == 400


def test_it_requires_a_reason_to_reject(world, api_for, make_need):
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    client = api_for(world.outsider)
    assert client.post(f"{API}/claims/{claim.uuid}/reject/", {}, format="json").status_code == 400
    response = client.post(f"{API}/claims/{claim.uuid}/reject/", {"reason": "时间不合适"}, format="json")
    assert response.json()["reject_reason"] == "时间不合适"


def test_it_withdraws_only_for_the_claimant(world, api_for, make_need):
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    assert api_for(world.outsider).post(f"{API}/claims/{claim.uuid}/withdraw/").status_code == 403
    assert api_for(world.org_admin).post(f"{API}/claims/{claim.uuid}/withdraw/").json()["status"] == "withdrawn"


def test_it_creates_claims_and_requests_on_the_claims_endpoint(world, api_for, make_need, make_resource):
    need, resource = make_need(publish=True), make_resource(publish=True)
    client = api_for(world.org_admin)
    assert client.post(f"{API}/claims/", {"need": str(need.uuid), "organization": str(world.own_org.uuid)}, format="json").status_code == 201
    body = {"need": str(need.uuid), "resource": str(resource.uuid), "organization": str(world.own_org.uuid)}
    assert client.post(f"{API}/claims/", body, format="json").status_code == 400
    body = {"resource": str(resource.uuid), "organization": str(world.foreign_org.uuid), "quantity": 3}
    response = api_for(world.outsider).post(f"{API}/claims/", body, format="json")
    assert response.status_code == 201 and response.json()["quantity"] == 3
    assert Claim.objects.count() == 2


def test_it_requests_a_resource(world, api_for, make_resource):
    resource = make_resource(publish=True)
    body = {"organization": str(world.foreign_org.uuid), "quantity": 30}
    response = api_for(world.outsider).post(f"{API}/resources/{resource.uuid}/request/", body, format="json")
    assert response.status_code == 400
    body["quantity"] = 5
    assert api_for(world.outsider).post(f"{API}/resources/{resource.uuid}/request/", body, format="json").status_code == 201


def test_it_separates_my_claims_from_received_ones(world, api_for, make_need):
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    mine = api_for(world.org_admin).get(f"{API}/claims/", {"box": "mine"}).json()["results"]
    received = api_for(world.org_admin).get(f"{API}/claims/", {"box": "received"}).json()["results"]
    assert [c["uuid"] for c in mine] == [str(claim.uuid)] and received == []
    assert [c["uuid"] for c in api_for(world.outsider).get(f"{API}/claims/", {"box": "received"}).json()["results"]] == [str(claim.uuid)]


def test_it_lists_in_constant_queries(world, api_for, make_need, make_resource):
    client = api_for(world.member)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    make_need(publish=True)
    make_resource(publish=True)
    few = (count(f"{API}/needs/"), count(f"{API}/resources/"))
    for i in range(12):
        make_need(title=f"需求 {i}", publish=True)
        make_resource(title=f"资源 {i}", publish=True)
    assert (count(f"{API}/needs/"), count(f"{API}/resources/")) == few


def test_it_lets_only_alliance_admins_change_categories(world, api_for):
    assert len(api_for(world.member).get(f"{API}/categories/").json()["results"]) == 10
    assert api_for(world.org_admin).post(f"{API}/categories/", {"name": "产业对接"}, format="json").status_code == 403
    response = api_for(world.alliance_admin).post(f"{API}/categories/", {"name": "产业对接", "order": 110}, format="json")
    assert response.status_code == 201


def test_it_publishes_releases_for_alliance_admins_only(world, api_for, make_need):
    need = make_need(publish=True)
    body = {"year": need.published_at.year, "kind": "needs", "featured": [str(need.uuid)]}
    assert api_for(world.org_admin).post(f"{API}/releases/", body, format="json").status_code == 403
    response = api_for(world.alliance_admin).post(f"{API}/releases/", body, format="json")
    assert response.status_code == 201
    release = response.json()
    assert [row["title"] for row in release["snapshot"]] == [need.title]
    assert release["snapshot"][0]["featured"] is True
    listed = api_for(world.member).get(f"{API}/releases/").json()["results"]
    assert [r["uuid"] for r in listed] == [release["uuid"]]


def test_it_is_in_the_openapi_schema(world, client_for):
    response = client_for(world.member).get("/api/schema/")
    body = response.content.decode()
    for path in ("/api/v1/exchange/needs/{uuid}/suggestions/", "/api/v1/exchange/resources/{uuid}/suggestions/", "/api/v1/exchange/claims/{uuid}/accept/"):
        assert path in body


def test_it_hides_resources_drafts_from_other_organizations(world, api_for, make_resource):
    draft = make_resource()
    assert api_for(world.outsider).get(f"{API}/resources/{draft.uuid}/").status_code == 404
    assert api_for(world.org_admin).get(f"{API}/resources/{draft.uuid}/").status_code == 200
    assert Resource.objects.count() == 1
