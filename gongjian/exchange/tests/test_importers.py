"""Importing the needs and resources lists from Excel: preview, per-row errors, all or nothing."""

import io

import pytest
from openpyxl import Workbook

from gongjian.exchange.importers import CLAIM_MODE, NeedImporter, ResourceImporter
from gongjian.exchange.models import Need, NeedEvent, Resource
from gongjian.imports.sheets import importer_class

from .conftest import days

pytestmark = pytest.mark.django_db

NEED_KEYS = ["title", "organization", "category", "region", "scale", "deadline", "claim_mode", "description", "contact_name", "contact_phone", "publish"]
# The template's headers in the active language (Chinese), as people fill them in.
NEED_HEADERS = [str(next(c.label for c in NeedImporter.columns if c.key == key)) for key in NEED_KEYS]
# Field names work as headers too.
RESOURCE_HEADERS = ["title", "organization", "category", "region", "capacity", "capacity_unit", "available_until", "publish"]


def sheet(headers, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def need_row(title, org="广富林街道党工委", category="设计规划", region="上海市/松江区/广富林街道", publish="是", **extra):
    return [title, org, category, region, extra.get("scale", ""), extra.get("deadline"), extra.get("mode", ""), extra.get("description", ""), "", extra.get("phone", ""), publish]


def test_it_registers_both_lists_with_the_import_framework():
    assert importer_class("needs") is NeedImporter
    assert importer_class("resources") is ResourceImporter


def test_it_previews_and_imports_needs(world):
    rows = [
        need_row("25 个采样亭个性化改造设计", scale="25 个", deadline="2023-06-30", phone="13800138000"),
        need_row("社区为老服务志愿者", category="为老服务", mode=CLAIM_MODE.display()[1], publish=""),
    ]
    importer = NeedImporter(world.outsider)
    plan = importer.plan(sheet(NEED_HEADERS, rows))
    assert plan.errors == []
    assert plan.count("create") == 2
    assert not Need.objects.exists()
    counts = importer.write(plan, actor=world.outsider)
    assert counts["create"] == 2
    booth = Need.objects.get(title="25 个采样亭个性化改造设计")
    assert (booth.status, booth.organization, booth.region, booth.contact_phone) == ("published", world.foreign_org, world.street, "13800138000")
    assert booth.published_at is not None
    assert NeedEvent.objects.filter(need=booth, to_status="published").count() == 1
    elder = Need.objects.get(title="社区为老服务志愿者")
    assert (elder.status, elder.claim_mode) == ("draft", "multiple")


def test_it_updates_the_same_need_when_imported_again(world):
    rows = [need_row("古城文化IP", scale="1 套")]
    NeedImporter(world.outsider).write(NeedImporter(world.outsider).plan(sheet(NEED_HEADERS, rows)))
    rows = [need_row("古城文化IP", scale="1 套 IP 形象")]
    importer = NeedImporter(world.outsider)
    plan = importer.plan(sheet(NEED_HEADERS, rows))
    assert (plan.count("create"), plan.count("update")) == (0, 1)
    importer.write(plan)
    assert Need.objects.get().scale == "1 套 IP 形象"


def test_it_reports_each_bad_row_and_writes_nothing(world):
    rows = [
        need_row("好的一行"),
        need_row("没有这个组织", org="不存在的党委"),
        need_row("错误类别", category="不存在的类别"),
        need_row("错误日期", deadline="明天"),
        need_row("不是我的", org="示例学院党委"),
        need_row("好的一行"),
    ]
    importer = NeedImporter(world.outsider)
    plan = importer.plan(sheet(NEED_HEADERS, rows))
    assert not plan.is_valid
    assert [error["row"] for error in plan.errors] == [3, 4, 5, 6, 7]
    with pytest.raises(ValueError):
        importer.write(plan)
    assert not Need.objects.exists()


def test_it_imports_resources_with_capacity(world):
    rows = [
        ["20 名学生设计师", "示例学院党委", "设计规划", "上海市/松江区", 20, "名学生设计师", days(100), "yes"],
        ["每月 2 场宣讲", "示例学院党委", "文化宣传", "", 2, "场宣讲/月", None, ""],
    ]
    importer = ResourceImporter(world.org_admin)
    plan = importer.plan(sheet(RESOURCE_HEADERS, rows))
    assert plan.errors == []
    importer.write(plan, actor=world.org_admin)
    designers = Resource.objects.get(title="20 名学生设计师")
    assert (designers.capacity, designers.status, designers.region) == (20, "published", world.district)
    assert Resource.objects.get(title="每月 2 场宣讲").status == "draft"


def test_it_refuses_negative_capacity_and_bad_order_of_dates(world):
    rows = [
        ["负数", "示例学院党委", "设计规划", "", -1, "", None, ""],
    ]
    plan = ResourceImporter(world.org_admin).plan(sheet(RESOURCE_HEADERS, rows))
    assert [e["row"] for e in plan.errors] == [2]


def test_it_goes_through_the_import_job_preview_and_confirm(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongjian.imports.models import ImportJob

    data = sheet(NEED_HEADERS, [need_row("党群服务站设计")]).getvalue()
    client = client_for(world.outsider)
    response = client.post("/imports/", {"kind": "needs", "file": SimpleUploadedFile("需求清单.xlsx", data)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "ready" and job.created_count == 1
    assert not Need.objects.exists()
    client.post(f"/imports/jobs/{job.uuid}/apply/")
    assert Need.objects.get().title == "党群服务站设计"


def test_it_offers_a_template_with_the_columns(world, client_for):
    response = client_for(world.outsider).get("/imports/templates/needs/")
    assert response.status_code == 200
    from openpyxl import load_workbook

    headers = [c.value for c in next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(max_row=1))]
    assert len(headers) == len(NeedImporter.columns)
