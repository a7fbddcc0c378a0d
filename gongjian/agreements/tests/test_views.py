"""Agreement pages: create, negotiate, move through the lifecycle, rate, link evidence."""

import pytest
from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import TRANSITIONS, Agreement, AgreementEvidence, AgreementParty, Obligation, Rating

from .conftest import END, START, make_agreement


def transition_url(agreement, name):
    return reverse("agreements:agreement_transition", kwargs={"uuid": agreement.uuid, "name": name})


def test_it_creates_a_draft_with_own_and_partner_parties(world, client_for):
    client = client_for(world.org_admin)
    response = client.post(
        reverse("agreements:agreement_create"),
        {
            "title": "社区治理共建协议",
            "theme": "社区微更新",
            "track": "build",
            "start_date": "2025-03-01",
            "end_date": "2026-02-28",
            "own_party": world.own_org.uuid,
            "partners": [world.foreign_org.uuid],
        },
    )
    agreement = Agreement.objects.get(title="社区治理共建协议")
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert list(agreement.parties.values_list("organization", flat=True)) == [world.own_org.pk, world.foreign_org.pk]
    assert (agreement.status, agreement.created_by) == (S.DRAFT, world.org_admin)


def test_it_offers_only_administered_organizations_as_own_party(world, client_for):
    response = client_for(world.org_admin).post(
        reverse("agreements:agreement_create"),
        {"title": "冒名协议", "track": "build", "own_party": world.foreign_org.uuid, "partners": []},
    )
    assert response.status_code == 200
    assert not Agreement.objects.filter(title="冒名协议").exists()
    assert "own_party" in response.context["form"].errors


def test_it_refuses_the_create_page_to_plain_members(world, client_for):
    assert client_for(world.member).get(reverse("agreements:agreement_create")).status_code == 403


