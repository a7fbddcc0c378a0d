import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongjian.audit.models import Action, Record
from gongjian.orgs.models import Membership, Organization, Person, Region, may_create_organizations, pinyin_keys
from gongjian.orgs.validators import credit_code_check_char

pytestmark = pytest.mark.django_db


def valid_credit_code(serial=1):
    first17 = f"91310117MA1G{serial:04d}X"
    return first17 + credit_code_check_char(first17)


def test_it_finds_organizations_by_pinyin_initials_full_pinyin_and_short_name(world):
    assert list(Organization.objects.search("gfl")) == [world.foreign_org]
    assert list(Organization.objects.search("GuangFuLin")) == [world.foreign_org]
    assert list(Organization.objects.search("guang fu lin")) == [world.foreign_org]
    assert list(Organization.objects.search("示例学院")) == [world.own_org]
    assert set(Organization.objects.search("")) == {world.own_org, world.own_branch, world.foreign_org}


def test_it_refreshes_pinyin_when_only_the_name_is_saved(world):
    world.foreign_org.name = "泗泾镇党委"
    world.foreign_org.save(update_fields=["name"])
    assert list(Organization.objects.search("sjz")) == [world.foreign_org]
    assert pinyin_keys("泗泾镇党委")[0] == "sjzdw"


def test_it_keeps_materialized_paths_when_a_subtree_moves(world):
    grandchild = Organization.objects.create(name="第一党小组", sector="school", kind="other", parent=world.own_branch)
    assert grandchild.path == f"/{world.own_org.pk}/{world.own_branch.pk}/{grandchild.pk}/"
    world.own_branch.parent = world.foreign_org
    world.own_branch.save()
    grandchild.refresh_from_db()
    assert grandchild.path == f"/{world.foreign_org.pk}/{world.own_branch.pk}/{grandchild.pk}/"
    assert set(world.foreign_org.descendants()) == {world.own_branch, grandchild}


def test_it_refuses_placing_an_organization_under_its_own_descendant(world):
    world.own_org.parent = world.own_branch
    with pytest.raises(ValidationError) as e:
        world.own_org.full_clean()
    assert "parent" in e.value.message_dict


def test_it_refuses_a_duplicate_name_under_the_same_parent(world):
    twin = Organization(name="工业设计系教工党支部", sector="school", kind="branch", parent=world.own_org)
    with pytest.raises(ValidationError) as e:
        twin.full_clean()
    assert e.value.message_dict["name"] == ["同一上级组织下已有同名组织。"]
    # The same name elsewhere in the tree is fine.
    Organization(name="工业设计系教工党支部", sector="school", kind="branch", parent=world.foreign_org).full_clean()


def test_it_enforces_unique_names_in_the_database_too(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="广富林街道党工委", sector="government", kind="committee")


