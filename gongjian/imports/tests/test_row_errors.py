"""The preview's row-by-row report: each kind of bad cell, its Excel row number and its Chinese message."""

import datetime
import io

import pytest

from gongjian.imports.importers import MembershipImporter, OrganizationImporter, PersonImporter
from gongjian.imports.sheets import CREATE, UPDATE, SheetProblem
from gongjian.orgs.models import Membership, Organization, Person

from .conftest import ORG_HEADERS, credit_code, org_row, xlsx_bytes

pytestmark = pytest.mark.django_db

PEOPLE = ["姓名", "性别", "手机号", "电子邮箱", "职务荣誉", "宣讲专家", "宣讲主题", "所属组织"]
MEMBERS = ["手机号", "所属组织", "角色", "职务", "加入日期"]


def planned(importer_class, user, headers, rows):
    return importer_class(user).plan(io.BytesIO(xlsx_bytes(headers, rows)))


def errors_by_row(plan) -> dict[int, list[str]]:
    return {error["row"]: error["messages"] for error in plan.errors}


def person_row(name, *, phone="", organization="", gender="", speaker="", topics=""):
    return [name, gender, phone, "", "", speaker, topics, organization]


# --- Empty required cells ------------------------------------------------------------------------


def test_it_lists_every_bad_cell_of_a_row_without_a_name_at_once(world):
    plan = planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, [org_row("", sector="火星", kind="小组")])
    assert errors_by_row(plan) == {
        2: [
            "名称：此列为必填项。",
            "类别：请填写以下之一：政府、学校、企业、社会组织、其他。",
            "组织类型：请填写以下之一：党委、党工委、党组、党总支、党支部、联合党支部、工作室、其他。",
        ]
    }


def test_it_treats_a_cell_of_spaces_as_empty(world):
    plan = planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, [org_row("   ", parent="示例学院党委")])
    assert errors_by_row(plan) == {2: ["名称：此列为必填项。"]}


def test_it_names_each_empty_required_cell_of_a_membership_row(world):
    Person.objects.create(name="刘洋", phone="13900139030")
    rows = [["", "示例学院党委", "", "", ""], ["13900139030", "", "", "", ""], ["13900139030", "示例学院党委", "", "", ""]]
    assert errors_by_row(planned(MembershipImporter, world.alliance_admin, MEMBERS, rows)) == {
        2: ["手机号：此列为必填项。"],
        3: ["所属组织：此列为必填项。"],
    }


# --- Row numbers ---------------------------------------------------------------------------------


def test_it_counts_rows_as_excel_does_across_blank_rows(world):
    rows = [
        org_row("甲党支部", parent="示例学院党委"),
        [None] * len(ORG_HEADERS),
        [None] * len(ORG_HEADERS),
        org_row("乙党支部", parent="没有"),
    ]
    plan = planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, rows)
    assert [row.number for row in plan.rows] == [2, 5]
    assert errors_by_row(plan) == {5: ["上级组织：找不到名为“没有”的组织。"]}


def test_it_ignores_a_column_without_a_header(world):
    rows = [[*org_row("甲党支部", parent="示例学院党委"), "随手写的备注"]]
    plan = planned(OrganizationImporter, world.alliance_admin, [*ORG_HEADERS, None], rows)
    assert plan.errors == [] and plan.count(CREATE) == 1


# --- Wrong headers ---------------------------------------------------------------------------------


def test_it_names_the_missing_required_columns_of_a_membership_sheet(world):
    with pytest.raises(SheetProblem) as problem:
        planned(MembershipImporter, world.alliance_admin, ["手机号", "职务"], [["13900139030", "书记"]])
    assert problem.value.message == "缺少必填列：所属组织。 请使用模板中的列标题：手机号、所属组织、角色、职务、加入日期。"


