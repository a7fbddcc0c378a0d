"""The framework itself: cell parsers, a minimal importer of another model, limits and registry."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gongjian.imports import sheets
from gongjian.imports.importers import OrgNames, RegionPaths
from gongjian.imports.sheets import (
    CREATE,
    KEEP,
    UNCHANGED,
    UPDATE,
    Choice,
    Column,
    Importer,
    SheetProblem,
    boolean,
    date,
    integer,
    listing,
    phone,
    text,
    upper,
)
from gongjian.orgs.choices import RegionLevel
from gongjian.orgs.models import Organization, Region

from .conftest import xlsx_bytes

# --- Parsers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  名称  ", "名称"),
        (13800138000.0, "13800138000"),
        (1.5, "1.5"),
        (42, "42"),
        (datetime.datetime(2025, 3, 1), "2025-03-01"),
        (datetime.datetime(2025, 3, 1, 8, 30), "2025-03-01 08:30:00"),
        (datetime.date(2025, 3, 1), "2025-03-01"),
    ],
)
def test_text_reads_what_excel_gives(value, expected):
    assert text(value) == expected


def test_phone_keeps_what_was_typed_and_a_blank_keeps_the_number_on_file():
    assert phone(13800138000) == "13800138000"
    assert phone(" 021-57890000 ") == "021-57890000"
    assert phone("") is KEEP and phone(None) is KEEP


def test_upper_listing_and_integer():
    assert upper(" 91310117ma1j3r5x0k ") == "91310117MA1J3R5X0K"
    assert listing("工业设计、就业服务，志愿服务;工业设计\n宣讲") == ["工业设计", "就业服务", "志愿服务", "宣讲"]
    assert listing(None) == []
    assert integer(3.0) == 3 and integer(" 12 ") == 12 and integer("") is None
    with pytest.raises(ValidationError):
        integer("十二")


@pytest.mark.parametrize("word", ["是", "Y", "yes", "TRUE", "1", "√", True])
def test_boolean_reads_yes(word):
    assert boolean(word) is True


@pytest.mark.parametrize("word", ["否", "n", "No", "false", "0", "×", False])
def test_boolean_reads_no(word):
    assert boolean(word) is False


def test_boolean_keeps_a_blank_and_refuses_other_words():
    assert boolean("  ") is KEEP
    with pytest.raises(ValidationError) as error:
        boolean("也许")
    assert error.value.messages == ["请填写“是”或“否”。"]


@pytest.mark.parametrize("value", ["2025-03-01", "2025/3/1", "2025.03.01", "2025年3月1日", datetime.datetime(2025, 3, 1, 9), datetime.date(2025, 3, 1)])
def test_date_reads_common_ways_of_writing_a_day(value):
    assert date(value) == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("value", ["2025-02-30", "去年", "03/01/2025"])
def test_date_refuses_what_is_not_a_day(value):
    with pytest.raises(ValidationError):
        date(value)


def test_choice_accepts_labels_in_every_language_aliases_and_stored_values():
    parse = Choice(RegionLevel, {RegionLevel.CITY: ["直辖市"]})
    assert parse("直辖市") == RegionLevel.CITY
    assert parse("City") == RegionLevel.CITY
    assert parse(2) == RegionLevel.DISTRICT
    assert parse("") is KEEP
    with pytest.raises(ValidationError) as error:
        parse("省会")
    assert error.value.messages[0].startswith("请填写以下之一：直辖市、")


# --- A minimal importer of another model: what issue 4's lists build on -------------------------


class RegionImporter(Importer):
    kind = "test-regions"
    label = "区域"
    model = Region
    clean_exclude = ("parent",)
    columns = (
        Column("name", "名称", required=True),
        Column("level", "级别", required=True, parse=Choice(RegionLevel)),
        Column("parent", "上级区域", model_field=False),
        Column("code", "区划代码"),
    )

    def prepare(self, rows):
        self.paths = RegionPaths()
        self.existing = {(r.parent_id, r.name): r for r in Region.objects.all()}

    def match(self, row):
        parent_id = self.paths.find(row.data["parent"], key="parent") if row.data.get("parent") else None
        row.extra["parent_id"] = parent_id
        return self.existing.get((parent_id, row.data["name"]))

    def fill(self, row, instance):
        super().fill(row, instance)
        instance.parent_id = row.extra["parent_id"]

    def create(self, rows):
        for row in rows:
            row.instance.save()  # a tree needs its path; a small importer may simply save

    def identities(self, row, instance):
        return [("上级区域和名称", (row.extra["parent_id"], instance.name))]


def region_sheet(rows, headers=("名称", "级别", "上级区域", "区划代码")):
    return io.BytesIO(xlsx_bytes(list(headers), rows))


def test_a_minimal_importer_validates_with_the_model_and_upserts(world):
    importer = RegionImporter(world.alliance_admin)
    plan = importer.plan(region_sheet([["泗泾镇", "街镇", "上海市/松江区", "310117103"], ["新桥镇", "街镇", "上海市/松江区", ""]]))
    assert plan.errors == [] and [row.action for row in plan.rows] == [CREATE, CREATE]
    assert importer.write(plan) == {CREATE: 2, UPDATE: 0, UNCHANGED: 0}
    assert Region.objects.get(name="泗泾镇").parent == world.district

    importer = RegionImporter(world.alliance_admin)
    plan = importer.plan(region_sheet([["泗泾镇", "街镇", "上海市/松江区", "310117104"], ["新桥镇", "街镇", "上海市/松江区", ""]]))
    assert [row.action for row in plan.rows] == [UPDATE, UNCHANGED]
    assert plan.rows[0].changes == {"code": ["310117103", "310117104"]}
    importer.write(plan)
    assert Region.objects.get(name="泗泾镇").code == "310117104"


def test_a_minimal_importer_reports_the_models_own_rules(world):
    # Region.clean(): a region is one level below its parent.
    plan = RegionImporter(world.alliance_admin).plan(region_sheet([["某区", "市（省）", "上海市", ""], ["某镇", "街镇", "上海市/不存在", ""]]))
    errors = {error["row"]: error["messages"] for error in plan.errors}
    assert errors[2] == ["级别：行政区划必须比上级低一级。"]
    assert errors[3] == ["上级区域：找不到区域“上海市/不存在”，请按“上海市/松江区/广富林街道”的格式填写。"]


def test_it_refuses_more_rows_than_allowed(world, monkeypatch):
    monkeypatch.setattr(RegionImporter, "max_rows", 2)
    with pytest.raises(SheetProblem) as problem:
        RegionImporter(world.alliance_admin).plan(region_sheet([[f"镇{i}", "街镇", "上海市/松江区", ""] for i in range(3)]))
    assert problem.value.message == "表格超过 2 行，请拆分为多个文件。"


def test_optional_columns_may_be_left_out_and_unknown_ones_are_named(world):
    plan = RegionImporter(world.alliance_admin).plan(region_sheet([["佘山镇", "街镇"]], headers=("名称", "级别")))
    assert plan.errors == [] and plan.rows[0].instance.parent_id is None
    with pytest.raises(SheetProblem) as problem:
        RegionImporter(world.alliance_admin).plan(region_sheet([["佘山镇", "街镇", "x"]], headers=("名称", "级别", "备注")))
    assert "无法识别的列：备注。" in problem.value.message


def test_messages_follow_the_active_language(world):
    with translation.override("en"), pytest.raises(SheetProblem) as problem:
        RegionImporter(world.alliance_admin).plan(region_sheet([], headers=("名称", "级别")))
    assert problem.value.message == "The sheet has no data rows below the headers."


def test_the_registry_lists_importers_for_those_allowed(world):
    kinds = [cls.kind for cls in sheets.importers_for(world.org_admin)]
    assert kinds[:3] == ["organizations", "people", "memberships"]
    assert sheets.importers_for(world.member) == [] and not sheets.can_import(world.member)
    assert sheets.importer_class("organizations").label == "组织"
    assert sheets.importer_class("nothing") is None


def test_the_gc_is_paused_during_an_import_and_resumed_after():
    import gc

    assert gc.isenabled()
    with sheets.paused_gc():
        assert not gc.isenabled()
        with sheets.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


# --- Finding organizations by name or path --------------------------------------------------------


def test_org_names_find_by_name_or_by_a_path_from_any_level(world):
    Organization.objects.create(name="工业设计系教工党支部", sector="government", kind="branch", parent=world.foreign_org)
    names = OrgNames({"示例学院党委/工业设计系教工党支部", "广富林街道党工委", "工业设计系教工党支部"})
    assert names.find("示例学院党委/工业设计系教工党支部") == world.own_branch
    assert names.find("广富林街道党工委") == world.foreign_org
    with pytest.raises(ValidationError) as ambiguous:
        names.find("工业设计系教工党支部")
    assert "上级组织/工业设计系教工党支部" in ambiguous.value.message_dict["organization"][0]
    with pytest.raises(ValidationError):
        names.find("示例学院党委/不存在")


def test_org_names_skip_archived_organizations(world):
    old = Organization.objects.create(name="旧支部", sector="other", kind="branch", parent=world.own_org)
    old.archive()
    with pytest.raises(ValidationError):
        OrgNames({"旧支部"}).find("旧支部")


def test_region_paths_find_full_paths_and_unique_names(world):
    paths = RegionPaths()
    assert paths.find("上海市/松江区/广富林街道") == world.street.pk
    assert paths.find("松江区/广富林街道") == world.street.pk
    assert paths.find("三新居民区") == world.community.pk
    with pytest.raises(ValidationError):
        paths.find("上海市/广富林街道")
