"""Needs and resources: status verbs, priority windows, visibility and search."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from gongjian.audit.models import Record
from gongjian.exchange.models import Category, Need, NeedEvent, Resource, ResourceEvent

from .conftest import days, refused

pytestmark = pytest.mark.django_db


class TestNeedStatus:
    def test_it_publishes_a_draft_with_an_event_and_an_audit_record(self, world, make_need):
        need = make_need()
        need.publish(by=world.outsider)
        need.refresh_from_db()
        assert need.status == Need.Status.PUBLISHED
        assert need.published_at is not None
        event = NeedEvent.objects.get(need=need)
        assert (event.from_status, event.to_status, event.actor) == ("draft", "published", world.outsider)
        assert (event.from_label, event.to_label) == (str(Need.Status.DRAFT.label), str(Need.Status.PUBLISHED.label))
        audit = Record.objects.get(action="publish", object_type="exchange.need", object_id=str(need.pk))
        assert audit.changes["status"] == ["draft", "published"]
        assert audit.actor == world.outsider

    def test_it_refuses_to_publish_twice(self, make_need):
        need = make_need(publish=True)
        with refused("illegal_transition"):
            need.publish()

    def test_it_refuses_a_stale_copy_changing_status(self, make_need):
        need = make_need(publish=True)
        stale = Need.objects.get(pk=need.pk)
        need.close()
        with pytest.raises(ValidationError):
            stale.close()
        assert NeedEvent.objects.filter(need=need, to_status="closed").count() == 1

    def test_it_refuses_publishing_for_someone_outside_the_owner(self, world, make_need):
        need = make_need()
        with refused("forbidden"):
            need.publish(by=world.org_admin)
        assert Need.objects.get(pk=need.pk).status == "draft"

    @pytest.mark.parametrize(
        ("path", "verb", "allowed"),
        [
            ([], "close", True),
            ([], "fulfil", False),
            ([], "start", False),
            (["publish"], "close", True),
            (["publish"], "fulfil", False),
            (["publish"], "expire", True),
            (["publish", "close"], "publish", False),
            (["publish", "expire"], "close", False),
        ],
    )
    def test_it_allows_only_the_documented_transitions(self, make_need, path, verb, allowed):
        need = make_need()
        for step in path:
            getattr(need, step)()
        before = Need.objects.get(pk=need.pk).status
        if allowed:
            getattr(need, verb)()
            assert Need.objects.get(pk=need.pk).status != before
        else:
            with pytest.raises(ValidationError):
                getattr(need, verb)()
            assert Need.objects.get(pk=need.pk).status == before

    def test_it_moves_claimed_to_in_progress_to_fulfilled(self, world, make_need):
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin)
        claim.accept(world.outsider)
        need.refresh_from_db()
        assert need.status == "claimed"
        need.start()
        need.fulfil(by=world.outsider, note="25 个采样亭全部完成")
        assert Need.objects.get(pk=need.pk).status == "fulfilled"
        assert list(need.events.values_list("to_status", flat=True)) == ["published", "claimed", "in_progress", "fulfilled"]

    def test_it_declines_pending_claims_when_closed(self, world, make_need):
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin)
        need.close(by=world.outsider)
        claim.refresh_from_db()
        assert claim.status == "rejected"
        assert claim.reject_reason

    def test_it_refuses_archiving_a_published_need(self, make_need):
        need = make_need(publish=True)
        with refused("busy"):
            need.archive()
        need.close()
        need.archive()
        assert Need.objects.active().filter(pk=need.pk).count() == 0

    def test_it_expires_only_past_deadline_needs(self, make_need):
        late = make_need(publish=True, deadline=days(-1))
        make_need(title="未到期", publish=True, deadline=days(10))
        assert list(Need.objects.due_to_expire()) == [late]


class TestPriority:
    def test_it_gives_paired_organizations_first_claim_for_the_configured_days(self, world, make_need, pair):
        pair(world.foreign_org, world.own_org)
        need = make_need(publish=True)
        assert need.priority_until == days(14)
        with override_settings(EXCHANGE_PRIORITY_DAYS=3):
            other = make_need(title="另一项", publish=True)
        assert other.priority_until == days(3)

    def test_it_opens_at_once_when_nobody_is_paired(self, make_need):
        need = make_need(publish=True)
        assert need.priority_until is None
        assert Need.objects.in_hall().filter(pk=need.pk).exists()

    def test_it_keeps_an_explicit_priority_date_and_caps_it_at_the_deadline(self, world, make_need, pair):
        pair(world.foreign_org, world.own_org)
        assert make_need(publish=True, priority_until=days(2)).priority_until == days(2)
        assert make_need(title="短期", publish=True, deadline=days(5)).priority_until == days(5)

    def test_it_refuses_a_priority_window_beyond_the_deadline(self, make_need):
        need = make_need(deadline=days(5), priority_until=days(6))
        with pytest.raises(ValidationError) as e:
            need.full_clean()
        assert "priority_until" in e.value.message_dict

    def test_it_lists_the_hall_after_the_window(self, world, make_need, pair):
        pair(world.foreign_org, world.own_org)
        waiting = make_need(publish=True)
        opened = make_need(title="已开放", publish=True, priority_until=days(-1))
        hall = set(Need.objects.in_hall())
        assert opened in hall and waiting not in hall


class TestResourceStatus:
    def test_it_publishes_closes_and_republishes(self, make_resource):
        resource = make_resource()
        resource.publish()
        first = Resource.objects.get(pk=resource.pk).published_at
        resource.close()
        resource.publish()
        resource.refresh_from_db()
        assert resource.status == "published"
        assert resource.published_at == first
        assert ResourceEvent.objects.filter(resource=resource).count() == 3

    def test_it_refuses_availability_ending_before_it_starts(self, world, design):
        resource = Resource(organization=world.own_org, title="x", category=design, available_from=days(5), available_until=days(1))
        with pytest.raises(ValidationError) as e:
            resource.full_clean()
        assert "available_until" in e.value.message_dict

    def test_it_refuses_a_retired_category_for_new_items(self, world, make_need):
        retired = Category.objects.create(name="已停用", is_active=False)
        need = Need(organization=world.foreign_org, title="x", category=retired)
        with pytest.raises(ValidationError) as e:
            need.full_clean()
        assert "category" in e.value.message_dict

    def test_it_keeps_an_existing_item_in_a_category_retired_later(self, make_need, design):
        need = make_need()
        Category.objects.filter(pk=design.pk).update(is_active=False)
        need.refresh_from_db()
        need.full_clean()


class TestVisibility:
    def test_it_shows_published_needs_to_every_member_and_drafts_only_to_the_owner(self, world, make_need):
        draft = make_need(title="草稿")
        published = make_need(title="已发布", publish=True)
        for user in (world.member, world.org_admin):
            assert set(Need.objects.visible_to(user)) == {published}
        assert set(Need.objects.visible_to(world.outsider)) == {draft, published}
        assert set(Need.objects.visible_to(world.alliance_admin)) == {draft, published}
        assert set(Need.objects.editable_by(world.org_admin)) == set()

    def test_it_hides_everything_from_anonymous_users(self, make_need):
        from django.contrib.auth.models import AnonymousUser

        make_need(publish=True)
        assert not Need.objects.visible_to(AnonymousUser()).exists()

    def test_it_masks_the_contact_phone_in_the_audit_trail(self, make_need):
        need = make_need(contact_phone="13800138000")
        record = Record.objects.get(action="create", object_type="exchange.need", object_id=str(need.pk))
        assert "13800138000" not in str(record.changes)
        assert "138****8000" in str(record.changes)


class TestSearch:
    @pytest.fixture
    def needs(self, make_need):
        return {
            "space": make_need(title="党群服务站空间设计", description="重构空间多维服务", publish=True),
            "booth": make_need(title="采样亭改造", description="25 个采样亭的个性化外观设计", publish=True),
            "elder": make_need(title="社区为老服务志愿者", description="每周陪伴独居老人", publish=True),
        }

    def test_it_finds_a_longer_word_from_a_two_character_query(self, needs):
        assert set(Need.objects.search("设计")) == {needs["space"], needs["booth"]}

    def test_it_finds_two_character_words(self, needs):
        assert set(Need.objects.search("老人")) == {needs["elder"]}
        assert set(Need.objects.search("空间")) == {needs["space"]}

    def test_it_requires_every_word_of_the_query(self, needs):
        assert set(Need.objects.search("社区 志愿者")) == {needs["elder"]}
        assert set(Need.objects.search("空间设计")) == {needs["space"]}
        assert set(Need.objects.search("采样亭 志愿者")) == set()

    def test_it_ignores_filler_words_in_a_query(self, needs):
        assert set(Need.objects.search("志愿者需求")) == {needs["elder"]}

    def test_it_returns_everything_for_an_empty_query(self, needs):
        assert Need.objects.search("  ").count() == 3

    def test_it_searches_resources_the_same_way(self, make_resource):
        resource = make_resource(title="工业设计专业力量", description="产品设计、空间设计")
        make_resource(title="宣讲团")
        assert list(Resource.objects.search("设计")) == [resource]