def test_it_refuses_the_organization_headers_on_the_people_sheet(world):
    with pytest.raises(SheetProblem) as problem:
        planned(PersonImporter, world.alliance_admin, ORG_HEADERS, [org_row("甲党支部")])
    message = problem.value.message
    assert message.startswith("缺少必填列：姓名。 无法识别的列：名称、简称、类别、")
    assert "请使用模板中的列标题：姓名、性别、手机号、" in message


def test_it_accepts_headers_with_surrounding_spaces(world):
    headers = [f" {header} " for header in ORG_HEADERS]
    plan = planned(OrganizationImporter, world.alliance_admin, headers, [org_row("甲党支部", parent="示例学院党委")])
    assert plan.errors == [] and plan.rows[0].instance.parent == world.own_org


# --- Duplicates inside the file ----------------------------------------------------------------------


def test_it_reports_a_credit_code_repeated_in_another_case_as_the_same(world):
    code = credit_code(71)
    rows = [org_row("甲公司党支部", code=code), org_row("乙公司党支部", code=code.lower())]
    assert errors_by_row(planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, rows)) == {
        3: ["与第 2 行的统一社会信用代码重复。"]
    }


def test_it_reports_a_person_named_twice_in_the_same_organization_without_a_phone(world):
    rows = [
        person_row("张伟", organization="示例学院党委"),
        person_row("张伟", organization="工业设计系教工党支部"),
        person_row("张伟", organization="示例学院党委"),
    ]
    assert errors_by_row(planned(PersonImporter, world.alliance_admin, PEOPLE, rows)) == {4: ["与第 2 行的所属组织和姓名重复。"]}


def test_it_reports_every_later_copy_against_the_first_row(world):
    rows = [org_row("甲党支部", parent="示例学院党委")] * 3
    assert errors_by_row(planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, rows)) == {
        3: ["与第 2 行的上级组织和名称重复。"],
        4: ["与第 2 行的上级组织和名称重复。"],
    }


# --- Duplicates against the database -----------------------------------------------------------------


def test_it_refuses_to_rename_an_organization_to_a_name_its_sibling_has(world):
    sibling = Organization.objects.create(
        name="设计二组", sector="school", kind="branch", parent=world.own_org, credit_code=credit_code(72)
    )
    rows = [org_row("工业设计系教工党支部", sector="学校", parent="示例学院党委", code=credit_code(72))]
    assert errors_by_row(planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, rows)) == {
        2: ["名称：同一上级组织下已有同名组织。"]
    }
    sibling.refresh_from_db()
    assert sibling.name == "设计二组"


def test_it_asks_for_a_phone_when_two_people_of_the_organization_share_the_name(world):
    for phone in ("13900139041", "13900139042"):
        Membership.objects.create(person=Person.objects.create(name="王芳", phone=phone), organization=world.own_org)
    plan = planned(PersonImporter, world.alliance_admin, PEOPLE, [person_row("王芳", organization="示例学院党委")])
    assert errors_by_row(plan) == {2: ["该组织有多名叫“王芳”的人员，请补充手机号。"]}


def test_it_updates_the_person_on_file_with_the_phone_instead_of_adding_one(world):
    person = Person.objects.create(name="刘洋", phone="13900139043")
    plan = planned(PersonImporter, world.alliance_admin, PEOPLE, [person_row("刘洋", phone="139-0013-9043", gender="男")])
    assert plan.errors == [] and plan.count(UPDATE) == 1 and plan.rows[0].instance.pk == person.pk


# --- Unknown references ---------------------------------------------------------------------------


def test_it_names_an_unknown_organization_in_a_membership_row(world):
    Person.objects.create(name="刘洋", phone="13900139030")
    rows = [["13900139030", "不存在的党委", "", "", ""], ["13900139099", "也不存在", "", "", ""]]
    assert errors_by_row(planned(MembershipImporter, world.alliance_admin, MEMBERS, rows)) == {
        2: ["所属组织：找不到名为“不存在的党委”的组织。"],
        3: ["手机号：没有使用此手机号的人员，请先导入人员。", "所属组织：找不到名为“也不存在”的组织。"],
    }


