"""The REST API reads and writes everything under the same rules as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import TRANSITIONS, Agreement, Alliance, Honor, Pairing, PracticeBase, Rating
from gongjian.orgs.models import Organization

from .conftest import make_agreement

BASE = "/api/v1/agreements/agreements/"


def payload(world, **extra):
    return {
        "title": "接口协议",
        "theme": "组织联建",
        "track": "build",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        "parties": [
            {"organization": str(world.own_org.uuid), "role": "甲方", "obligations": [{"description": "提供设计服务"}]},
            {
                "organization": str(world.foreign_org.uuid),
                "role": "乙方",
                "obligations": [{"description": "提供场地"}, {"description": "组织居民"}],
            },
        ],
        **extra,
    }


def test_it_creates_an_agreement_with_parties_and_obligations(world, api_for):
    response = api_for(world.org_admin).post(BASE, payload(world), format="json")
    assert response.status_code == 201, response.data
    agreement = Agreement.objects.get(uuid=response.data["uuid"])
    assert [(p.organization, p.role, [o.description for o in p.obligations.all()]) for p in agreement.parties.all()] == [
        (world.own_org, "甲方", ["提供设计服务"]),
        (world.foreign_org, "乙方", ["提供场地", "组织居民"]),
    ]
    assert response.data["status"] == "draft" and response.data["public_url"] is None


def test_it_refuses_an_agreement_without_a_party_of_your_own(world, api_for):
    data = payload(world)
    data["parties"] = data["parties"][1:]
    response = api_for(world.org_admin).post(BASE, data, format="json")
    assert response.status_code == 400 and "parties" in response.data
    assert not Agreement.objects.exists()


def test_it_refuses_creation_by_plain_members(world, api_for):
    assert api_for(world.member).post(BASE, payload(world), format="json").status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [({"end_date": "2024-01-01"}, "end_date"), ({"track": "nonsense"}, "track"), ({"title": ""}, "title")],
)
def test_it_validates_like_the_form(world, api_for, change, field):
    response = api_for(world.org_admin).post(BASE, payload(world, **change), format="json")
    assert response.status_code == 400 and field in response.data


def test_it_refuses_the_same_party_twice(world, api_for):
    data = payload(world)
    data["parties"][1]["organization"] = str(world.own_org.uuid)
    assert api_for(world.org_admin).post(BASE, data, format="json").status_code == 400


def test_it_replaces_parties_while_negotiating_only(world, api_for, at_status):
    client = api_for(world.org_admin)
    draft = at_status(S.DRAFT)
    data = payload(world)
    data["parties"][1]["obligations"] = [{"description": "改为提供讲师"}]
    response = client.patch(f"{BASE}{draft.uuid}/", {"parties": data["parties"]}, format="json")
    assert response.status_code == 200, response.data
    assert list(draft.parties.get(organization=world.foreign_org).obligations.values_list("description", flat=True)) == ["改为提供讲师"]
    signed = at_status(S.SIGNED, title="已签")
    response = client.patch(f"{BASE}{signed.uuid}/", {"title": "偷改"}, format="json")
    assert response.status_code == 400
    assert Agreement.objects.get(pk=signed.pk).title == "已签"


def test_it_walks_the_whole_lifecycle(world, api_for):
    client = api_for(world.org_admin)
    uuid = client.post(BASE, payload(world), format="json").data["uuid"]
    for step, status in (("sign", "signed"), ("publish", "published"), ("start_performing", "performing"), ("evaluate", "evaluated")):
        response = client.post(f"{BASE}{uuid}/{step}/")
        assert response.status_code == 200, response.data
        assert response.data["status"] == status
    assert response.data["public_url"]
    events = client.get(f"{BASE}{uuid}/events/").data
    assert [e["to_status"] for e in events] == ["signed", "published", "performing", "evaluated"]


REFUSED = [
    (name, status)
    for name in ("sign", "publish", "start_performing", "evaluate", "terminate", "renew")
    for status in (S.DRAFT, S.TERMINATED)
    if status not in TRANSITIONS[name].sources
]


@pytest.mark.parametrize("name, status", REFUSED)
def test_it_answers_400_for_refused_transitions(world, api_for, at_status, name, status):
    agreement = at_status(status)
    data = {"reason": "原因", "new_start": "2030-01-01", "new_end": "2031-01-01"}
    response = api_for(world.org_admin).post(f"{BASE}{agreement.uuid}/{name}/", data, format="json")
    assert response.status_code == 400
    assert response.data["non_field_errors"]
    assert Agreement.objects.get(pk=agreement.pk).status == status


def test_it_explains_why_a_draft_cannot_be_signed(world, api_for):
    agreement = make_agreement(world, parties=[(world.own_org, "提供设计服务")])
    response = api_for(world.org_admin).post(f"{BASE}{agreement.uuid}/sign/")
    assert response.status_code == 400 and response.data["non_field_errors"]


def test_it_renews_and_terminates(world, api_for, at_status):
    client = api_for(world.org_admin)
    old = at_status(S.EVALUATED)
    response = client.post(f"{BASE}{old.uuid}/renew/", {"new_start": "2028-01-01", "new_end": "2029-12-31"}, format="json")
    assert response.status_code == 201 and response.data["previous"] == old.uuid and response.data["status"] == "draft"
    assert len(response.data["parties"]) == 2
    bad = client.post(f"{BASE}{old.uuid}/renew/", {"new_start": "2028-01-01"}, format="json")
    assert bad.status_code == 400
    signed = at_status(S.SIGNED, title="终止")
    assert client.post(f"{BASE}{signed.uuid}/terminate/", {}, format="json").status_code == 400
    response = client.post(f"{BASE}{signed.uuid}/terminate/", {"reason": "撤并"}, format="json")
    assert response.status_code == 200 and response.data["termination_reason"] == "撤并"


class TestRatings:
    def test_it_rates_and_lists(self, world, api_for, at_status):
        agreement = at_status(S.EVALUATED)
        own, foreign = agreement.parties.order_by("order")
        obligation = foreign.obligations.first()
        client = api_for(world.org_admin)
        data = {"rater": str(own.uuid), "obligation": str(obligation.uuid), "score": 5, "comment": "好"}
        response = client.post(f"{BASE}{agreement.uuid}/ratings/", data, format="json")
        assert response.status_code == 201, response.data
        assert client.get(f"{BASE}{agreement.uuid}/ratings/").data[0]["score"] == 5

    @pytest.mark.parametrize("score", [0, 6])
    def test_it_refuses_scores_out_of_range(self, world, api_for, at_status, score):
        agreement = at_status(S.EVALUATED)
        own, foreign = agreement.parties.order_by("order")
        data = {"rater": str(own.uuid), "obligation": str(foreign.obligations.first().uuid), "score": score}
        assert api_for(world.org_admin).post(f"{BASE}{agreement.uuid}/ratings/", data, format="json").status_code == 400
        assert not Rating.objects.exists()

    def test_it_refuses_rating_for_another_partys_admin(self, world, api_for, at_status):
        agreement = at_status(S.EVALUATED)
        own, foreign = agreement.parties.order_by("order")
        data = {"rater": str(foreign.uuid), "obligation": str(own.obligations.first().uuid), "score": 1}
        assert api_for(world.org_admin).post(f"{BASE}{agreement.uuid}/ratings/", data, format="json").status_code == 400
        assert api_for(world.outsider).post(f"{BASE}{agreement.uuid}/ratings/", data, format="json").status_code == 201


def test_it_uploads_attachments_by_content(world, api_for, draft):
    client = api_for(world.org_admin)
    url = f"{BASE}{draft.uuid}/attachments/"
    bad = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"not a pdf")}, format="multipart")
    assert bad.status_code == 400
    good = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.7 minimal")}, format="multipart")
    assert good.status_code == 201 and good.data["content_type"] == "application/pdf"
    assert [a["uuid"] for a in client.get(url).data] == [good.data["uuid"]]


def test_it_links_evidence_through_the_api(world, api_for, at_status):
    from django.utils import timezone

    from gongjian.agreements import evidence

    Activity = evidence.evidence_models()["activities.activity"]
    now = timezone.now()
    activity = Activity.objects.create(
        title="履约活动", kind="lecture", track="build", host=world.own_org, starts_at=now, ends_at=now + timezone.timedelta(hours=1)
    )
    agreement = at_status(S.PERFORMING)
    client = api_for(world.org_admin)
    response = client.post(
        f"{BASE}{agreement.uuid}/evidence/", {"kind": "activities.activity", "target": str(activity.uuid)}, format="json"
    )
    assert response.status_code == 201, response.data
    assert client.get(f"{BASE}{agreement.uuid}/evidence/").data[0]["target_title"] == "履约活动"
    again = client.post(f"{BASE}{agreement.uuid}/evidence/", {"kind": "activities.activity", "target": str(activity.uuid)}, format="json")
    assert again.status_code == 400


def test_it_filters_by_status_and_party(world, api_for, at_status):
    draft = at_status(S.DRAFT, title="甲")
    signed = at_status(S.SIGNED, title="乙")
    client = api_for(world.alliance_admin)
    uuids = {row["uuid"] for row in client.get(BASE, {"status": "signed"}).data["results"]}
    assert uuids == {str(signed.uuid)}
    uuids = {row["uuid"] for row in client.get(BASE, {"organization": str(world.foreign_org.uuid)}).data["results"]}
    assert uuids == {str(draft.uuid), str(signed.uuid)}


class TestOtherModels:
    def test_it_creates_a_pairing_and_refuses_a_duplicate_the_other_way_round(self, world, api_for):
        client = api_for(world.org_admin)
        data = {"org_a": str(world.own_org.uuid), "org_b": str(world.foreign_org.uuid), "theme": "互学", "track": "study"}
        assert client.post("/api/v1/agreements/pairings/", data, format="json").status_code == 201
        reverse = {**data, "org_a": data["org_b"], "org_b": data["org_a"]}
        response = api_for(world.outsider).post("/api/v1/agreements/pairings/", reverse, format="json")
        assert response.status_code == 400
        assert Pairing.objects.count() == 1

    def test_it_refuses_pairing_two_organizations_you_do_not_run(self, world, api_for):
        third = Organization.objects.create(name="他人党支部", sector="social", kind="branch")
        data = {"org_a": str(world.foreign_org.uuid), "org_b": str(third.uuid)}
        assert api_for(world.org_admin).post("/api/v1/agreements/pairings/", data, format="json").status_code == 403

    def test_it_refuses_pairing_an_organization_with_itself(self, world, api_for):
        data = {"org_a": str(world.own_org.uuid), "org_b": str(world.own_org.uuid)}
        assert api_for(world.org_admin).post("/api/v1/agreements/pairings/", data, format="json").status_code == 400

    def test_it_creates_an_alliance_with_members_and_keeps_the_lead_in(self, world, api_for):
        data = {"name": "微联盟", "kind": "micro", "lead": str(world.own_org.uuid), "members": [str(world.foreign_org.uuid)]}
        client = api_for(world.org_admin)
        response = client.post("/api/v1/agreements/alliances/", data, format="json")
        assert response.status_code == 201, response.data
        alliance = Alliance.objects.get()
        assert set(alliance.members.all()) == {world.own_org, world.foreign_org}
        client.patch(f"/api/v1/agreements/alliances/{alliance.uuid}/", {"members": []}, format="json")
        assert list(alliance.members.all()) == [world.own_org]

    def test_it_creates_a_base_linked_to_a_visible_agreement_only(self, world, api_for, at_status):
        mine = at_status(S.SIGNED)
        hidden = make_agreement(
            world,
            title="别人的",
            parties=[(world.foreign_org, "x"), (Organization.objects.create(name="别家", sector="social", kind="branch"), "y")],
        )
        client = api_for(world.org_admin)
        data = {
            "name": "劳动教育基地",
            "kind": "labour",
            "host": str(world.own_org.uuid),
            "capacity": 40,
            "partners": [str(world.foreign_org.uuid)],
        }
        assert client.post("/api/v1/agreements/bases/", {**data, "agreement": str(hidden.uuid)}, format="json").status_code == 400
        response = client.post("/api/v1/agreements/bases/", {**data, "agreement": str(mine.uuid)}, format="json")
        assert response.status_code == 201, response.data
        base = PracticeBase.objects.get()
        assert (base.agreement, list(base.partners.all())) == (mine, [world.foreign_org])

    def test_it_creates_an_honour_for_own_organization_only(self, world, api_for):
        client = api_for(world.org_admin)
        data = {"title": "优秀共建党组织", "kind": "honor", "issuer_name": "区委组织部", "level": "district", "awarded_on": "2023-06-16"}
        assert (
            client.post(
                "/api/v1/agreements/honours/", {**data, "recipient_organizations": [str(world.foreign_org.uuid)]}, format="json"
            ).status_code
            == 400
        )
        assert client.post("/api/v1/agreements/honours/", data, format="json").status_code == 400  # no recipient
        response = client.post("/api/v1/agreements/honours/", {**data, "recipient_organizations": [str(world.own_org.uuid)]}, format="json")
        assert response.status_code == 201, response.data
        assert response.data["recipients"] == [{"type": "organization", "uuid": str(world.own_org.uuid), "name": world.own_org.name}]
        assert Honor.objects.get().recipients.get().organization == world.own_org

    def test_it_needs_an_issuer(self, world, api_for):
        data = {"title": "无名荣誉", "awarded_on": "2023-06-16", "recipient_organizations": [str(world.own_org.uuid)]}
        response = api_for(world.org_admin).post("/api/v1/agreements/honours/", data, format="json")
        assert response.status_code == 400 and "issuer" in response.data


def test_it_documents_every_endpoint_in_the_schema(world, client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in (
        "/api/v1/agreements/agreements/",
        "/api/v1/agreements/agreements/{uuid}/sign/",
        "/api/v1/agreements/agreements/{uuid}/publish/",
        "/api/v1/agreements/agreements/{uuid}/start_performing/",
        "/api/v1/agreements/agreements/{uuid}/evaluate/",
        "/api/v1/agreements/agreements/{uuid}/renew/",
        "/api/v1/agreements/agreements/{uuid}/terminate/",
        "/api/v1/agreements/agreements/{uuid}/ratings/",
        "/api/v1/agreements/agreements/{uuid}/evidence/",
        "/api/v1/agreements/agreements/{uuid}/attachments/",
        "/api/v1/agreements/pairings/",
        "/api/v1/agreements/alliances/",
        "/api/v1/agreements/bases/",
        "/api/v1/agreements/honours/",
    ):
        assert path in paths, path
    assert "RenewRequest" in schema["components"]["schemas"]


def test_it_archives_instead_of_deleting_and_refuses_signed_ones(world, api_for, at_status):
    client = api_for(world.org_admin)
    draft = at_status(S.DRAFT, title="草稿")
    signed = at_status(S.SIGNED, title="已签")
    assert client.delete(f"{BASE}{draft.uuid}/").status_code == 204
    assert Agreement.objects.get(pk=draft.pk).is_archived
    response = client.delete(f"{BASE}{signed.uuid}/")
    assert response.status_code == 400 and response.data["non_field_errors"]
    assert not Agreement.objects.get(pk=signed.pk).is_archived
