"""A job from upload to its end, as the page and the API show it, and which sheets the nightly purge drops."""

import zipfile
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gongjian.imports.models import ImportJob
from gongjian.orgs.models import Organization

from .conftest import ORG_HEADERS, org_row, upload

pytestmark = pytest.mark.django_db

JOBS = "/api/v1/imports/jobs/"


def receive(user, rows):
    return ImportJob.receive(user, "organizations", upload(ORG_HEADERS, rows))


def crash_the_check(monkeypatch):
    from gongjian.imports.importers import OrganizationImporter

    def explode(self, fileobj, progress=None):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(OrganizationImporter, "plan", explode)


def shown(client, api, job):
    """(data-status on the page, status_display in the API) of the job."""
    page = client.get(job.get_absolute_url()).content.decode()
    status = page.split('data-status="', 1)[1].split('"', 1)[0]
    return status, api.get(f"{JOBS}{job.uuid}/").json()["status_display"]


def test_the_page_and_the_api_show_the_same_state_at_each_step(world, client_for, api_for):
    client, api = client_for(world.org_admin), api_for(world.org_admin)
    job = receive(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    assert shown(client, api, job) == ("pending", "等待中")
    job.schedule_validation()
    assert shown(client, api, job) == ("ready", "待确认导入")
    assert 'id="confirm-import"' in client.get(job.get_absolute_url()).content.decode()
    client.post(reverse("imports:apply", args=[job.uuid]))
    assert shown(client, api, job) == ("done", "已导入")
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="confirm-import"' not in page and "导入成功：新增 1 条，更新 0 条，0 条无变化。" in page


def test_a_job_with_errors_offers_no_confirmation(world, client_for, api_for):
    job = receive(world.org_admin, [org_row("设计三组", parent="没有")])
    job.schedule_validation()
    client = client_for(world.org_admin)
    assert shown(client, api_for(world.org_admin), job) == ("invalid", "有错误")
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="confirm-import"' not in page and 'id="retry-import"' not in page and "?export=xlsx" in page


def test_a_running_job_is_not_confirmed_a_second_time(world, client_for, api_for):
    job = receive(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    job.schedule_validation()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)  # another click got there first
    response = client_for(world.org_admin).post(reverse("imports:apply", args=[job.uuid]), follow=True)
    assert "此次导入尚未通过检查，不能确认。" in [str(m) for m in response.context["messages"]]
    assert api_for(world.org_admin).post(f"{JOBS}{job.uuid}/apply/").status_code == 409
    job.refresh_from_db()
    assert job.status == "running" and not Organization.objects.filter(name="设计三组").exists()


def test_a_failed_job_offers_a_retry_only_while_its_sheet_is_kept(
    world, client_for, api_for, monkeypatch, django_capture_on_commit_callbacks
):
    crash_the_check(monkeypatch)
    job = receive(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    job.schedule_validation()
    client = client_for(world.org_admin)
    assert shown(client, api_for(world.org_admin), job) == ("failed", "失败")
    assert 'id="retry-import"' in client.get(job.get_absolute_url()).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_import_files", stdout=StringIO())
    monkeypatch.undo()
    assert 'id="retry-import"' not in client.get(job.get_absolute_url()).content.decode()
    response = api_for(world.org_admin).post(f"{JOBS}{job.uuid}/retry/")
    assert response.status_code == 409 and response.json()["detail"] == "此导入无法重试，请重新上传文件。"
    job.refresh_from_db()
    assert job.status == "failed"


def test_the_purge_keeps_the_sheets_of_jobs_still_at_work(world):
    jobs = {
        status: receive(world.alliance_admin, [org_row(f"{status}党支部")]) for status in ("pending", "validating", "running", "failed")
    }
    for status, job in jobs.items():
        ImportJob.objects.filter(pk=job.pk).update(status=status, created_at=timezone.now() - timedelta(days=30))
    out = StringIO()
    call_command("purge_import_files", stdout=out)
    assert out.getvalue() == "Deleted 1 uploaded import file(s).\n"
    kept = {job.status: bool(job.file.name) for job in ImportJob.objects.all()}
    assert kept == {"pending": True, "validating": True, "running": True, "failed": False}


def test_the_purge_waits_as_many_days_as_it_is_told(world):
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    job.schedule_validation()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    call_command("purge_import_files", "--days", "10", stdout=StringIO())
    job.refresh_from_db()
    assert job.status == "ready" and job.file.name
    call_command("purge_import_files", "--days", "7", stdout=StringIO())
    job.refresh_from_db()
    assert job.file.name == ""


def word_document() -> bytes:
    """A real zip with content types, as a .docx renamed to .xlsx would be."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def test_it_refuses_a_word_document_renamed_to_xlsx(world, client_for, api_for):
    response = client_for(world.org_admin).post(
        reverse("imports:start"), {"kind": "organizations", "file": SimpleUploadedFile("组织.xlsx", word_document())}
    )
    assert "请上传 Excel 工作簿（.xlsx），此文件不是。" in response.content.decode()
    body = (
        api_for(world.org_admin)
        .post(JOBS, {"kind": "organizations", "file": SimpleUploadedFile("组织.xlsx", word_document())}, format="multipart")
        .json()
    )
    assert body == {"file": ["请上传 Excel 工作簿（.xlsx），此文件不是。"]}
    assert not ImportJob.objects.exists()


def test_the_page_refuses_a_kind_it_does_not_offer(world, client_for):
    response = client_for(world.org_admin).post(
        reverse("imports:start"), {"kind": "secrets", "file": upload(ORG_HEADERS, [org_row("甲党支部")])}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"][0].startswith("选择一个有效的选项")
    assert not ImportJob.objects.exists()