def test_it_checks_the_credit_code_checksum(world):
    org = world.foreign_org
    org.credit_code = valid_credit_code()
    org.full_clean()
    org.credit_code = org.credit_code[:-1] + ("0" if org.credit_code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as e:
        org.full_clean()
    assert e.value.message_dict["credit_code"] == ["统一社会信用代码校验位不正确。"]
    org.credit_code = "91310117MA1GOOO1XZ"
    with pytest.raises(ValidationError) as e:
        org.full_clean()
    assert "18 位数字或大写字母" in e.value.message_dict["credit_code"][0]


def test_it_upper_cases_a_credit_code(world):
    org = world.foreign_org
    org.credit_code = valid_credit_code().lower()
    org.full_clean()
    assert org.credit_code == valid_credit_code()


def test_it_refuses_to_archive_an_organization_with_active_children(world):
    with pytest.raises(ValidationError, match="请先归档或移走其下级组织"):
        world.own_org.archive()
    world.own_branch.archive()
    world.own_org.archive()
    assert world.own_org.is_archived
    assert list(Organization.objects.active()) == [world.foreign_org]


def test_it_refuses_to_restore_under_an_archived_parent(world):
    world.own_branch.archive()
    world.own_org.archive()
    with pytest.raises(ValidationError, match="请先恢复其上级组织。"):
        world.own_branch.restore()
    world.own_org.restore()
    world.own_branch.restore()
    assert not world.own_branch.is_archived


def test_it_lists_an_organizations_ancestors_in_order(world):
    grandchild = Organization.objects.create(name="第一党小组", sector="school", kind="other", parent=world.own_branch)
    assert list(grandchild.ancestors()) == [world.own_org, world.own_branch]
    assert grandchild.depth == 3


def test_it_filters_organizations_by_region_subtree(world):
    assert set(Organization.objects.in_region(world.district)) == {world.own_org, world.own_branch, world.foreign_org}
    assert list(Organization.objects.in_region(world.street)) == [world.foreign_org]
    assert list(Organization.objects.in_region(world.community)) == []


def test_it_requires_region_levels_to_descend(world):
    region = Region(name="某街道", level=2, parent=world.district)
    with pytest.raises(ValidationError) as e:
        region.full_clean()
    assert e.value.message_dict["level"] == ["行政区划必须比上级低一级。"]


def test_it_refuses_placing_a_region_under_itself(world):
    world.district.parent = world.community
    with pytest.raises(ValidationError) as e:
        world.district.full_clean()
    assert "parent" in e.value.message_dict


def test_it_builds_a_regions_full_name(world):
    assert world.community.full_name() == "上海市松江区广富林街道三新居民区"


class TestPlacement:
    def test_it_lets_alliance_admins_place_anywhere(self, world):
        Organization(name="新组织", sector="other", kind="other").check_placement(world.alliance_admin)

    def test_it_requires_org_admins_to_place_under_what_they_administer(self, world):
        with pytest.raises(ValidationError) as e:
            Organization(name="新组织", sector="school", kind="branch").check_placement(world.org_admin)
        assert e.value.message_dict["parent"] == ["请选择该组织的上级组织。"]
        with pytest.raises(ValidationError) as e:
            Organization(name="新组织", sector="school", kind="branch", parent=world.foreign_org).check_placement(world.org_admin)
        assert e.value.message_dict["parent"] == ["只能在您管理的组织之下设立组织。"]
        Organization(name="新组织", sector="school", kind="branch", parent=world.own_branch).check_placement(world.org_admin)

    def test_it_keeps_an_unchanged_parent_above_the_users_scope(self, world):
        # The branch admin edits their branch; its parent (the college) is above their scope but unchanged.
        from gongjian.lib.testing import make_member

        branch_admin = make_member("branchadmin", "支部书记", world.own_branch, role=Membership.Role.ADMIN)
        world.own_branch.check_placement(branch_admin, previous_parent_id=world.own_org.pk)
        world.own_branch.parent = world.foreign_org
        with pytest.raises(ValidationError):
            world.own_branch.check_placement(branch_admin, previous_parent_id=world.own_org.pk)


def test_it_knows_who_may_create_organizations(world):
    assert may_create_organizations(world.alliance_admin)
    assert may_create_organizations(world.org_admin)
    assert not may_create_organizations(world.member)


class TestContactVisibility:
    def test_it_unmasks_for_alliance_admins_org_admins_above_and_the_person(self, world):
        person = world.member.person
        assert person.contact_visible_to(world.alliance_admin)
        assert person.contact_visible_to(world.org_admin)  # administers the college, the branch is below it
        assert person.contact_visible_to(world.member)  # their own number
        assert not person.contact_visible_to(world.outsider)

    def test_it_keeps_it_masked_for_a_fellow_member(self, world):
        from gongjian.lib.testing import make_member

        colleague = make_member("colleague", "同支部党员", world.own_branch)
        assert not world.member.person.contact_visible_to(colleague)

    def test_it_masks_phone_and_id_numbers(self):
        person = Person(name="张三", phone="13800138000", id_number="310101199001011234")
        assert person.masked_phone == "138****8000"
        assert person.masked_id_number == "3101**********1234"


class TestMembership:
    def test_it_ends_a_membership_once_and_audits_it(self, world):
        membership = Membership.objects.get(person=world.member.person)
        membership.end(on=datetime.date(2023, 6, 30))
        membership.refresh_from_db()
        assert membership.left_on == datetime.date(2023, 6, 30)
        assert not membership.is_current
        entry = Record.objects.filter(action=Action.UPDATE, object_type="orgs.membership", object_id=str(membership.pk)).first()
        assert entry.changes == {"left_on": [None, "2023-06-30"]}
        with pytest.raises(ValidationError, match="该成员身份已经结束"):
            membership.end()

    def test_it_refuses_an_end_before_joining(self, world):
        membership = Membership.objects.get(person=world.member.person)
        membership.joined_on = datetime.date(2023, 5, 1)
        membership.save()
        with pytest.raises(ValidationError):
            membership.end(on=datetime.date(2023, 4, 1))

    def test_it_drops_the_scope_of_an_ended_membership(self, world):
        from gongjian.lib.access import scope_for

        Membership.objects.get(person=world.member.person).end()
        world.member._gongjian_scope = None
        assert not scope_for(world.member).can_view(world.own_branch.pk)

    def test_it_refuses_changing_ones_own_membership_except_for_alliance_admins(self, world):
        own = Membership.objects.get(person=world.org_admin.person)
        with pytest.raises(ValidationError, match="您自己的成员身份"):
            own.check_actor(world.org_admin)
        own.check_actor(world.alliance_admin)
        Membership.objects.get(person=world.member.person).check_actor(world.org_admin)

    def test_it_audits_a_role_change_automatically(self, world):
        membership = Membership.objects.get(person=world.member.person)
        membership.role = Membership.Role.ADMIN
        membership.save()
        entry = Record.objects.filter(object_type="orgs.membership", object_id=str(membership.pk)).order_by("-pk").first()
        assert entry.action == Action.UPDATE
        assert entry.changes["role"] == ["member", "admin"]

    def test_it_refuses_a_second_membership_in_the_same_organization(self, world):
        duplicate = Membership(person=world.member.person, organization=world.own_branch)
        with pytest.raises(ValidationError) as e:
            duplicate.full_clean()
        assert e.value.message_dict == {"person": ["此人已是该组织的成员。"]}


def test_it_masks_phones_in_the_audit_trail(world):
    person = world.member.person
    person.phone = "13800138000"
    person.save()
    entry = Record.objects.filter(object_type="orgs.person", object_id=str(person.pk)).order_by("-pk").first()
    assert entry.changes["phone"] == ["", "138****8000"]
    assert "13800138000" not in str(entry.changes)