def test_it_shows_the_form_error_for_a_reversed_term(world, client_for):
    response = client_for(world.org_admin).post(
        reverse("agreements:agreement_create"),
        {"title": "倒序协议", "track": "build", "start_date": "2025-03-01", "end_date": "2025-01-01", "own_party": world.own_org.uuid},
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors


def test_it_adds_parties_and_obligations_while_negotiating(world, client_for):
    agreement = make_agreement(world, parties=[(world.own_org, None)])
    client = client_for(world.org_admin)
    client.post(reverse("agreements:party_add", kwargs={"uuid": agreement.uuid}), {"organization": world.foreign_org.uuid, "role": "乙方"})
    own, foreign = agreement.parties.order_by("order")
    assert (foreign.organization, foreign.role) == (world.foreign_org, "乙方")
    for party, text in ((own, "提供设计"), (foreign, "提供场地")):
        client.post(reverse("agreements:obligation_add", kwargs={"uuid": agreement.uuid, "party": party.uuid}), {"description": text})
    assert list(Obligation.objects.filter(party__agreement=agreement).values_list("description", flat=True)) == ["提供设计", "提供场地"]
    client.post(transition_url(agreement, "sign"))
    agreement.refresh_from_db()
    assert agreement.status == S.SIGNED


def test_it_refuses_a_duplicate_party_with_a_message(world, client_for, draft):
    response = client_for(world.org_admin).post(
        reverse("agreements:party_add", kwargs={"uuid": draft.uuid}), {"organization": world.foreign_org.uuid}, follow=True
    )
    assert draft.parties.count() == 2
    assert any("already a party" in str(m) or "已是" in str(m) for m in response.context["messages"])


def test_it_keeps_the_parties_fixed_after_signing(world, client_for, at_status):
    agreement = at_status(S.SIGNED)
    client = client_for(world.org_admin)
    foreign = agreement.parties.get(organization=world.foreign_org)
    client.post(reverse("agreements:party_remove", kwargs={"uuid": agreement.uuid, "party": foreign.uuid}))
    client.post(reverse("agreements:obligation_add", kwargs={"uuid": agreement.uuid, "party": foreign.uuid}), {"description": "追加"})
    client.post(reverse("agreements:obligation_remove", kwargs={"uuid": agreement.uuid, "obligation": foreign.obligations.first().uuid}))
    assert agreement.parties.count() == 2
    assert list(foreign.obligations.values_list("description", flat=True)) == ["提供场地"]


def test_it_does_not_let_you_remove_your_own_last_party(world, client_for, draft):
    own = draft.parties.get(organization=world.own_org)
    client_for(world.org_admin).post(reverse("agreements:party_remove", kwargs={"uuid": draft.uuid, "party": own.uuid}))
    assert draft.parties.filter(pk=own.pk).exists()


@pytest.mark.parametrize("name", ["sign", "publish", "start_performing", "evaluate"])
def test_it_walks_the_lifecycle_through_the_page(world, client_for, at_status, name):
    agreement = at_status(TRANSITIONS[name].sources[0])
    response = client_for(world.org_admin).post(transition_url(agreement, name))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == TRANSITIONS[name].target


@pytest.mark.parametrize("name", ["publish", "start_performing", "evaluate", "renew", "terminate"])
def test_it_shows_a_refused_transition_as_a_page_error(world, client_for, draft, name):
    response = client_for(world.org_admin).post(transition_url(draft, name), {"reason": "x"}, follow=True)
    assert response.status_code == 200
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors, "the refusal must be shown"
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_it_shows_why_a_draft_cannot_be_signed(world, client_for):
    agreement = make_agreement(world, parties=[(world.own_org, "提供设计服务")])
    response = client_for(world.org_admin).post(transition_url(agreement, "sign"), follow=True)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and Agreement.objects.get(pk=agreement.pk).status == S.DRAFT


def test_it_does_not_expose_expiry_as_a_page_action(world, client_for, at_status):
    agreement = at_status(S.SIGNED)
    assert client_for(world.org_admin).post(transition_url(agreement, "expire")).status_code == 404
    assert client_for(world.org_admin).post(transition_url(agreement, "nonsense")).status_code == 404


def test_it_renews_and_terminates_through_the_page(world, client_for, at_status):
    client = client_for(world.org_admin)
    evaluated = at_status(S.EVALUATED)
    response = client.post(transition_url(evaluated, "renew"), {"new_start": "2028-01-01", "new_end": "2029-12-31"})
    successor = Agreement.objects.get(previous=evaluated)
    assert response["Location"] == successor.get_absolute_url()
    signed = at_status(S.SIGNED, title="将终止的协议")
    client.post(transition_url(signed, "terminate"), {"reason": "机构调整"})
    signed.refresh_from_db()
    assert (signed.status, signed.termination_reason) == (S.TERMINATED, "机构调整")


def test_it_refuses_a_renewal_without_dates_with_a_message(world, client_for, at_status):
    agreement = at_status(S.EVALUATED)
    response = client_for(world.org_admin).post(transition_url(agreement, "renew"), {"new_start": ""}, follow=True)
    assert [m for m in response.context["messages"] if m.level_tag == "error"]
    agreement.refresh_from_db()
    assert agreement.status == S.EVALUATED


def test_it_shows_the_detail_page_in_every_status(world, client_for, at_status):
    client = client_for(world.org_admin)
    for status in S:
        agreement = at_status(status, title=f"协议-{status}")
        response = client.get(agreement.get_absolute_url())
        assert response.status_code == 200, status
        assert agreement.title in response.content.decode()


def test_it_offers_only_allowed_actions(world, client_for, at_status):
    agreement = at_status(S.PUBLISHED)
    body = client_for(world.org_admin).get(agreement.get_absolute_url()).content.decode()
    assert 'data-transition="start_performing"' in body and 'data-transition="terminate"' in body
    assert 'data-transition="sign"' not in body and 'data-transition="evaluate"' not in body
    member_body = client_for(world.member).get(agreement.get_absolute_url()).content.decode()
    assert "data-transition" not in member_body


def test_it_saves_ratings_from_the_page(world, client_for, at_status):
    agreement = at_status(S.EVALUATED)
    own, foreign = agreement.parties.order_by("order")
    obligation = foreign.obligations.first()
    client = client_for(world.org_admin)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert f"score_{obligation.uuid}" in page
    assert f"score_{own.obligations.first().uuid}" not in page  # no rating your own obligations
    client.post(
        reverse("agreements:rate", kwargs={"uuid": agreement.uuid, "party": own.uuid}),
        {f"score_{obligation.uuid}": "4", f"comment_{obligation.uuid}": "配合积极"},
    )
    rating = Rating.objects.get()
    assert (rating.rater, rating.obligation, rating.score, rating.comment) == (own, obligation, 4, "配合积极")


def test_it_refuses_rating_for_someone_elses_party_from_the_page(world, client_for, at_status):
    agreement = at_status(S.EVALUATED)
    own, foreign = agreement.parties.order_by("order")
    response = client_for(world.org_admin).post(
        reverse("agreements:rate", kwargs={"uuid": agreement.uuid, "party": foreign.uuid}),
        {f"score_{own.obligations.first().uuid}": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Rating.objects.exists()


def test_it_refuses_a_malformed_score_with_a_message(world, client_for, at_status):
    agreement = at_status(S.EVALUATED)
    own, foreign = agreement.parties.order_by("order")
    response = client_for(world.org_admin).post(
        reverse("agreements:rate", kwargs={"uuid": agreement.uuid, "party": own.uuid}),
        {f"score_{foreign.obligations.first().uuid}": "abc"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Rating.objects.exists()


def test_it_archives_a_draft(world, client_for, draft):
    response = client_for(world.org_admin).post(reverse("agreements:agreement_archive", kwargs={"uuid": draft.uuid}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_archived


def test_it_edits_a_draft_but_not_a_signed_agreement(world, client_for, at_status):
    client = client_for(world.org_admin)
    draft = at_status(S.DRAFT)
    data = {"title": "改名协议", "theme": "", "track": "study", "start_date": START.isoformat(), "end_date": END.isoformat(), "summary": ""}
    client.post(reverse("agreements:agreement_edit", kwargs={"uuid": draft.uuid}), data)
    draft.refresh_from_db()
    assert (draft.title, draft.track) == ("改名协议", "study")
    signed = at_status(S.SIGNED, title="已签协议")
    response = client.post(reverse("agreements:agreement_edit", kwargs={"uuid": signed.uuid}), {**data, "title": "偷改"})
    assert response.status_code == 200
    signed.refresh_from_db()
    assert signed.title == "已签协议"


class TestEvidence:
    def test_it_links_only_visible_activities_and_projects(self, world, client_for, at_status):
        from gongjian.agreements import evidence

        models = evidence.evidence_models()
        agreement = at_status(S.PERFORMING)
        from django.utils import timezone

        Activity = models["activities.activity"]
        now = timezone.now()
        mine = Activity.objects.create(
            title="联学活动", kind="lecture", track="study", host=world.own_org, starts_at=now, ends_at=now + timezone.timedelta(hours=2)
        )
        theirs = Activity.objects.create(
            title="街道活动",
            kind="lecture",
            track="study",
            host=world.foreign_org,
            starts_at=now,
            ends_at=now + timezone.timedelta(hours=2),
        )
        client = client_for(world.org_admin)
        url = reverse("agreements:evidence_add", kwargs={"uuid": agreement.uuid})
        page = client.get(agreement.get_absolute_url()).content.decode()
        assert str(mine.uuid) in page
        client.post(url, {"target": f"activities.activity:{mine.uuid}", "note": "履约活动"})
        response = client.post(url, {"target": f"activities.activity:{theirs.uuid}"}, follow=True)
        assert [m for m in response.context["messages"] if m.level_tag == "error"]
        assert [e.target for e in AgreementEvidence.objects.all()] == [mine]
        assert "联学活动" in client.get(agreement.get_absolute_url()).content.decode()

    def test_it_refuses_unknown_kinds_and_drafts(self, world, client_for, at_status):
        draft = at_status(S.DRAFT)
        performing = at_status(S.PERFORMING, title="履约中")
        client = client_for(world.org_admin)
        for agreement, target in ((draft, "activities.activity:00000000-0000-0000-0000-000000000000"), (performing, "auth.user:1")):
            response = client.post(reverse("agreements:evidence_add", kwargs={"uuid": agreement.uuid}), {"target": target}, follow=True)
            assert response.status_code == 200
            assert [m for m in response.context["messages"] if m.level_tag == "error"]
        assert not AgreementEvidence.objects.exists()

    def test_it_unlinks_evidence(self, world, client_for, at_status):
        from django.contrib.contenttypes.models import ContentType

        agreement = at_status(S.PERFORMING)
        row = AgreementEvidence.objects.create(
            agreement=agreement, content_type=ContentType.objects.get_for_model(AgreementParty), object_id=1
        )
        client_for(world.org_admin).post(reverse("agreements:evidence_remove", kwargs={"uuid": agreement.uuid, "evidence": row.uuid}))
        assert not AgreementEvidence.objects.exists()


def test_it_lists_and_exports_agreements(world, client_for, draft):
    client = client_for(world.org_admin)
    body = client.get(reverse("agreements:agreement_list")).content.decode()
    assert draft.title in body
    response = client.get(reverse("agreements:agreement_list") + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_filters_the_list_with_htmx(world, client_for, at_status):
    draft = at_status(S.DRAFT, title="草稿协议")
    signed = at_status(S.SIGNED, title="已签协议")
    response = client_for(world.org_admin).get(
        reverse("agreements:agreement_list") + "?status=signed", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table"
    )
    body = response.content.decode()
    assert signed.title in body and draft.title not in body
    assert "<html" not in body


@pytest.mark.parametrize(("status", "archived"), [(S.DRAFT, True), (S.SIGNED, False), (S.PERFORMING, False), (S.TERMINATED, True)])
def test_it_archives_only_drafts_and_ended_agreements(world, client_for, at_status, status, archived):
    agreement = at_status(status)
    response = client_for(world.org_admin).post(reverse("agreements:agreement_archive", kwargs={"uuid": agreement.uuid}), follow=True)
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.is_archived is archived
