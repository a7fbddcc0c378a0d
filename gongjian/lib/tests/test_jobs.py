"""A job whose worker process died ends as failed with a clear message, and can be retried (fault drill)."""

import io
import signal
import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gongjian.imports.models import ImportJob
from gongjian.insights.models import GeneratedDocument
from gongjian.lib.jobs import STALE_AFTER, this_worker


@pytest.fixture
def dead_worker():
    """The host:pid of a real process that was killed, as a worker killed mid-job leaves it."""
    process = subprocess.Popen(["sleep", "60"])
    process.send_signal(signal.SIGKILL)
    process.wait()
    return f"{socket.gethostname()}:{process.pid}"


@pytest.fixture
def orgs_sheet(world):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "类别", "组织类型"])
    ws.append(["新建企业党支部", "企业", "党支部"])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("orgs.xlsx", out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def running_job(world, upload, worker):
    job = ImportJob.receive(world.alliance_admin, "organizations", upload)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, worker=worker, heartbeat_at=timezone.now(), processed=1, total=1)
    job.refresh_from_db()
    return job


def test_it_ends_an_import_whose_worker_was_killed(world, orgs_sheet, dead_worker):
    job = running_job(world, orgs_sheet, dead_worker)
    assert job.fail_if_worker_lost()
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.sheet_errors == ["导入中断：后台进程已停止。未写入任何数据，可以重试。"]
    assert job.can_retry


def test_it_leaves_a_job_whose_worker_is_alive(world, orgs_sheet):
    job = running_job(world, orgs_sheet, this_worker())
    assert not job.fail_if_worker_lost()
    assert ImportJob.objects.get(pk=job.pk).status == "running"


def test_it_reads_the_heartbeat_of_a_worker_on_another_host(world, orgs_sheet):
    job = running_job(world, orgs_sheet, "another-host:4242")
    assert not job.fail_if_worker_lost()
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    job.refresh_from_db()
    assert job.fail_if_worker_lost()


def test_it_retries_from_the_check_and_then_imports(world, orgs_sheet, dead_worker, client_for):
    job = running_job(world, orgs_sheet, dead_worker)
    client = client_for(world.alliance_admin)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "导入中断" in page and 'id="retry-import"' in page
    client.post(reverse("imports:retry", args=[job.uuid]))
    job.refresh_from_db()
    assert job.status == "ready" and job.errors == []
    client.post(reverse("imports:apply", args=[job.uuid]))
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 1


def test_it_says_why_confirming_an_interrupted_import_fails(world, orgs_sheet, dead_worker, client_for):
    job = running_job(world, orgs_sheet, dead_worker)
    response = client_for(world.alliance_admin).post(reverse("imports:apply", args=[job.uuid]), follow=True)
    assert "导入中断" in response.content.decode()


def test_it_retries_over_the_api(world, orgs_sheet, dead_worker, api_for):
    job = running_job(world, orgs_sheet, dead_worker)
    client = api_for(world.alliance_admin)
    url = reverse("api:import-job-detail", args=[job.uuid])
    assert client.get(url).json()["status"] == "failed"
    response = client.post(url + "retry/")
    assert response.status_code in (200, 202) and response.json()["status"] == "ready"
    assert client.post(url + "retry/").status_code == 409


def test_it_ends_a_report_whose_worker_was_killed_and_retries_it(world, dead_worker, client_for):
    document = GeneratedDocument.objects.create(kind="report", title="报告", organization=world.own_org, period_key="2023-H1")
    GeneratedDocument.objects.filter(pk=document.pk).update(status="running", worker=dead_worker, progress=40)
    page = client_for(world.org_admin).get(document.get_absolute_url()).content.decode()
    document.refresh_from_db()
    assert document.status == "failed" and "生成中断" in document.error
    assert 'name="retry"' in page
    client_for(world.org_admin).post(document.get_absolute_url(), {"retry": "1"})
    assert GeneratedDocument.objects.get(pk=document.pk).status == "pending"


def test_the_periodic_command_ends_every_lost_job(world, orgs_sheet, dead_worker):
    job = running_job(world, orgs_sheet, dead_worker)
    alive = running_job(world, SimpleUploadedFile("b.xlsx", orgs_sheet.open().read()), this_worker())
    document = GeneratedDocument.objects.create(kind="report", title="报告", period_key="2023-H1")
    GeneratedDocument.objects.filter(pk=document.pk).update(status="running", worker=dead_worker)
    out = io.StringIO()
    call_command("fail_lost_jobs", stdout=out)
    assert "2 job(s) ended" in out.getvalue()
    assert ImportJob.objects.get(pk=job.pk).status == "failed"
    assert ImportJob.objects.get(pk=alive.pk).status == "running"
    assert GeneratedDocument.objects.get(pk=document.pk).status == "failed"


def test_a_running_job_records_its_worker(world, orgs_sheet):
    job = ImportJob.receive(world.alliance_admin, "organizations", orgs_sheet)
    job.validate()
    job.refresh_from_db()
    assert job.worker == this_worker() and job.heartbeat_at is not None