def test_it_asks_for_a_path_when_a_membership_names_an_ambiguous_organization(world):
    Person.objects.create(name="刘洋", phone="13900139030")
    Organization.objects.create(name="工业设计系教工党支部", sector="government", kind="branch", parent=world.foreign_org)
    rows = [["13900139030", "工业设计系教工党支部", "", "", ""], ["13900139030", "示例学院党委/工业设计系教工党支部", "", "", ""]]
    errors = errors_by_row(planned(MembershipImporter, world.alliance_admin, MEMBERS, rows))
    assert errors == {2: ["所属组织：有多个组织名为“工业设计系教工党支部”，请连同上级组织填写，如“上级组织/工业设计系教工党支部”。"]}


def test_it_does_not_find_an_archived_organization_for_a_person(world):
    old = Organization.objects.create(name="旧党支部", sector="other", kind="branch", parent=world.own_org)
    old.archive()
    plan = planned(PersonImporter, world.alliance_admin, PEOPLE, [person_row("王芳", phone="13900139044", organization="旧党支部")])
    assert errors_by_row(plan) == {2: ["所属组织：找不到名为“旧党支部”的组织。"]}


# --- Bad dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-02-30", "去年", "09/01/2024", "2024-13-01"])
def test_it_refuses_a_date_that_is_not_a_day(world, value):
    Person.objects.create(name="刘洋", phone="13900139030")
    plan = planned(MembershipImporter, world.alliance_admin, MEMBERS, [["13900139030", "示例学院党委", "", "", value]])
    assert errors_by_row(plan) == {2: ["加入日期：请填写日期，如 2025-03-01。"]}


def test_it_takes_a_date_cell_as_excel_stores_it(world):
    Person.objects.create(name="刘洋", phone="13900139030")
    rows = [
        ["13900139030", "示例学院党委", "", "", datetime.datetime(2024, 9, 1)],
        ["13900139030", "工业设计系教工党支部", "", "", "2024年9月2日"],
    ]
    plan = planned(MembershipImporter, world.alliance_admin, MEMBERS, rows)
    assert plan.errors == []
    assert [row.instance.joined_on for row in plan.rows] == [datetime.date(2024, 9, 1), datetime.date(2024, 9, 2)]


# --- Too-long text ---------------------------------------------------------------------------------


def test_it_refuses_text_longer_than_its_field(world):
    rows = [org_row("党" * 121, parent="示例学院党委"), org_row("乙党支部", short="简" * 61, contact="联" * 41, parent="示例学院党委")]
    errors = errors_by_row(planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, rows))
    assert errors == {
        2: ["名称：确保该变量包含不超过 120 字符 (目前字符数 121)。"],
        3: ["简称：确保该变量包含不超过 60 字符 (目前字符数 61)。", "联系人：确保该变量包含不超过 40 字符 (目前字符数 41)。"],
    }


def test_it_refuses_a_position_or_a_person_name_that_is_too_long(world):
    Person.objects.create(name="刘洋", phone="13900139030")
    members = planned(MembershipImporter, world.alliance_admin, MEMBERS, [["13900139030", "示例学院党委", "", "职" * 41, ""]])
    assert errors_by_row(members) == {2: ["职务：确保该变量包含不超过 40 字符 (目前字符数 41)。"]}
    people = planned(PersonImporter, world.alliance_admin, PEOPLE, [person_row("名" * 41, phone="13900139045")])
    assert errors_by_row(people) == {2: ["姓名：确保该变量包含不超过 40 字符 (目前字符数 41)。"]}


def test_it_accepts_text_of_exactly_the_fields_length(world):
    plan = planned(OrganizationImporter, world.alliance_admin, ORG_HEADERS, [org_row("党" * 120, short="简" * 60, parent="示例学院党委")])
    assert plan.errors == [] and plan.count(CREATE) == 1
