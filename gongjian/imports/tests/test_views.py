"""The import pages: choose, download the template, upload, preview, confirm; who may do it."""

import io

from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.imports import models as job_models
from gongjian.imports.models import ImportJob
from gongjian.lib.navigation import menu_for
from gongjian.orgs.models import Organization

from .conftest import ORG_HEADERS, org_row, upload

START = reverse("imports:start")


def post_upload(client, rows, kind="organizations", **extra):
    return client.post(START, {"kind": kind, "file": upload(ORG_HEADERS, rows)}, **extra)


def menu_labels(user):
    return [name for key, _label, items in menu_for(user) if key == "orgs" for name, _url in items]


def test_the_menu_offers_excel_import_to_alliance_and_org_admins_only(world):
    assert "Excel 导入" in menu_labels(world.alliance_admin)
    assert "Excel 导入" in menu_labels(world.org_admin)
    assert "Excel 导入" not in menu_labels(world.member)


def test_members_may_not_import(world, client_for):
    client = client_for(world.member)
    assert client.get(START).status_code == 403
    assert client.get(reverse("imports:template", args=["organizations"])).status_code == 404


def test_the_start_page_offers_templates_and_the_upload_form(world, client_for):
    response = client_for(world.org_admin).get(START)
    assert response.status_code == 200
    page = response.content.decode()
    for kind in ("organizations", "people", "memberships"):
        assert reverse("imports:template", args=[kind]) in page
    assert "第一步：下载模板" in page and 'type="file"' in page and 'name="kind"' in page


