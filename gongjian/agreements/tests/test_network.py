"""Pairings, alliances, practice bases and honours: rules and pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Alliance, AllianceMember, Honor, HonorRecipient, Pairing, PracticeBase
from gongjian.orgs.models import Organization

D = datetime.date


@pytest.fixture
def third(db):
    return Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")


class TestPairings:
    def test_it_refuses_pairing_an_organization_with_itself(self, world):
        with pytest.raises(ValidationError):
            Pairing(org_a=world.own_org, org_b=world.own_org).full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            Pairing.objects.create(org_a=world.own_org, org_b=world.own_org)

    def test_it_keeps_a_pair_unique_whichever_way_round(self, world):
        Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org)
        with pytest.raises(ValidationError):
            Pairing(org_a=world.foreign_org, org_b=world.own_org).full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            Pairing.objects.create(org_a=world.foreign_org, org_b=world.own_org)

    def test_it_names_current_partners(self, world, third):
        today = D(2024, 6, 1)
        Pairing.objects.create(org_a=world.own_org, org_b=world.foreign_org, start_date=D(2023, 1, 1))
        Pairing.objects.create(org_a=third, org_b=world.own_org, start_date=D(2023, 1, 1), end_date=D(2024, 12, 31))
        Pairing.objects.create(org_a=world.own_org, org_b=world.own_branch, start_date=D(2023, 1, 1), end_date=D(2023, 12, 31))  # ended
        ended = Pairing.objects.create(org_a=world.foreign_org, org_b=third, status="ended")
        future = Organization.objects.create(name="未来伙伴", sector="social", kind="branch")
        Pairing.objects.create(org_a=world.own_org, org_b=future, start_date=D(2025, 1, 1))
        assert Pairing.objects.partners_of(world.own_org, today) == {world.foreign_org.pk, third.pk}
        assert Pairing.objects.partners_of(world.own_org.pk, today) == {world.foreign_org.pk, third.pk}
        assert Pairing.objects.partners_of(third, today) == {world.own_org.pk}
        ended.archive()
        assert Pairing.objects.partners_of(world.foreign_org, today) == {world.own_org.pk}

    def test_it_creates_a_pairing_from_the_page(self, world, client_for, third):
        response = client_for(world.org_admin).post(
            reverse("agreements:pairing_create"),
            {
                "org_a": world.own_org.uuid,
                "org_b": third.uuid,
                "theme": "党建工作互学",
                "track": "study",
                "status": "active",
                "start_date": "2023-03-10",
            },
        )
        pairing = Pairing.objects.get()
        assert response["Location"] == pairing.get_absolute_url()
        assert (pairing.org_a, pairing.org_b, pairing.track) == (world.own_org, third, "study")

    def test_it_offers_only_own_organizations_on_the_first_side(self, world, client_for, third):
        response = client_for(world.org_admin).post(
            reverse("agreements:pairing_create"), {"org_a": world.foreign_org.uuid, "org_b": third.uuid, "track": "build", "status": "active"}
        )
        assert response.status_code == 200 and "org_a" in response.context["form"].errors
        assert not Pairing.objects.exists()


class TestAlliances:
    def test_it_keeps_the_lead_among_the_members(self, world):
        alliance = Alliance.objects.create(name="党建微联盟", kind="micro", lead=world.own_org)
        assert list(alliance.members.all()) == [world.own_org]
        alliance.save()
        assert alliance.memberships.count() == 1

    def test_it_creates_and_edits_members_from_the_page(self, world, client_for, third):
        client = client_for(world.org_admin)
        client.post(
            reverse("agreements:alliance_create"),
            {
                "name": "三方共建就业服务联盟",
                "kind": "alliance",
                "track": "build",
                "lead": world.own_org.uuid,
                "member_orgs": [world.foreign_org.uuid, third.uuid],
            },
        )
        alliance = Alliance.objects.get()
        assert set(alliance.members.all()) == {world.own_org, world.foreign_org, third}
        client.post(
            reverse("agreements:alliance_edit", kwargs={"uuid": alliance.uuid}),
            {"name": alliance.name, "kind": "alliance", "track": "build", "member_orgs": [third.uuid]},
        )
        assert set(alliance.members.all()) == {world.own_org, third}
        body = client.get(alliance.get_absolute_url()).content.decode()
        assert third.name in body and world.foreign_org.name not in body

    def test_it_refuses_a_duplicate_member(self, world):
        alliance = Alliance.objects.create(name="联盟", lead=world.own_org)
        with pytest.raises(ValidationError):
            AllianceMember(alliance=alliance, organization=world.own_org).full_clean()


class TestPracticeBases:
    def test_it_creates_a_base_resting_on_an_agreement(self, world, client_for, at_status):
        agreement = at_status(S.PERFORMING)
        client = client_for(world.org_admin)
        response = client.post(
            reverse("agreements:base_create"),
            {
                "name": "渔墩村劳动党课实践基地",
                "kind": "labour",
                "host": world.own_org.uuid,
                "partners": [world.foreign_org.uuid],
                "address": "奉城镇渔墩村",
                "capacity": "40",
                "agreement": agreement.pk,
            },
        )
        base = PracticeBase.objects.get()
        assert response["Location"] == base.get_absolute_url()
        assert (base.agreement, base.capacity, list(base.partners.all())) == (agreement, 40, [world.foreign_org])
        body = client.get(base.get_absolute_url()).content.decode()
        assert agreement.title in body and world.foreign_org.name in body

    def test_it_refuses_a_duplicate_name_for_the_same_host(self, world):
        PracticeBase.objects.create(name="实践基地", host=world.own_org)
        with pytest.raises(ValidationError):
            PracticeBase(name="实践基地", host=world.own_org, kind="practice").full_clean()

    def test_it_lists_activities_held_at_the_base(self, world, client_for):
        from gongjian.agreements import evidence

        Activity = evidence.evidence_models()["activities.activity"]
        from django.utils import timezone

        base = PracticeBase.objects.create(name="劳动基地", host=world.own_org)
        now = timezone.now()
        Activity.objects.create(
            title="劳动党课",
            kind="party_day",
            track="build",
            host=world.own_org,
            starts_at=now,
            ends_at=now + timezone.timedelta(hours=1),
            practice_base=base,
        )
        assert "劳动党课" in client_for(world.org_admin).get(base.get_absolute_url()).content.decode()


class TestHonours:
    def test_it_needs_an_issuer(self, world):
        with pytest.raises(ValidationError) as error:
            Honor(title="荣誉", awarded_on=D(2023, 6, 1)).full_clean()
        assert "issuer" in error.value.message_dict

    def test_it_takes_an_organization_or_a_person_as_recipient(self, world):
        honor = Honor.objects.create(title="推介官", kind="appointment", issuer=world.foreign_org, awarded_on=D(2023, 5, 10))
        with pytest.raises(ValidationError):
            HonorRecipient(honor=honor).full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            HonorRecipient.objects.create(honor=honor, organization=world.own_org, person=world.member.person)
        HonorRecipient.objects.create(honor=honor, person=world.member.person)
        with pytest.raises(ValidationError):
            HonorRecipient(honor=honor, person=world.member.person).full_clean()

    def test_it_records_an_honour_with_evidence_from_the_page(self, world, client_for):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = client_for(world.org_admin)
        response = client.post(
            reverse("agreements:honor_create"),
            {
                "title": "松江区区域化党建优秀共建党组织",
                "kind": "honor",
                "issuer_name": "中共松江区委组织部",
                "level": "district",
                "awarded_on": "2023-06-16",
                "recipient_orgs": [world.own_org.uuid],
                "evidence": SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
            },
        )
        honor = Honor.objects.get()
        assert response["Location"] == honor.get_absolute_url()
        assert honor.evidence.name.endswith(".png") and "证书" not in honor.evidence.name
        download = client.get(reverse("agreements:honor_evidence", kwargs={"uuid": honor.uuid}))
        assert download.status_code == 200 and download["Content-Type"] == "image/png"
        assert client_for(world.outsider).get(reverse("agreements:honor_evidence", kwargs={"uuid": honor.uuid})).status_code == 404

    def test_it_refuses_fake_evidence(self, world, client_for):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client_for(world.org_admin).post(
            reverse("agreements:honor_create"),
            {
                "title": "荣誉",
                "kind": "honor",
                "issuer_name": "区委",
                "level": "district",
                "awarded_on": "2023-06-16",
                "recipient_orgs": [world.own_org.uuid],
                "evidence": SimpleUploadedFile("证书.pdf", b"<svg onload=alert(1)>"),
            },
        )
        assert response.status_code == 200 and "evidence" in response.context["form"].errors
        assert not Honor.objects.exists()

    def test_it_refuses_recording_honours_of_other_organizations(self, world, client_for):
        response = client_for(world.org_admin).post(
            reverse("agreements:honor_create"),
            {
                "title": "荣誉",
                "kind": "honor",
                "issuer_name": "区委",
                "level": "district",
                "awarded_on": "2023-06-16",
                "recipient_orgs": [world.foreign_org.uuid],
            },
        )
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        assert not Honor.objects.exists()

    def test_it_shows_a_persons_honour_to_their_organization(self, world, client_for):
        honor = Honor.objects.create(title="宣讲之星", issuer=world.foreign_org, awarded_on=D(2023, 5, 1))
        HonorRecipient.objects.create(honor=honor, person=world.member.person)
        assert honor in Honor.objects.visible_to(world.member)
        assert honor in Honor.objects.visible_to(world.org_admin)  # the branch is in the college's subtree


@pytest.mark.parametrize("name", ["pairing_list", "alliance_list", "base_list", "honor_list", "agreement_list"])
def test_it_shows_the_menu_pages(world, client_for, name):
    response = client_for(world.member).get(reverse(f"agreements:{name}"))
    assert response.status_code == 200
    assert reverse(f"agreements:{name}") in response.content.decode()  # in the main menu


@pytest.mark.parametrize("name", ["pairing_create", "alliance_create", "base_create", "honor_create", "agreement_create"])
def test_it_shows_create_forms_to_org_admins_only(world, client_for, name):
    assert client_for(world.org_admin).get(reverse(f"agreements:{name}")).status_code == 200
    assert client_for(world.member).get(reverse(f"agreements:{name}")).status_code == 403
