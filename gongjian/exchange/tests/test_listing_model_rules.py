"""Model rules the pages and the API rely on: who may move an item, what stays open to claims, labels in the history, the taxonomy's scope."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from gongjian.exchange.models import Category, Claim, Need, NeedEvent, Resource

from .conftest import refused

pytestmark = pytest.mark.django_db


class TestWhoMovesAnItem:
    def test_only_the_owners_admins_publish_or_close_a_resource(self, world, make_resource):
        resource = make_resource()
        with refused("forbidden"):
            resource.publish(by=world.member)  # a member of the college's branch, not an admin
        resource.publish(by=world.org_admin)
        with refused("forbidden"):
            resource.close(by=world.outsider)
        assert Resource.objects.get(pk=resource.pk).status == "published"

    def test_only_the_owners_admins_close_or_fulfil_a_need(self, world, make_need):
        need = make_need(publish=True)
        need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
        for verb in ("close", "fulfil"):
            with refused("forbidden"):
                getattr(need, verb)(by=world.org_admin)  # the claimant is not the owner
        assert Need.objects.get(pk=need.pk).status == "claimed"

    def test_nobody_withdraws_a_claim_anonymously_and_only_the_owner_decides(self, world, make_need):
        claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
        with refused("forbidden"):
            claim.withdraw(None)
        with pytest.raises(ValidationError) as info:
            claim.accept(world.org_admin)
        assert info.value.messages == ["只有发布单位的管理员可以处理该认领。"]
        assert Claim.objects.get(pk=claim.pk).status == "pending"


class TestOpenToClaims:
    def test_a_second_claimant_joins_a_shared_need_in_progress_and_a_single_one_refuses(self, world, make_need, enterprise):
        company, company_admin = enterprise
        single = make_need("单独认领", publish=True)
        several = make_need("多家认领", publish=True, claim_mode="multiple")
        for need in (single, several):
            need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
            need.refresh_from_db()
            need.start(by=world.outsider)
        with refused("not_open"):
            single.claim(company, by=company_admin)
        several.claim(company, by=company_admin).accept(world.outsider)
        assert Need.objects.get(pk=several.pk).status == "in_progress"
        assert several.claims.filter(status="accepted").count() == 2

    def test_a_quantity_of_zero_asks_for_no_units(self, world, make_resource, enterprise):
        company, company_admin = enterprise
        resource = make_resource(publish=True, capacity=0, capacity_unit="")
        claim = resource.request(company, by=company_admin, quantity=0)
        assert claim.quantity is None
        claim.accept(world.org_admin)
        assert Resource.objects.get(pk=resource.pk).capacity_display == "0"

    def test_a_claim_for_more_than_is_free_fails_validation_only_while_pending(self, world, make_resource):
        resource = make_resource(publish=True)
        claim = Claim(resource=resource, claimant=world.foreign_org, quantity=21)
        with pytest.raises(ValidationError) as info:
            claim.full_clean(exclude=["partners"])
        assert info.value.message_dict == {"quantity": ["申请数量超过资源的可用数量。"]}
        claim.status = "accepted"  # already handed out: the capacity left says nothing about it
        claim.full_clean(exclude=["partners"])

    def test_a_draft_filed_under_a_category_retired_since_can_still_be_published(self, world, make_need, design):
        need = make_need()
        Category.objects.filter(pk=design.pk).update(is_active=False)
        need.refresh_from_db()
        need.publish(by=world.outsider)
        assert Need.objects.get(pk=need.pk).status == "published"


class TestHistory:
    def test_it_labels_the_first_step_and_a_status_it_no_longer_knows(self, world, make_need):
        need = make_need(publish=True)
        created = NeedEvent(need=need, from_status="", to_status="published")
        legacy = NeedEvent(need=need, from_status="published", to_status="archived_legacy")
        assert (created.from_label, created.to_label) == ("—", "已发布")
        assert (legacy.from_label, legacy.to_label) == ("已发布", "archived_legacy")
        assert str(legacy) == f"{need.pk}: published → archived_legacy"

    def test_a_claim_reads_as_claimant_and_target(self, world, make_need, make_resource):
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin)
        assert str(claim) == f"示例学院党委 → {need.title}"
        assert claim.owner_id == world.foreign_org.pk and claim.target == need and claim.is_joint is False
        assert Claim(claimant=world.own_org, resource=make_resource()).is_joint is False  # unsaved: no partners to ask for


class TestTaxonomyScope:
    def test_every_signed_in_user_reads_it_and_only_alliance_admins_change_it(self, world, design):
        assert design in Category.objects.visible_to(world.member)
        assert not Category.objects.visible_to(AnonymousUser()).exists()
        assert not Category.objects.visible_to(None).exists()
        assert not Category.objects.editable_by(world.org_admin).exists()
        assert design in Category.objects.editable_by(world.alliance_admin)

    def test_only_active_categories_are_in_use(self, design, volunteering):
        Category.objects.filter(pk=volunteering.pk).update(is_active=False)
        assert design in Category.objects.in_use() and volunteering not in Category.objects.in_use()
