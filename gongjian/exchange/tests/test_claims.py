"""Two-way claiming: who may claim when, joint and single claims, decisions and projects."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from gongjian.exchange.models import Claim, ClaimEvent, Need, Resource

from .conftest import days, refused

pytestmark = pytest.mark.django_db


class TestClaimingRules:
    def test_it_lets_an_admin_claim_for_their_organization(self, world, make_need):
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin, message="我院工业设计系可承接")
        assert claim.status == "pending"
        assert claim.created_by == world.org_admin
        assert list(ClaimEvent.objects.filter(claim=claim).values_list("from_status", "to_status")) == [("", "pending")]

    def test_it_refuses_claims_for_organizations_the_user_does_not_administer(self, world, make_need):
        need = make_need(publish=True)
        with refused("forbidden"):
            need.claim(world.own_org, by=world.member)
        assert not Claim.objects.exists()

    def test_it_refuses_claiming_a_draft_or_closed_need(self, world, make_need):
        draft = make_need()
        with refused("not_open"):
            draft.claim(world.own_org, by=world.org_admin)
        closed = make_need(title="已关闭", publish=True)
        closed.close()
        with refused("not_open"):
            closed.claim(world.own_org, by=world.org_admin)

    def test_it_refuses_claiming_your_own_need(self, world, make_need):
        need = make_need(organization=world.own_org, publish=True)
        with refused("own_need"):
            need.claim(world.own_org, by=world.org_admin)

    def test_it_refuses_a_second_live_claim_by_the_same_organization(self, world, make_need):
        need = make_need(publish=True)
        need.claim(world.own_org, by=world.org_admin)
        with refused("duplicate"):
            need.claim(world.own_org, by=world.org_admin)
        assert Claim.objects.count() == 1

    def test_it_allows_claiming_again_after_withdrawing(self, world, make_need):
        need = make_need(publish=True)
        need.claim(world.own_org, by=world.org_admin).withdraw(world.org_admin)
        again = need.claim(world.own_org, by=world.org_admin)
        assert again.status == "pending"

    def test_it_enforces_one_live_claim_in_the_database_too(self, world, make_need):
        from django.db import IntegrityError, transaction

        need = make_need(publish=True)
        need.claim(world.own_org, by=world.org_admin)
        with pytest.raises(IntegrityError), transaction.atomic():
            Claim.objects.create(need=need, claimant=world.own_org)

    def test_it_enforces_need_xor_resource_in_the_database(self, world, make_need, make_resource):
        from django.db import IntegrityError, transaction

        need, resource = make_need(publish=True), make_resource(publish=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            Claim.objects.create(need=need, resource=resource, claimant=world.own_org)
        with pytest.raises(ValidationError):
            Claim(claimant=world.own_org).full_clean(exclude=["partners"])


class TestPriorityWindow:
    def test_it_lets_only_paired_organizations_claim_during_the_window(self, world, make_need, pair, enterprise):
        org, admin = enterprise
        pair(world.foreign_org, world.own_org)
        need = make_need(publish=True)
        with refused("priority"):
            need.claim(org, by=admin)
        assert need.claim(world.own_org, by=world.org_admin).status == "pending"

    def test_it_counts_a_pairing_of_the_parent_unit_for_its_branches(self, world, make_need, pair):
        pair(world.foreign_org, world.own_org)
        need = make_need(publish=True)
        claim = need.claim(world.own_branch, by=world.org_admin)
        assert claim.claimant == world.own_branch

    def test_it_opens_the_need_to_everyone_after_the_window(self, world, make_need, pair, enterprise):
        org, admin = enterprise
        pair(world.foreign_org, world.own_org)
        need = make_need(publish=True, priority_until=days(-1))
        assert need.in_hall
        assert need.claim(org, by=admin).status == "pending"

    def test_it_ignores_ended_pairings(self, world, make_need, pair, enterprise):
        org, admin = enterprise
        pair(world.foreign_org, org, end_date=days(-30))
        need = make_need(publish=True)
        assert need.priority_until is None
        assert need.claim(world.own_org, by=world.org_admin).status == "pending"


class TestJointClaims:
    def test_it_records_partners_of_a_joint_claim(self, world, make_need, enterprise):
        org, _admin = enterprise
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin, partners=[org])
        assert list(claim.partners.all()) == [org]
        assert claim.is_joint

    def test_it_refuses_the_owner_or_claimant_as_partner(self, world, make_need):
        need = make_need(publish=True)
        with refused("partners"):
            need.claim(world.own_org, by=world.org_admin, partners=[world.foreign_org])
        with refused("partners"):
            need.claim(world.own_org, by=world.org_admin, partners=[world.own_org])

    def test_it_shows_the_claim_to_partners(self, world, make_need, enterprise):
        org, admin = enterprise
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin, partners=[org])
        assert list(Claim.objects.visible_to(admin)) == [claim]
        assert list(Claim.objects.made_by(admin)) == [claim]
        assert not Claim.objects.decidable_by(admin).exists()


class TestDecisions:
    def test_it_requires_a_reason_to_reject(self, world, make_need):
        claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
        with pytest.raises(ValidationError) as e:
            claim.reject(world.outsider, "  ")
        assert "reason" in e.value.message_dict
        claim.reject(world.outsider, "已由区级部门统一安排")
        claim.refresh_from_db()
        assert (claim.status, claim.reject_reason, claim.decided_by) == ("rejected", "已由区级部门统一安排", world.outsider)
        assert Need.objects.get(pk=claim.need_id).status == "published"

    def test_it_lets_only_the_owner_decide(self, world, make_need):
        claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
        for user in (world.org_admin, world.member):
            with refused("forbidden"):
                claim.accept(user)
            with refused("forbidden"):
                claim.reject(user, "no")
        assert Claim.objects.get(pk=claim.pk).status == "pending"

    def test_it_lets_only_the_claimant_withdraw(self, world, make_need):
        claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
        with refused("forbidden"):
            claim.withdraw(world.outsider)
        claim.withdraw(world.org_admin)
        assert Claim.objects.get(pk=claim.pk).status == "withdrawn"

    def test_it_refuses_deciding_twice(self, world, make_need):
        claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
        claim.reject(world.outsider, "不合适")
        with refused("decided"):
            claim.accept(world.outsider)
        with refused("decided"):
            claim.withdraw(world.org_admin)

    def test_it_gives_a_single_claim_need_to_the_first_accepted_and_declines_the_rest(self, world, make_need, enterprise):
        org, admin = enterprise
        need = make_need(publish=True)
        first = need.claim(world.own_org, by=world.org_admin)
        second = need.claim(org, by=admin)
        first.accept(world.outsider)
        second.refresh_from_db()
        assert second.status == "rejected"
        assert second.reject_reason == gettext("Another organization's claim was accepted.")
        assert Need.objects.get(pk=need.pk).status == "claimed"
        with refused("not_open"):
            need.claim(org, by=admin)

    def test_it_refuses_accepting_a_stale_claim_on_a_taken_single_need(self, world, make_need, enterprise):
        org, admin = enterprise
        need = make_need(publish=True)
        first = need.claim(world.own_org, by=world.org_admin)
        second = need.claim(org, by=admin)
        # The second claim's decision row is untouched, as if another request accepted the first in between.
        Need.objects.filter(pk=need.pk).update(status="claimed")
        with refused("taken"):
            second.accept(world.outsider)
        assert Claim.objects.get(pk=second.pk).status == "pending"
        assert Claim.objects.get(pk=first.pk).status == "pending"

    def test_it_accepts_several_claims_on_a_multiple_claim_need(self, world, make_need, enterprise):
        org, admin = enterprise
        need = make_need(title="社区为老服务志愿者", claim_mode=Need.ClaimMode.MULTIPLE, publish=True)
        first = need.claim(world.own_org, by=world.org_admin)
        first.accept(world.outsider)
        second = Need.objects.get(pk=need.pk).claim(org, by=admin)
        second.accept(world.outsider)
        assert set(need.claims.values_list("status", flat=True)) == {"accepted"}
        assert Need.objects.get(pk=need.pk).status == "claimed"

    def test_it_refuses_switching_to_single_mode_with_two_accepted_claims(self, world, make_need, enterprise):
        org, admin = enterprise
        need = make_need(claim_mode=Need.ClaimMode.MULTIPLE, publish=True)
        need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
        Need.objects.get(pk=need.pk).claim(org, by=admin).accept(world.outsider)
        need.refresh_from_db()
        need.claim_mode = Need.ClaimMode.SINGLE
        with pytest.raises(ValidationError):
            need.full_clean()


class TestProjects:
    def test_it_starts_a_project_led_by_the_claimant(self, world, make_need, enterprise):
        from gongjian.projects.models import Project

        org, _admin = enterprise
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin, partners=[org])
        project = claim.accept(world.outsider)
        assert isinstance(project, Project)
        assert project.lead == world.own_org
        assert set(project.partners.all()) == {org, world.foreign_org}
        assert list(project.needs.all()) == [need]

    def test_it_joins_an_existing_project(self, world, make_need):
        from gongjian.projects.models import Project

        existing = Project.objects.create(title="茸城e家党群阵地提升", lead=world.foreign_org)
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin)
        project = claim.accept(world.outsider, join=existing)
        assert project == existing
        assert world.own_org in existing.partners.all()
        assert need in existing.needs.all()
        assert Project.objects.count() == 1

    def test_it_marks_the_need_in_progress_when_joining_an_active_project(self, world, make_need):
        from gongjian.projects.models import Project

        existing = Project.objects.create(title="茸城e家", lead=world.foreign_org)
        existing.activate()
        need = make_need(publish=True)
        need.claim(world.own_org, by=world.org_admin).accept(world.outsider, join=existing)
        assert Need.objects.get(pk=need.pk).status == "in_progress"

    def test_it_rolls_back_the_acceptance_when_the_project_cannot_be_made(self, world, make_need, monkeypatch):
        from gongjian.projects.models import Project

        def broken(claim, join=None):
            raise ValidationError("项目创建失败")

        monkeypatch.setattr(Project.objects, "from_claim", broken)
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin)
        with pytest.raises(ValidationError):
            claim.accept(world.outsider)
        assert Claim.objects.get(pk=claim.pk).status == "pending"
        assert Need.objects.get(pk=need.pk).status == "published"


class TestResourceRequests:
    def test_it_requests_a_resource_and_takes_capacity_on_acceptance(self, world, make_resource):
        resource = make_resource(publish=True)
        claim = resource.request(world.foreign_org, by=world.outsider, quantity=5, message="25 个采样亭设计需要学生设计师")
        project = claim.accept(world.org_admin)
        resource.refresh_from_db()
        assert resource.capacity == 15
        assert project.lead == world.foreign_org
        assert resource in project.resources.all()

    def test_it_refuses_more_units_than_are_free(self, world, make_resource, enterprise):
        org, admin = enterprise
        resource = make_resource(publish=True, capacity=6)
        first = resource.request(world.foreign_org, by=world.outsider, quantity=4)
        second = resource.request(org, by=admin, quantity=4)
        first.accept(world.org_admin)
        with refused("capacity"):
            second.accept(world.org_admin)
        assert Resource.objects.get(pk=resource.pk).capacity == 2
        with refused("capacity"):
            resource.request(org, by=admin, quantity=3)

    def test_it_refuses_requests_on_closed_or_own_resources(self, world, make_resource):
        resource = make_resource(publish=True)
        with refused("own_resource"):
            resource.request(world.own_org, by=world.org_admin)
        resource.close()
        with refused("not_open"):
            resource.request(world.foreign_org, by=world.outsider)

    def test_it_declines_pending_requests_when_the_resource_closes(self, world, make_resource):
        resource = make_resource(publish=True)
        claim = resource.request(world.foreign_org, by=world.outsider)
        resource.close(by=world.org_admin)
        assert Claim.objects.get(pk=claim.pk).status == "rejected"
