"""Linking performance evidence (履约) through the API: the same refusals as the page, keyed on the
fields the client sent."""

import pytest

from gongjian.activities.tests.helpers import make_activity
from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import AgreementEvidence, Pairing
from gongjian.orgs.models import Organization
from gongjian.projects.tests.factories import ProjectFactory

from .conftest import make_agreement

BASE = "/api/v1/agreements/agreements/"


@pytest.fixture
def stranger(db):
    return Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")


def evidence_url(agreement):
    return f"{BASE}{agreement.uuid}/evidence/"


def test_it_refuses_evidence_before_the_agreement_is_published(world, api_for, draft):
    activity = make_activity(world.own_org)
    response = api_for(world.org_admin).post(
        evidence_url(draft), {"kind": "activities.activity", "target": str(activity.uuid)}, format="json"
    )
    assert response.status_code == 400 and response.json()["non_field_errors"]
    assert not AgreementEvidence.objects.exists()


def test_it_refuses_an_unknown_kind_on_the_kind(world, api_for, at_status):
    agreement = at_status(S.PERFORMING)
    response = api_for(world.org_admin).post(evidence_url(agreement), {"kind": "auth.user", "target": str(agreement.uuid)}, format="json")
    assert response.status_code == 400 and response.json() == {"kind": ["请选择一项活动或项目。"]}


def test_it_refuses_an_item_out_of_sight_on_the_target(world, api_for, at_status):
    agreement = at_status(S.PERFORMING)
    hidden = make_activity(world.foreign_org, title="街道内部活动")
    response = api_for(world.org_admin).post(
        evidence_url(agreement), {"kind": "activities.activity", "target": str(hidden.uuid)}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"target": ["该条目不存在，或您无权查看。"]}
    assert not AgreementEvidence.objects.exists()


def test_it_links_a_project_once_and_names_it_on_the_page(world, api_for, client_for, at_status):
    agreement = at_status(S.PERFORMING)
    project = ProjectFactory(lead=world.own_org, title="协议下的项目")
    client = api_for(world.org_admin)
    body = {"kind": "projects.project", "target": str(project.uuid), "note": "履约项目"}
    created = client.post(evidence_url(agreement), body, format="json")
    assert created.status_code == 201 and created.json()["target_title"] == "协议下的项目"
    again = client.post(evidence_url(agreement), body, format="json")
    assert again.status_code == 400 and again.json()["non_field_errors"] == ["该条目已关联。"]
    assert "协议下的项目" in client_for(world.org_admin).get(agreement.get_absolute_url()).content.decode()


def test_it_shows_evidence_to_a_party_member_but_lets_only_admins_link(world, api_for):
    agreement = make_agreement(world, parties=[(world.own_branch, "组织党员"), (world.foreign_org, "提供场地")])
    for verb in ("sign", "publish", "start_performing"):
        getattr(agreement, verb)(world.org_admin)
    activity = make_activity(world.own_branch)
    client = api_for(world.member)
    assert client.get(evidence_url(agreement)).json() == []
    refused = client.post(evidence_url(agreement), {"kind": "activities.activity", "target": str(activity.uuid)}, format="json")
    assert refused.status_code == 403
    assert not AgreementEvidence.objects.exists()


class TestPairingScope:
    @pytest.fixture
    def pairing(self, world):
        return Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org, theme="互学互鉴")

    def test_it_refuses_moving_a_pairing_away_from_every_organization_one_runs(self, world, api_for, pairing, stranger):
        response = api_for(world.org_admin).patch(
            f"/api/v1/agreements/pairings/{pairing.uuid}/", {"org_a": str(stranger.uuid)}, format="json"
        )
        assert response.status_code == 403
        pairing.refresh_from_db()
        assert (pairing.org_a, pairing.org_b) == (world.own_org, world.foreign_org)

    def test_it_lets_either_side_change_the_other(self, world, api_for, pairing, stranger):
        response = api_for(world.outsider).patch(
            f"/api/v1/agreements/pairings/{pairing.uuid}/", {"org_a": str(stranger.uuid)}, format="json"
        )
        assert response.status_code == 200
        pairing.refresh_from_db()
        assert (pairing.org_a, pairing.org_b) == (stranger, world.foreign_org)
        # The college no longer takes part: the pairing leaves its sight.
        assert api_for(world.org_admin).get(f"/api/v1/agreements/pairings/{pairing.uuid}/").status_code == 404