def test_it_downloads_a_template_with_chinese_headers_and_instructions(world, client_for):
    response = client_for(world.org_admin).get(reverse("imports:template", args=["organizations"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in wb.worksheets[0][1]][:4] == ["名称", "简称", "类别", "组织类型"]
    assert wb.sheetnames == ["组织", "说明"]


def test_it_refuses_a_file_that_is_not_an_excel_workbook(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.alliance_admin)
    for name, content in [("组织.xlsx", b"name,sector\n"), ("组织.xlsx", b"%PDF-1.7"), ("组织.docx", b"PK\x03\x04 not really")]:
        response = client.post(START, {"kind": "organizations", "file": SimpleUploadedFile(name, content)})
        assert response.status_code == 200
        assert "请上传 Excel 工作簿（.xlsx），此文件不是。" in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_it_refuses_a_file_over_the_size_limit(world, client_for):
    response = post_upload(client_for(world.alliance_admin), [org_row(f"甲{i}党支部") for i in range(50)])
    assert "文件过大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_previews_each_bad_row_in_chinese_and_imports_nothing(world, client_for):
    client = client_for(world.org_admin)
    response = post_upload(client, [org_row("设计三组", parent="示例学院党委"), org_row("街道支部", parent="广富林街道党工委")])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    content = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert "1 行有错误。" in content and "未导入任何数据" in content
    assert 'data-row="3"' in content and "第 3 行" in content
    assert "上级组织：" in content
    assert not Organization.objects.filter(name="设计三组").exists()
    errors = client.get(job.get_absolute_url() + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(errors.content)).worksheets[0]
    assert [cell.value for cell in sheet[2]][0] == 3


def test_it_previews_counts_then_imports_on_confirmation(world, client_for):
    client = client_for(world.org_admin)
    response = post_upload(client, [org_row("设计三组", parent="示例学院党委"), org_row("工业设计系教工党支部", sector="学校", parent="示例学院党委", address="设计楼")], HTTP_HX_REQUEST="true")
    job = ImportJob.objects.get()
    assert response.status_code == 200 and response["HX-Redirect"] == job.get_absolute_url()
    content = client.get(job.get_absolute_url()).content.decode()
    assert "全部 2 行检查通过：新增 1 条，更新 1 条，0 条无变化。" in content and "确认导入" in content
    assert not Organization.objects.filter(name="设计三组").exists()

    response = client.post(reverse("imports:apply", args=[job.uuid]), follow=True)
    content = response.content.decode()
    assert "导入成功：新增 1 条，更新 1 条，0 条无变化。" in content
    assert reverse("orgs:organization_list") in content
    assert Organization.objects.get(name="设计三组").parent == world.own_org
    world.own_branch.refresh_from_db()
    assert world.own_branch.address == "设计楼"
    again = client.post(reverse("imports:apply", args=[job.uuid]), follow=True)
    assert "此次导入尚未通过检查，不能确认。" in again.content.decode()
    assert Organization.objects.filter(name="设计三组").count() == 1


def test_the_upload_form_shows_errors_inside_the_htmx_swap(world, client_for):
    client = client_for(world.alliance_admin)
    response = client.post(START, {"kind": "organizations"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="upload-form")
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and "invalid-feedback" in response.content.decode()


def test_the_progress_bar_is_polled_until_the_job_finishes(world, client_for, monkeypatch):
    monkeypatch.setattr(job_models, "SYNC_MAX_ROWS", 1)
    client = client_for(world.alliance_admin)
    post_upload(client, [org_row("甲党支部", parent="示例学院党委"), org_row("乙党支部", parent="示例学院党委")])
    job = ImportJob.objects.get()
    assert job.status == "pending"  # waiting for the worker: the test has no on_commit
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-progress"' in page and 'hx-trigger="every 1s"' in page and "正在等待后台任务处理" in page
    ImportJob.objects.filter(pk=job.pk).update(status="validating", processed=1, total=2)
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-progress")
    content = partial.content.decode()
    assert "<html" not in content and 'data-processed="1" data-total="2"' in content and "width: 50%" in content
    ImportJob.objects.filter(pk=job.pk).update(status="ready")
    finished = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-progress")
    assert finished["HX-Refresh"] == "true"


def test_the_error_table_pages_through_htmx(world, client_for):
    client = client_for(world.alliance_admin)
    post_upload(client, [org_row(f"甲{i}党支部", parent="没有") for i in range(120)])
    job = ImportJob.objects.get()
    partial = client.get(job.get_absolute_url() + "?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table")
    content = partial.content.decode()
    assert "<html" not in content and 'data-row="102"' in content and 'data-row="2"' not in content


def test_jobs_of_others_are_not_found(world, client_for):
    post_upload(client_for(world.org_admin), [org_row("设计三组", parent="示例学院党委")])
    job = ImportJob.objects.get()
    outsider = client_for(world.outsider)
    assert outsider.get(job.get_absolute_url()).status_code == 404
    assert outsider.post(reverse("imports:apply", args=[job.uuid])).status_code == 404
    assert client_for(world.alliance_admin).get(job.get_absolute_url()).status_code == 200
    assert not Organization.objects.filter(name="设计三组").exists()


def test_the_start_page_needs_the_same_queries_however_many_jobs(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.alliance_admin)
    counts = []
    for jobs in (1, 6):
        while ImportJob.objects.count() < jobs:
            post_upload(client, [org_row("甲党支部", parent="没有")])
        client.get(START)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(START).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_org_admin_imports_people_and_memberships_through_the_pages(world, client_for):
    from gongjian.orgs.models import Membership, Person

    client = client_for(world.org_admin)
    people = upload(["姓名", "性别", "手机号", "宣讲专家", "宣讲主题", "所属组织"], [["王芳", "女", "13900139050", "是", "基层治理", "工业设计系教工党支部"]])
    client.post(START, {"kind": "people", "file": people})
    job = ImportJob.objects.get()
    assert job.status == "ready"
    client.post(reverse("imports:apply", args=[job.uuid]))
    person = Person.objects.get(name="王芳")
    assert person.is_speaker and Membership.objects.get(person=person).organization == world.own_branch

    members = upload(["手机号", "所属组织", "角色", "职务"], [["13900139050", "工业设计系教工党支部", "管理员", "书记"]])
    client.post(START, {"kind": "memberships", "file": members})
    job = ImportJob.objects.order_by("-pk").first()
    content = client.get(job.get_absolute_url()).content.decode()
    assert "全部 1 行检查通过：新增 0 条，更新 1 条，0 条无变化。" in content
    client.post(reverse("imports:apply", args=[job.uuid]))
    membership = Membership.objects.get(person=person)
    assert (membership.role, membership.position) == ("admin", "书记")


def test_the_pages_speak_english_to_english_users(world, client_for):
    client = client_for(world.alliance_admin)
    client.cookies["django_language"] = "en"
    page = client.get(START, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1. Download a template" in page and "Excel import" in page
    post_upload(client, [org_row("甲党支部", parent="没有")], HTTP_ACCEPT_LANGUAGE="en")
    job = ImportJob.objects.get()
    content = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 row has errors." in content and "Parent organization: No organization is named “没有”." in content
