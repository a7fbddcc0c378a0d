"""A party, obligation, evidence row or attachment is reached only through its own agreement.

Every nested page names two UUIDs: the agreement (checked against the user's scope) and the
part. A part of another agreement, even one the same user may edit, answers 404 and changes nothing.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Agreement, AgreementAttachment, AgreementEvidence, AgreementParty, Obligation, Rating

from .conftest import make_agreement

BASE = "/api/v1/agreements/agreements/"


@pytest.fixture
def other(world):
    """A second draft between the same two organizations: the user may edit both."""
    return make_agreement(world, title="另一份协议")


def url(view, agreement, **parts):
    return reverse(f"agreements:{view}", kwargs={"uuid": agreement.uuid, **parts})


def test_it_answers_404_for_a_party_of_another_agreement(world, client_for, draft, other):
    foreign_party = other.parties.get(organization=world.foreign_org)
    client = client_for(world.org_admin)
    assert client.post(url("party_remove", draft, party=foreign_party.uuid)).status_code == 404
    response = client.post(url("obligation_add", draft, party=foreign_party.uuid), {"description": "越界责任"})
    assert response.status_code == 404
    assert other.parties.count() == 2
    assert not Obligation.objects.filter(description="越界责任").exists()


def test_it_answers_404_for_an_obligation_of_another_agreement(world, client_for, draft, other):
    obligation = Obligation.objects.get(party__agreement=other, party__organization=world.foreign_org)
    response = client_for(world.org_admin).post(url("obligation_remove", draft, obligation=obligation.uuid))
    assert response.status_code == 404
    assert Obligation.objects.filter(pk=obligation.pk).exists()


def test_it_answers_404_for_evidence_of_another_agreement(world, client_for, at_status):
    mine, theirs = at_status(S.PERFORMING, title="甲协议"), at_status(S.PERFORMING, title="乙协议")
    row = AgreementEvidence.objects.create(agreement=theirs, content_type=ContentType.objects.get_for_model(AgreementParty), object_id=1)
    response = client_for(world.org_admin).post(url("evidence_remove", mine, evidence=row.uuid))
    assert response.status_code == 404
    assert AgreementEvidence.objects.filter(pk=row.pk).exists()


def test_it_answers_404_for_a_rating_party_of_another_agreement(world, client_for, at_status):
    mine, theirs = at_status(S.EVALUATED, title="甲协议"), at_status(S.EVALUATED, title="乙协议")
    their_rater = theirs.parties.get(organization=world.own_org)
    obligation = Obligation.objects.get(party__agreement=mine, party__organization=world.foreign_org)
    response = client_for(world.org_admin).post(url("rate", mine, party=their_rater.uuid), {f"score_{obligation.uuid}": "5"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_it_answers_404_for_an_attachment_of_an_agreement_out_of_scope(world, client_for, api_for):
    theirs = make_agreement(world, parties=[(world.foreign_org, "提供场地")])
    attachment = theirs.attach(SimpleUploadedFile("scan.pdf", b"%PDF-1.7 x"), ("pdf", "application/pdf", "scan.pdf"), world.outsider)
    client = client_for(world.org_admin)
    assert client.get(reverse("agreements:attachment_download", kwargs={"uuid": attachment.uuid})).status_code == 404
    assert client.post(reverse("agreements:attachment_delete", kwargs={"uuid": attachment.uuid})).status_code == 404
    assert api_for(world.org_admin).get(f"{BASE}{theirs.uuid}/attachments/").status_code == 404
    assert AgreementAttachment.objects.filter(pk=attachment.pk).exists()


def test_it_refuses_deleting_a_published_agreements_attachment_from_the_page(world, client_for, at_status):
    agreement = at_status(S.SIGNED)
    attachment = agreement.attach(SimpleUploadedFile("scan.pdf", b"%PDF-1.7 x"), ("pdf", "application/pdf", "scan.pdf"), world.org_admin)
    agreement.publish(world.org_admin)
    response = client_for(world.org_admin).post(reverse("agreements:attachment_delete", kwargs={"uuid": attachment.uuid}), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["协议亮约后附件不可再删除。"]
    assert attachment.file.storage.exists(attachment.file.name)


@pytest.mark.parametrize("name", ["events", "ratings", "evidence"])
def test_it_hides_an_agreements_history_and_ratings_from_outsiders_in_the_api(world, api_for, at_status, name):
    agreement = make_agreement(world, parties=[(world.own_org, "提供设计服务"), (world.own_branch, "组织党员")])
    assert api_for(world.outsider).get(f"{BASE}{agreement.uuid}/{name}/").status_code == 404
    assert api_for(world.org_admin).get(f"{BASE}{agreement.uuid}/{name}/").status_code == 200


class TestValidationAgrees:
    def test_it_refuses_a_blank_obligation_on_the_page_and_the_model_with_one_message(self, world, client_for, draft):
        own = draft.parties.get(organization=world.own_org)
        response = client_for(world.org_admin).post(url("obligation_add", draft, party=own.uuid), {"description": "   "}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["请填写责任内容。"]
        with pytest.raises(ValidationError) as refused:
            Obligation(party=own, description="  ").full_clean()
        assert refused.value.message_dict == {"description": ["请填写责任内容。"]}
        assert own.obligations.count() == 1

    def test_it_refuses_a_termination_without_reason_on_the_page_and_the_api_alike(self, world, client_for, api_for, at_status):
        agreement = at_status(S.SIGNED)
        page = client_for(world.org_admin).post(url("agreement_transition", agreement, name="terminate"), {"reason": " "}, follow=True)
        assert [str(m) for m in page.context["messages"]] == ["请填写终止协议的原因。"]
        api = api_for(world.org_admin).post(f"{BASE}{agreement.uuid}/terminate/", {"reason": " "}, format="json")
        assert api.status_code == 400
        agreement.refresh_from_db()
        assert agreement.status == S.SIGNED and not agreement.termination_reason

    def test_it_asks_for_a_score_when_none_is_given(self, world, client_for, at_status):
        agreement = at_status(S.EVALUATED)
        own = agreement.parties.get(organization=world.own_org)
        response = client_for(world.org_admin).post(url("rate", agreement, party=own.uuid), {}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["请至少给出一项评分。"]
        assert not Rating.objects.exists()


class TestRepeatedSteps:
    def test_it_answers_a_second_signature_with_400_and_records_one_step(self, world, api_for, draft):
        client = api_for(world.org_admin)
        assert client.post(f"{BASE}{draft.uuid}/sign/", {}, format="json").status_code == 200
        again = client.post(f"{BASE}{draft.uuid}/sign/", {}, format="json")
        assert again.status_code == 400
        assert again.data["non_field_errors"] == ["协议当前处于“签约”阶段，不能执行“签约”。"]
        events = client.get(f"{BASE}{draft.uuid}/events/").data
        assert [(e["from_status"], e["to_status"]) for e in events] == [("draft", "signed")]

    def test_it_refuses_a_second_renewal_of_the_same_term(self, world, api_for, at_status):
        agreement = at_status(S.EVALUATED)
        client = api_for(world.org_admin)
        body = {"new_start": "2028-01-01", "new_end": "2029-12-31"}
        assert client.post(f"{BASE}{agreement.uuid}/renew/", body, format="json").status_code == 201
        assert client.post(f"{BASE}{agreement.uuid}/renew/", body, format="json").status_code == 400
        assert agreement.renewals.count() == 1

    def test_it_lets_a_plain_member_of_a_party_read_but_not_move_an_agreement(self, world, api_for):
        agreement = make_agreement(world, parties=[(world.own_branch, "组织党员"), (world.foreign_org, "提供场地")])
        client = api_for(world.member)
        assert client.get(f"{BASE}{agreement.uuid}/").status_code == 200
        assert client.post(f"{BASE}{agreement.uuid}/sign/", {}, format="json").status_code == 403
        assert client.post(f"{BASE}{agreement.uuid}/terminate/", {"reason": "越权"}, format="json").status_code == 403
        agreement.refresh_from_db()
        assert agreement.status == S.DRAFT


class TestQuerySets:
    @pytest.fixture
    def today(self):
        return datetime.date(2027, 6, 1)

    def test_it_counts_the_last_days_of_a_term_within_the_window_and_not_the_day_after(self, world, at_status, today):
        ends_today = at_status(S.SIGNED, title="今日到期", end=today)
        ends_on_the_last_day = at_status(S.PUBLISHED, title="第30天到期", end=today + datetime.timedelta(days=30))
        at_status(S.PERFORMING, title="第31天到期", end=today + datetime.timedelta(days=31))
        at_status(S.SIGNED, title="昨日到期", end=today - datetime.timedelta(days=1))
        ending = Agreement.objects.ending_within(30, today=today)
        assert set(ending.values_list("title", flat=True)) == {ends_today.title, ends_on_the_last_day.title}
        assert list(Agreement.objects.past_end(today=today).values_list("title", flat=True)) == ["昨日到期"]

    def test_it_leaves_drafts_ended_and_archived_agreements_out_of_force(self, world, at_status, today):
        end = today + datetime.timedelta(days=5)
        at_status(S.DRAFT, title="草稿", end=end)
        at_status(S.TERMINATED, title="已终止", end=end).archive()
        at_status(S.EXPIRED, title="已到期", end=end)
        performing = at_status(S.PERFORMING, title="履约中", end=end)
        assert list(Agreement.objects.in_force().values_list("title", flat=True)) == [performing.title]
        assert list(Agreement.objects.ending_within(30, today=today).values_list("title", flat=True)) == [performing.title]

    @pytest.mark.parametrize(
        ("status", "allowed"),
        [
            (S.DRAFT, ["sign"]),
            (S.SIGNED, ["publish", "terminate"]),
            (S.PERFORMING, ["evaluate", "renew", "terminate"]),
            (S.EVALUATED, ["renew", "terminate"]),
            (S.EXPIRED, ["renew"]),
            (S.TERMINATED, []),
        ],
    )
    def test_it_offers_the_user_steps_of_each_status_but_never_expiry(self, world, at_status, status, allowed):
        assert [t.name for t in at_status(status).allowed_transitions()] == allowed

    def test_it_finds_an_organizations_agreements_and_searches_titles(self, world, at_status):
        with_street = at_status(S.DRAFT, title="社区治理协议")
        make_agreement(world, title="学院内部协议", parties=[(world.own_org, "甲"), (world.own_branch, "乙")])
        assert list(Agreement.objects.of_organization(world.foreign_org)) == [with_street]
        assert list(Agreement.objects.search(" 社区 ").values_list("title", flat=True)) == ["社区治理协议"]
        assert Agreement.objects.search("  ").count() == 2
