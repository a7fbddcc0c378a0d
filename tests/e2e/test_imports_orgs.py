"""Browser journey: an org admin imports branches from Excel.

The college's admin downloads the template, uploads a sheet with one row under an organization
they do not manage, reads that row's Chinese error on the preview, uploads the corrected sheet,
confirms, and finds the new branches in the directory.
"""

import re

import pytest
from playwright.sync_api import expect

from gongjian.lib.testing import PASSWORD

HEADERS = ["名称", "简称", "类别", "组织类型", "上级组织", "所在区域", "地址", "统一社会信用代码", "能力标签", "联系人", "联系电话", "状态"]


def sheet(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADERS)
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return str(path)


def upload(page, live_server, path):
    page.goto(f"{live_server.url}/imports/")
    page.check("input[name=kind][value=organizations]")
    page.set_input_files("input[name=file]", path)
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/jobs/[0-9a-f-]+/$"))


@pytest.mark.django_db(transaction=True)
def test_it_previews_the_bad_row_then_imports_the_corrected_sheet(page, live_server, login, tmp_path):
    from gongjian.lib.testing import build_world
    from gongjian.orgs.models import Organization

    world = build_world()
    login("orgadmin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    # The menu leads to the import page, which offers the template with its 说明 sheet.
    page.goto(f"{live_server.url}/imports/")
    expect(page.locator("h1")).to_have_text("Excel 导入")
    with page.expect_download() as download:
        page.click("a[data-template=organizations]")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    from openpyxl import load_workbook

    assert load_workbook(template).sheetnames == ["组织", "说明"]

    good = ["设计学院学生第一党支部", "", "学校", "党支部", "示例学院党委", "上海市/松江区", "", "", "工业设计、志愿服务", "陈老师", "13800138000", "正常"]
    foreign = ["街道第二党支部", "", "政府", "党支部", "广富林街道党工委", "", "", "", "", "", "", ""]
    upload(page, live_server, sheet(tmp_path / "bad.xlsx", [good, foreign]))
    result = page.locator("#job-result")
    expect(result).to_contain_text("1 行有错误。")
    expect(result).to_contain_text("未导入任何数据")
    bad_row = page.locator("tr[data-row='3']")
    expect(bad_row).to_contain_text("第 3 行")
    expect(bad_row).to_contain_text("上级组织：")
    assert not Organization.objects.filter(name="设计学院学生第一党支部").exists()

    fixed = ["设计学院学生第二党支部", "", "学校", "党支部", "示例学院党委/工业设计系教工党支部", "", "", "", "", "", "", ""]
    upload(page, live_server, sheet(tmp_path / "fixed.xlsx", [good, fixed]))
    expect(page.locator("#job-result")).to_contain_text("全部 2 行检查通过：新增 2 条，更新 0 条，0 条无变化。")
    page.click("#confirm-import")
    expect(page.locator("#job-result")).to_contain_text("导入成功：新增 2 条")

    first = Organization.objects.get(name="设计学院学生第一党支部")
    second = Organization.objects.get(name="设计学院学生第二党支部")
    assert first.parent == world.own_org and second.parent == world.own_branch
    assert first.region == world.district and sorted(first.tags.values_list("name", flat=True)) == ["工业设计", "志愿服务"]
    page.click("text=查看列表")
    page.wait_for_url(re.compile(r"/orgs/"))
    expect(page.locator("body")).to_contain_text("设计学院学生第一党支部")
