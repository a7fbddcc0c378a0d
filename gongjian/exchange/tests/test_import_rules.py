"""Rules of the needs and resources imports beyond the happy path: first claim, re-imports, categories, regions."""

import datetime

import pytest
from django.utils import timezone

from gongjian.exchange.importers import NeedImporter, ResourceImporter
from gongjian.exchange.models import Category, Need, NeedEvent, Resource

from .conftest import days
from .test_importers import NEED_HEADERS, RESOURCE_HEADERS, need_row, sheet

pytestmark = pytest.mark.django_db


def imported(importer_class, user, headers, rows):
    importer = importer_class(user)
    plan = importer.plan(sheet(headers, rows))
    assert plan.errors == []
    importer.write(plan, actor=user)
    return plan


def errors_of(importer_class, user, headers, rows):
    return importer_class(user).plan(sheet(headers, rows)).errors


def test_it_gives_paired_organizations_first_claim_when_a_need_is_published_by_import(world, pair, settings):
    settings.EXCHANGE_PRIORITY_DAYS = 7
    pair(world.foreign_org, world.own_org)
    imported(NeedImporter, world.outsider, NEED_HEADERS, [need_row("长窗口"), need_row("短期限", deadline=days(3))])
    assert Need.objects.get(title="长窗口").priority_until == timezone.localdate() + datetime.timedelta(days=7)
    assert Need.objects.get(title="短期限").priority_until == days(3), "never past the deadline"


def test_it_opens_an_imported_need_at_once_without_a_pairing(world):
    imported(NeedImporter, world.outsider, NEED_HEADERS, [need_row("无结对")])
    need = Need.objects.get()
    assert need.status == "published" and need.priority_until is None


def test_it_publishes_a_need_only_once_when_imported_again(world):
    imported(NeedImporter, world.outsider, NEED_HEADERS, [need_row("古城文化IP")])
    first = Need.objects.get().published_at
    imported(NeedImporter, world.outsider, NEED_HEADERS, [need_row("古城文化IP", scale="1 套")])
    need = Need.objects.get()
    assert need.published_at == first and need.scale == "1 套"
    assert NeedEvent.objects.filter(need=need, to_status="published").count() == 1


def test_it_publishes_a_draft_on_a_second_import(world):
    imported(NeedImporter, world.outsider, NEED_HEADERS, [need_row("先存草稿", publish="")])
    assert Need.objects.get().status == "draft"
    imported(NeedImporter, world.outsider, NEED_HEADERS, [need_row("先存草稿", publish="是")])
    need = Need.objects.get()
    assert need.status == "published" and need.published_at is not None
    assert NeedEvent.objects.filter(need=need, from_status="draft", to_status="published").count() == 1


def test_a_blank_capacity_keeps_the_resources_current_capacity(world):
    imported(ResourceImporter, world.org_admin, RESOURCE_HEADERS, [["学生设计师", "示例学院党委", "设计规划", "", 20, "名", None, ""]])
    imported(
        ResourceImporter, world.org_admin, RESOURCE_HEADERS, [["学生设计师", "示例学院党委", "设计规划", "", None, "名学生", None, ""]]
    )
    resource = Resource.objects.get()
    assert (resource.capacity, resource.capacity_unit) == (20, "名学生")
    imported(ResourceImporter, world.org_admin, RESOURCE_HEADERS, [["学生设计师", "示例学院党委", "设计规划", "", 0, "名学生", None, ""]])
    resource.refresh_from_db()
    assert resource.capacity == 0, "zero is a value, not a blank"


def test_it_names_only_the_categories_still_in_use(world, design):
    Category.objects.create(name="已停用类别", is_active=False)
    [error] = errors_of(NeedImporter, world.outsider, NEED_HEADERS, [need_row("错类别", category="不存在的类别")])
    [message] = error["messages"]
    assert "不存在的类别" in message and "设计规划" in message and "已停用类别" not in message


def test_it_reports_a_region_that_is_not_on_file(world):
    [error] = errors_of(NeedImporter, world.outsider, NEED_HEADERS, [need_row("没有区域", region="上海市/不存在区")])
    assert error == {"row": 2, "messages": ["所在区域：找不到区域“上海市/不存在区”，请按“上海市/松江区/广富林街道”的格式填写。"]}


def test_it_reports_the_same_organization_and_title_twice_in_one_file(world):
    errors = errors_of(NeedImporter, world.outsider, NEED_HEADERS, [need_row("重复的需求"), need_row("另一个"), need_row("重复的需求")])
    assert [error["row"] for error in errors] == [4]
    assert not Need.objects.exists()


def test_the_same_title_for_two_organizations_is_two_needs(world):
    imported(
        NeedImporter,
        world.alliance_admin,
        NEED_HEADERS,
        [need_row("结对帮扶"), need_row("结对帮扶", org="示例学院党委", region="")],
    )
    assert set(Need.objects.values_list("organization__name", flat=True)) == {"广富林街道党工委", "示例学院党委"}
