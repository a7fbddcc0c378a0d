"""The agreements forms on their own: own and partner parties, alliance members when the lead changes, honour recipients."""

import datetime

import pytest
from django.utils import timezone

from gongjian.agreements.forms import AgreementForm, AllianceForm, HonorForm, set_recipients
from gongjian.agreements.models import Agreement, AgreementParty, Alliance, AllianceMember, Honor, HonorRecipient
from gongjian.orgs.models import Organization, Person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def third(db):
    return Organization.objects.create(name="示例大学国际合作处党支部", sector="school", kind="branch")


def agreement_data(own, partners=(), **extra):
    return {
        "title": "校地共建协议",
        "track": "build",
        "own_party": own.uuid,
        "partners": [org.uuid for org in partners],
        **extra,
    }


class TestAgreementForm:
    def test_it_refuses_the_own_organization_among_the_partners(self, world):
        form = AgreementForm(agreement_data(world.own_org, [world.own_org, world.foreign_org]), user=world.org_admin)
        assert not form.is_valid()
        assert list(form.errors) == ["partners"]
        assert not Agreement.objects.exists()

    def test_it_refuses_signing_for_an_organization_the_user_does_not_administer(self, world):
        form = AgreementForm(agreement_data(world.foreign_org, [world.own_org]), user=world.org_admin)
        assert not form.is_valid()
        assert "own_party" in form.errors

    def test_it_lets_an_alliance_admin_sign_for_any_organization(self, world):
        form = AgreementForm(agreement_data(world.foreign_org, [world.own_org]), user=world.alliance_admin)
        assert form.is_valid(), form.errors

    def test_it_creates_the_own_party_first_and_starts_negotiation_today(self, world, third):
        form = AgreementForm(agreement_data(world.own_org, [world.foreign_org, third], drafted_on=""), user=world.org_admin)
        assert form.is_valid(), form.errors
        agreement = form.save()
        parties = list(AgreementParty.objects.filter(agreement=agreement).order_by("order"))
        assert parties[0].organization == world.own_org
        assert {p.organization for p in parties[1:]} == {world.foreign_org, third}
        assert [p.order for p in parties] == [0, 1, 2]
        assert agreement.drafted_on == timezone.localdate()
        assert agreement.created_by == world.org_admin

    def test_it_keeps_the_recorded_negotiation_day_when_an_edit_leaves_it_blank(self, world, third):
        agreement = Agreement.objects.create(title="旧协议", drafted_on=D(2023, 3, 1))
        AgreementParty.objects.create(agreement=agreement, organization=world.own_org, order=0)
        form = AgreementForm({"title": "旧协议（修订）", "track": "build", "drafted_on": ""}, instance=agreement, user=world.org_admin)
        assert "own_party" not in form.fields and "partners" not in form.fields
        assert form.is_valid(), form.errors
        form.save()
        agreement.refresh_from_db()
        assert (agreement.title, agreement.drafted_on) == ("旧协议（修订）", D(2023, 3, 1))
        assert agreement.parties.count() == 1


class TestAllianceForm:
    def test_it_swaps_the_lead_and_drops_the_old_one_unless_kept_as_member(self, world, third):
        alliance = Alliance.objects.create(name="就业服务联盟", kind="alliance", lead=world.own_org, founded_on=D(2023, 1, 1))
        form = AllianceForm(
            {"name": alliance.name, "kind": "alliance", "track": "build", "lead": world.foreign_org.uuid, "member_orgs": [third.uuid]},
            instance=alliance,
            user=world.alliance_admin,
        )
        assert form.is_valid(), form.errors
        form.save()
        assert set(alliance.members.all()) == {world.foreign_org, third}

    def test_it_dates_new_members_from_the_founding(self, world, third):
        form = AllianceForm(
            {
                "name": "党建微联盟",
                "kind": "micro",
                "track": "build",
                "lead": world.own_org.uuid,
                "founded_on": "2023-04-01",
                "member_orgs": [third.uuid],
            },
            user=world.org_admin,
        )
        assert form.is_valid(), form.errors
        alliance = form.save()
        joined = dict(AllianceMember.objects.filter(alliance=alliance).values_list("organization_id", "joined_on"))
        assert joined == {world.own_org.pk: D(2023, 4, 1), third.pk: D(2023, 4, 1)}

    def test_it_offers_an_org_admin_only_their_organizations_as_lead(self, world):
        form = AllianceForm({"name": "联盟", "kind": "alliance", "track": "build", "lead": world.foreign_org.uuid}, user=world.org_admin)
        assert not form.is_valid()
        assert "lead" in form.errors
        assert not Alliance.objects.exists()


class TestHonorForm:
    def test_it_needs_at_least_one_recipient(self, world):
        form = HonorForm(
            {"title": "优秀共建党组织", "kind": "honor", "issuer": world.own_org.uuid, "level": "district", "awarded_on": "2023-05-04"},
            user=world.org_admin,
        )
        assert not form.is_valid()
        assert list(form.errors) == ["__all__"]
        assert not Honor.objects.exists()

    def test_it_lets_an_org_admin_record_an_outside_issuers_honour_for_their_organization(self, world):
        form = HonorForm(
            {
                "title": "区域化党建优秀共建党组织",
                "kind": "honor",
                "issuer_name": "中共松江区委组织部",
                "level": "district",
                "awarded_on": "2023-05-04",
                "recipient_orgs": [world.own_org.uuid],
            },
            user=world.org_admin,
        )
        assert form.is_valid(), form.errors
        honor = form.save()
        assert [r.organization for r in honor.recipients.all()] == [world.own_org]


def test_it_sets_recipients_to_exactly_the_named_organizations_and_people(world, third):
    honor = Honor.objects.create(title="推介官", kind="appointment", issuer=world.own_org, awarded_on=D(2023, 5, 10))
    keep_person, drop_person, new_person = (Person.objects.create(name=name) for name in ("留任", "卸任", "新任"))
    HonorRecipient.objects.create(honor=honor, organization=world.own_org)
    HonorRecipient.objects.create(honor=honor, organization=world.foreign_org)
    kept_person_row = HonorRecipient.objects.create(honor=honor, person=keep_person)
    HonorRecipient.objects.create(honor=honor, person=drop_person)

    set_recipients(honor, [world.own_org, third], [keep_person, new_person])

    rows = list(honor.recipients.all())
    assert {r.organization_id for r in rows if r.organization_id} == {world.own_org.pk, third.pk}
    assert {r.person_id for r in rows if r.person_id} == {keep_person.pk, new_person.pk}
    assert len(rows) == 4
    # An unchanged recipient keeps its row rather than being deleted and made again.
    assert honor.recipients.filter(pk=kept_person_row.pk).exists()
