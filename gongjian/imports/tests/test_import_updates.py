"""Importing over existing records: what an org admin may change, and what blank cells and missing columns leave alone."""

import io

import pytest

from gongjian.audit.models import Action, Record
from gongjian.imports.importers import MembershipImporter, OrganizationImporter, PersonImporter
from gongjian.imports.sheets import UNCHANGED, UPDATE
from gongjian.orgs.models import CapabilityTag, Membership, Person

from .conftest import ORG_HEADERS, org_row, xlsx_bytes

pytestmark = pytest.mark.django_db

PEOPLE = ["姓名", "性别", "手机号", "电子邮箱", "所属组织"]
MEMBERS = ["手机号", "所属组织", "角色", "职务"]


def planned(importer_class, user, headers, rows):
    importer = importer_class(user)
    return importer, importer.plan(io.BytesIO(xlsx_bytes(headers, rows)))


def imported(importer_class, user, headers, rows):
    importer, plan = planned(importer_class, user, headers, rows)
    assert plan.errors == []
    return importer.write(plan, actor=user)


def updates_of(obj):
    return list(Record.objects.filter(action=Action.UPDATE, object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("pk"))


def test_an_org_admin_updates_the_organizations_they_manage_where_they_are(world):
    rows = [
        org_row("示例学院党委", sector="学校", kind="党委", address="龙腾路2000号"),  # their top organization, without a parent
        org_row("工业设计系教工党支部", sector="学校", parent="示例学院党委", address="设计楼"),
    ]
    assert imported(OrganizationImporter, world.org_admin, ORG_HEADERS, rows)[UPDATE] == 2
    world.own_org.refresh_from_db()
    world.own_branch.refresh_from_db()
    assert (world.own_org.address, world.own_org.parent) == ("龙腾路2000号", None)
    assert (world.own_branch.address, world.own_branch.parent) == ("设计楼", world.own_org)


def test_an_org_admin_cannot_move_their_branch_out_of_their_reach(world):
    rows = [org_row("工业设计系教工党支部", sector="学校", parent="广富林街道党工委")]
    _importer, plan = planned(OrganizationImporter, world.org_admin, ORG_HEADERS, rows)
    assert plan.errors == [{"row": 2, "messages": ["上级组织：只能在您管理的组织之下设立组织。"]}]
    world.own_branch.refresh_from_db()
    assert world.own_branch.parent == world.own_org


def test_a_column_left_out_of_the_sheet_leaves_the_stored_values_alone(world):
    branch = world.own_branch
    branch.short_name, branch.contact_name, branch.status = "工设支部", "张敏", "suspended"
    branch.save()
    branch.tags.add(CapabilityTag.objects.create(name="工业设计"))
    headers = ["名称", "类别", "组织类型", "上级组织", "地址"]
    assert (
        imported(
            OrganizationImporter, world.alliance_admin, headers, [["工业设计系教工党支部", "学校", "党支部", "示例学院党委", "设计楼"]]
        )[UPDATE]
        == 1
    )
    branch.refresh_from_db()
    assert (branch.address, branch.short_name, branch.contact_name, branch.status) == ("设计楼", "工设支部", "张敏", "suspended")
    assert list(branch.tags.values_list("name", flat=True)) == ["工业设计"]
    assert updates_of(branch)[-1].changes == {"address": ["", "设计楼"]}


def test_a_blank_status_keeps_a_suspended_organization_suspended(world):
    world.own_branch.status = "suspended"
    world.own_branch.save()
    rows = [org_row("工业设计系教工党支部", sector="学校", parent="示例学院党委", region="上海市/松江区", status=s) for s in ("", "正常")]
    _importer, blank = planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, rows[:1])
    assert [row.action for row in blank.rows] == [UNCHANGED]
    _importer, active = planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, rows[1:])
    assert active.rows[0].changes == {"status": ["suspended", "active"]}


def test_a_blank_phone_keeps_the_number_on_file(world):
    person = Person.objects.create(name="王芳", phone="13900139070")
    Membership.objects.create(person=person, organization=world.own_branch)
    rows = [["王芳", "女", "", "wangfang@example.cn", "工业设计系教工党支部"]]
    assert imported(PersonImporter, world.org_admin, PEOPLE, rows)[UPDATE] == 1
    person.refresh_from_db()
    assert (person.phone, person.gender, person.email) == ("13900139070", "female", "wangfang@example.cn")
    changes = updates_of(person)[-1].changes
    assert set(changes) == {"gender", "email"} and "phone" not in changes
    assert Membership.objects.filter(person=person).count() == 1


def test_an_org_admin_updates_a_person_of_their_branch_found_by_phone(world):
    person = Person.objects.create(name="王芳", phone="13900139071")
    Membership.objects.create(person=person, organization=world.own_branch)
    rows = [["王芳", "女", "13900139071", "", "示例学院党委"]]
    assert imported(PersonImporter, world.org_admin, PEOPLE, rows)[UPDATE] == 1
    person.refresh_from_db()
    assert person.gender == "female"
    assert set(Membership.objects.filter(person=person).values_list("organization", flat=True)) == {world.own_branch.pk, world.own_org.pk}
    assert updates_of(person)[-1].actor == world.org_admin


def test_a_blank_role_keeps_an_admin_an_admin(world):
    person = Person.objects.create(name="刘洋", phone="13900139072")
    membership = Membership.objects.create(person=person, organization=world.own_branch, role=Membership.Role.ADMIN)
    assert imported(MembershipImporter, world.org_admin, MEMBERS, [["13900139072", "工业设计系教工党支部", "", "书记"]])[UPDATE] == 1
    membership.refresh_from_db()
    assert (membership.role, membership.position) == ("admin", "书记")
    assert updates_of(membership)[-1].changes == {"position": ["", "书记"]}


def test_an_org_admin_cannot_change_a_membership_of_a_foreign_organization(world):
    person = Person.objects.create(name="刘洋", phone="13900139073")
    membership = Membership.objects.create(person=person, organization=world.foreign_org)
    _importer, plan = planned(MembershipImporter, world.org_admin, MEMBERS, [["13900139073", "广富林街道党工委", "管理员", ""]])
    assert plan.errors == [{"row": 2, "messages": ["所属组织：您只能向自己管理的组织导入。"]}]
    membership.refresh_from_db()
    assert membership.role == "member"


def test_a_blank_region_keeps_the_stored_region_and_a_given_one_replaces_it(world):
    world.own_branch.region = world.street
    world.own_branch.save()
    blank = [org_row("工业设计系教工党支部", sector="学校", parent="示例学院党委", region="", address="设计楼")]
    assert imported(OrganizationImporter, world.alliance_admin, ORG_HEADERS, blank)[UPDATE] == 1
    world.own_branch.refresh_from_db()
    assert (world.own_branch.address, world.own_branch.region) == ("设计楼", world.street)
    assert "region_id" not in updates_of(world.own_branch)[-1].changes

    given = [org_row("工业设计系教工党支部", sector="学校", parent="示例学院党委", region="松江区", address="设计楼")]
    assert imported(OrganizationImporter, world.alliance_admin, ORG_HEADERS, given)[UPDATE] == 1
    world.own_branch.refresh_from_db()
    assert world.own_branch.region == world.district
