"""Importing organizations: validation per row, all or nothing, upsert by natural key, the tree, scope."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.audit.models import Action, Record, verify_chain
from gongjian.imports.importers import OrganizationImporter
from gongjian.imports.sheets import CREATE, UNCHANGED, UPDATE, SheetProblem
from gongjian.orgs.models import CapabilityTag, Organization

from .conftest import ORG_HEADERS, credit_code, org_row, xlsx_bytes


def plan_for(user, sheet):
    return OrganizationImporter(user).plan(sheet)


def run(user, sheet):
    importer = OrganizationImporter(user)
    plan = importer.plan(sheet)
    assert plan.errors == []
    return importer.write(plan, actor=user)


def errors_by_row(plan):
    return {error["row"]: " ".join(error["messages"]) for error in plan.errors}


# --- The sheet as a whole ------------------------------------------------------------------


def test_it_explains_wrong_headers_in_one_chinese_message(world, org_sheet):
    headers = ["名字", "简称", "类别", "组织类型"]
    with pytest.raises(SheetProblem) as problem:
        plan_for(world.alliance_admin, org_sheet([["某党支部", "", "企业", "党支部"]], headers=headers))
    message = problem.value.message
    assert "缺少必填列：名称。" in message
    assert "无法识别的列：名字。" in message
    assert "请使用模板中的列标题：名称、简称、类别" in message


def test_it_names_every_missing_required_column(world, org_sheet):
    with pytest.raises(SheetProblem) as problem:
        plan_for(world.alliance_admin, org_sheet([["某党支部", "上级"]], headers=["名称", "上级组织"]))
    assert "缺少必填列：类别、组织类型。" in problem.value.message


def test_it_refuses_a_column_given_twice(world, org_sheet):
    headers = ["名称", "类别", "组织类型", "类别"]
    with pytest.raises(SheetProblem) as problem:
        plan_for(world.alliance_admin, org_sheet([["某党支部", "企业", "党支部", "企业"]], headers=headers))
    assert "以下列重复出现：类别。" in problem.value.message


def test_it_refuses_an_empty_sheet(world, org_sheet):
    with pytest.raises(SheetProblem) as problem:
        plan_for(world.alliance_admin, org_sheet([]))
    assert problem.value.message == "表格中标题行下方没有数据。"


def test_it_refuses_a_sheet_without_headers(world):
    with pytest.raises(SheetProblem) as problem:
        plan_for(world.alliance_admin, io.BytesIO(xlsx_bytes(None, [])))
    assert "第一行必须是模板中的列标题" in problem.value.message


def test_it_refuses_a_file_that_is_not_a_workbook(world):
    with pytest.raises(SheetProblem) as problem:
        plan_for(world.alliance_admin, io.BytesIO(b"name,sector\n"))
    assert "无法作为 Excel 工作簿" in problem.value.message


def test_it_accepts_english_headers_and_only_the_required_columns(world):
    sheet = io.BytesIO(xlsx_bytes(["Name", "Sector", "Kind"], [["Some branch", "enterprise", "Party branch"]]))
    plan = plan_for(world.alliance_admin, sheet)
    assert plan.errors == []
    assert plan.rows[0].instance.sector == "enterprise" and plan.rows[0].instance.kind == "branch"


# --- Rows ----------------------------------------------------------------------------------


def test_it_reports_each_bad_row_with_its_excel_row_number(world, org_sheet):
    rows = [
        org_row("甲公司党支部", code=credit_code(1)),  # row 2: fine
        org_row("乙公司党支部", code="91310117MA1J3R5X0"),  # row 3: 17 characters
        org_row("丙公司党支部", code=credit_code(3)[:-1] + ("0" if credit_code(3)[-1] != "0" else "1")),  # row 4: checksum
        org_row("丁公司党支部", sector="国企"),  # row 5: no such sector
        org_row("", kind="党支部"),  # row 6: no name
        org_row("戊公司党支部", phone="12345"),  # row 7: bad phone
        org_row("己公司党支部", parent="不存在的党委"),  # row 8: unknown parent
        org_row("庚公司党支部", region="上海市/不存在区"),  # row 9: unknown region
    ]
    plan = plan_for(world.alliance_admin, org_sheet(rows))
    errors = errors_by_row(plan)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert errors[3].startswith("统一社会信用代码：")
    assert "18" in errors[3]
    assert "统一社会信用代码：" in errors[4]
    assert errors[5] == "类别：请填写以下之一：政府、学校、企业、社会组织、其他。"
    assert errors[6] == "名称：此列为必填项。"
    assert errors[7].startswith("联系电话：")
    assert errors[8] == "上级组织：找不到名为“不存在的党委”的组织。"
    assert errors[9].startswith("所在区域：找不到区域“上海市/不存在区”")
    assert not plan.is_valid


def test_it_reports_duplicate_rows_within_the_file(world, org_sheet):
    rows = [
        org_row("甲公司党支部", parent="示例学院党委"),
        org_row("乙公司党支部", code=credit_code(7)),
        org_row("甲公司党支部", parent="示例学院党委"),
        org_row("丙公司党支部", code=credit_code(7)),
    ]
    errors = errors_by_row(plan_for(world.alliance_admin, org_sheet(rows)))
    assert errors == {4: "与第 2 行的上级组织和名称重复。", 5: "与第 3 行的统一社会信用代码重复。"}


def test_it_reports_a_name_taken_under_the_same_parent(world, org_sheet):
    # A row with another credit code is another organization, whose name is taken under that parent.
    world.own_branch.credit_code = credit_code(8)
    world.own_branch.save()
    rows = [org_row("工业设计系教工党支部", parent="示例学院党委", code=credit_code(9))]
    errors = errors_by_row(plan_for(world.alliance_admin, org_sheet(rows)))
    assert errors[2].startswith("名称：")


def test_it_gives_a_credit_code_to_an_organization_that_had_none(world, org_sheet):
    rows = [org_row("工业设计系教工党支部", sector="学校", parent="示例学院党委", code=credit_code(9))]
    assert run(world.alliance_admin, org_sheet(rows))[UPDATE] == 1
    world.own_branch.refresh_from_db()
    assert world.own_branch.credit_code == credit_code(9)


def test_it_writes_nothing_when_one_row_is_bad(world, org_sheet):
    before = Organization.objects.count()
    importer = OrganizationImporter(world.alliance_admin)
    plan = importer.plan(org_sheet([org_row("甲公司党支部"), org_row("乙公司党支部", sector="?")]))
    assert len(plan.errors) == 1
    with pytest.raises(ValueError):
        importer.write(plan)
    assert Organization.objects.count() == before


# --- Writing ---------------------------------------------------------------------------------


def test_it_creates_a_tree_with_regions_tags_and_encrypted_phones(world, org_sheet):
    rows = [
        org_row("新桥镇党委", sector="政府", kind="党委", region="上海市/松江区/广富林街道", code=credit_code(11), tags="场地设施、志愿服务"),
        org_row("场中居民区党总支", sector="政府", kind="党总支", parent="新桥镇党委", phone="021-57890000", status="待审核"),
        org_row("场中第一党支部", parent="场中居民区党总支", region="松江区"),
        org_row("云创科技党支部", short="云创", parent="示例学院党委/工业设计系教工党支部", tags="志愿服务"),
    ]
    counts = run(world.alliance_admin, org_sheet(rows))
    assert counts == {CREATE: 4, UPDATE: 0, UNCHANGED: 0}
    town = Organization.objects.get(name="新桥镇党委")
    community = Organization.objects.get(name="场中居民区党总支")
    branch = Organization.objects.get(name="场中第一党支部")
    studio = Organization.objects.get(name="云创科技党支部")
    assert (town.sector, town.kind, town.region, town.credit_code) == ("government", "committee", world.street, credit_code(11))
    assert community.parent == town and branch.parent == community
    assert branch.path == f"/{town.pk}/{community.pk}/{branch.pk}/"
    assert studio.path == f"{world.own_branch.path}{studio.pk}/"
    assert branch.region == world.district
    assert community.status == "pending" and town.status == "active"
    assert sorted(town.tags.values_list("name", flat=True)) == ["场地设施", "志愿服务"]
    assert CapabilityTag.objects.filter(name="志愿服务").count() == 1
    assert (studio.pinyin_initials, studio.pinyin) == ("yckjdzb yc", "yunchuangkejidangzhibu yunchuang")
    assert Organization.objects.search("ycdzb").count() == 0 and Organization.objects.search("yckj").get() == studio
    assert community.contact_phone == "021-57890000"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM orgs_organization WHERE id = %s", [community.pk])
        assert "57890000" not in cursor.fetchone()[0]
    assert list(town.descendants().order_by("path")) == [community, branch]


def test_it_gives_the_children_of_each_parent_ids_in_sheet_order(world, org_sheet):
    # Rows under two parents, interleaved: siblings are inserted together, each parent's in sheet order.
    parents = ["示例学院党委", "广富林街道党工委", "示例学院党委/工业设计系教工党支部"]
    names = [f"交错{i}党小组" for i in range(9)]
    counts = run(world.alliance_admin, org_sheet([org_row(name, parent=parents[i % 3]) for i, name in enumerate(names)]))
    assert counts[CREATE] == 9
    created = {org.name: org for org in Organization.objects.filter(name__in=names).select_related("parent")}
    for parent in (world.own_org, world.foreign_org, world.own_branch):
        children = [name for name in names if created[name].parent == parent]
        assert len(children) == 3
        assert [created[name].pk for name in children] == sorted(created[name].pk for name in children)
        assert list(parent.children.filter(name__in=names).order_by("path").values_list("name", flat=True)) == children
        assert all(created[name].path == f"{parent.path}{created[name].pk}/" for name in children)


def test_it_updates_instead_of_duplicating_when_imported_again(world, org_sheet):
    rows = [
        org_row("甲公司党支部", parent="示例学院党委", code=credit_code(21), address="文翔路1号", tags="工业设计"),
        org_row("乙公司党支部", parent="示例学院党委", address="文翔路2号"),
    ]
    run(world.alliance_admin, org_sheet(rows))
    total = Organization.objects.count()
    plan = plan_for(world.alliance_admin, org_sheet(rows))
    assert [row.action for row in plan.rows] == [UNCHANGED, UNCHANGED]

    rows[0][6] = "文翔路100号"  # address of the row found by credit code
    rows[0][0] = "甲科技公司党支部"  # and a new name: still the same organization
    rows[1][8] = "就业服务"  # tags of the row found by parent and name
    counts = run(world.alliance_admin, org_sheet(rows))
    assert counts == {CREATE: 0, UPDATE: 2, UNCHANGED: 0}
    assert Organization.objects.count() == total
    renamed = Organization.objects.get(credit_code=credit_code(21))
    assert (renamed.name, renamed.address, renamed.pinyin_initials) == ("甲科技公司党支部", "文翔路100号", "jkjgsdzb")
    assert list(Organization.objects.get(name="乙公司党支部").tags.values_list("name", flat=True)) == ["就业服务"]


def test_it_finds_an_existing_organization_by_name_when_no_parent_is_given(world):
    sheet = io.BytesIO(xlsx_bytes(["名称", "类别", "组织类型", "地址"], [["工业设计系教工党支部", "学校", "党支部", "设计楼 3 层"]]))
    counts = run(world.alliance_admin, sheet)
    assert counts[UPDATE] == 1
    world.own_branch.refresh_from_db()
    assert world.own_branch.address == "设计楼 3 层" and world.own_branch.parent == world.own_org


def test_it_moves_an_organization_found_by_credit_code_with_its_subtree(world, org_sheet):
    world.own_branch.credit_code = credit_code(31)
    world.own_branch.save()
    child = Organization.objects.create(name="设计一组", sector="school", kind="other", parent=world.own_branch)
    rows = [org_row("工业设计系教工党支部", sector="学校", parent="广富林街道党工委", code=credit_code(31))]
    counts = run(world.alliance_admin, org_sheet(rows))
    assert counts[UPDATE] == 1
    world.own_branch.refresh_from_db()
    child.refresh_from_db()
    assert world.own_branch.parent == world.foreign_org
    assert child.path == f"{world.foreign_org.path}{world.own_branch.pk}/{child.pk}/"
    assert verify_chain() is None


def test_it_refuses_to_move_an_organization_under_its_own_descendant(world, org_sheet):
    world.own_org.credit_code = credit_code(41)
    world.own_org.save()
    rows = [org_row("示例学院党委", sector="学校", kind="党委", parent="工业设计系教工党支部", code=credit_code(41))]
    errors = errors_by_row(plan_for(world.alliance_admin, org_sheet(rows)))
    assert "上级组织：" in errors[2]


def test_it_refuses_a_circle_of_new_parents(world, org_sheet):
    rows = [org_row("甲党支部", parent="乙党支部"), org_row("乙党支部", parent="甲党支部")]
    errors = errors_by_row(plan_for(world.alliance_admin, org_sheet(rows)))
    assert set(errors) == {2, 3}


def test_it_asks_for_a_path_when_a_parent_name_is_ambiguous(world, org_sheet):
    Organization.objects.create(name="工业设计系教工党支部", sector="school", kind="branch", parent=world.foreign_org)
    plan = plan_for(world.alliance_admin, org_sheet([org_row("设计二组", parent="工业设计系教工党支部")]))
    assert "上级/名称" in " ".join(plan.errors[0]["messages"]) or "上级组织/工业设计系教工党支部" in " ".join(plan.errors[0]["messages"])
    plan = plan_for(world.alliance_admin, org_sheet([org_row("设计二组", parent="示例学院党委/工业设计系教工党支部")]))
    assert plan.errors == [] and plan.rows[0].instance.parent == world.own_branch


def test_it_refuses_to_import_into_an_archived_organization(world, org_sheet):
    archived = Organization.objects.create(name="旧党支部", sector="other", kind="branch", parent=world.own_org, credit_code=credit_code(51))
    archived.archive()
    errors = errors_by_row(plan_for(world.alliance_admin, org_sheet([org_row("旧党支部", code=credit_code(51))])))
    assert "已归档" in errors[2]


# --- Scope -----------------------------------------------------------------------------------


def test_it_lets_an_org_admin_import_only_under_what_they_manage(world, org_sheet):
    rows = [
        org_row("设计三组", parent="示例学院党委"),  # under their own committee: fine
        org_row("设计四组", parent="工业设计系教工党支部"),  # under their branch: fine
        org_row("街道某支部", parent="广富林街道党工委"),  # a foreign parent
        org_row("独立党委", kind="党委"),  # top level
        org_row("设计五组", parent="设计三组"),  # under a new row of theirs: fine
    ]
    errors = errors_by_row(plan_for(world.org_admin, org_sheet(rows)))
    assert sorted(errors) == [4, 5]
    assert errors[4].startswith("上级组织：")
    assert errors[5].startswith("上级组织：")


def test_it_does_not_let_an_org_admin_change_a_foreign_organization(world, org_sheet):
    world.foreign_org.credit_code = credit_code(61)
    world.foreign_org.save()
    rows = [org_row("广富林街道党工委", sector="政府", kind="党工委", code=credit_code(61), address="改过的地址")]
    errors = errors_by_row(plan_for(world.org_admin, org_sheet(rows)))
    assert "不在您管理的组织范围内" in errors[2]
    world.foreign_org.refresh_from_db()
    assert world.foreign_org.address == ""


def test_it_lets_an_outsider_import_under_their_own_organization(world, org_sheet):
    counts = run(world.outsider, org_sheet([org_row("三新居民区党总支", sector="政府", kind="党总支", parent="广富林街道党工委")]))
    assert counts[CREATE] == 1


# --- Audit trail -----------------------------------------------------------------------------


def test_it_records_every_created_and_changed_row_in_the_chained_trail(world, org_sheet):
    first = Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows = [org_row(f"审计{i}党支部", parent="示例学院党委", phone="13800138000", tags="志愿服务") for i in range(3)]
    run(world.alliance_admin, org_sheet(rows))
    rows[1][10] = "13900139000"
    run(world.alliance_admin, org_sheet(rows))
    records = list(Record.objects.filter(pk__gt=first).order_by("pk"))
    assert [r.action for r in records] == [Action.CREATE] * 3 + [Action.UPDATE]
    created = records[0]
    assert created.object_type == "orgs.organization" and created.actor == world.alliance_admin
    assert created.changes["contact_phone"] == ["", "138****8000"]
    assert created.changes["tags"] == [[], ["志愿服务"]]
    assert created.changes["path"][1] == Organization.objects.get(name="审计0党支部").path
    assert records[3].changes == {"contact_phone": ["138****8000", "139****9000"]}
    assert "13800138000" not in str([r.changes for r in records])
    assert verify_chain() is None


# --- Throughput ------------------------------------------------------------------------------


def test_it_imports_thousands_of_rows_in_batches(world):
    # Throughput is measured by benchmarks/directory.py (import_rows_per_s), not timed here:
    # this checks the shape that gives it, a few queries per batch rather than some per row.
    rows = [
        org_row(f"上海{i}号科技有限公司党支部", short=f"科技{i}" if i % 3 == 0 else "", parent="示例学院党委",
                region="上海市/松江区/广富林街道", code=credit_code(1000 + i), tags="软件开发、志愿服务", phone="13800138000", status="正常")
        for i in range(2_000)
    ]
    data = xlsx_bytes(ORG_HEADERS, rows)
    with CaptureQueriesContext(connection) as queries:
        counts = run(world.alliance_admin, io.BytesIO(data))
    assert counts == {CREATE: 2_000, UPDATE: 0, UNCHANGED: 0}
    assert len(queries.captured_queries) <= 100, len(queries.captured_queries)
    children = Organization.objects.filter(parent=world.own_org).exclude(pk=world.own_branch.pk)
    assert children.count() == 2_000
    assert all(path == f"{world.own_org.path}{pk}/" for pk, path in children.values_list("pk", "path"))
    assert Record.objects.filter(action=Action.CREATE, object_type="orgs.organization").count() >= 2_000
