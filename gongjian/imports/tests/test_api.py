"""POST /api/v1/imports/jobs/ (file, kind, dry_run), GET the job, POST .../apply/: the UI's checks and scope."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.imports.models import ImportJob
from gongjian.orgs.models import Organization

from .conftest import ORG_HEADERS, org_row, upload

JOBS = "/api/v1/imports/jobs/"


def create(api, rows, *, dry_run=None, kind="organizations", file=None):
    data = {"kind": kind, "file": file or upload(ORG_HEADERS, rows)}
    if dry_run is not None:
        data["dry_run"] = "true" if dry_run else "false"
    return api.post(JOBS, data, format="multipart")


def test_it_returns_every_bad_row_of_a_dry_run(world, api_for):
    response = create(api_for(world.org_admin), [org_row("设计三组", parent="示例学院党委"), org_row("街道支部", parent="广富林街道党工委")], dry_run=True)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "invalid" and body["error_count"] == 1
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["messages"][0].startswith("上级组织：")
    assert "file" not in body and not Organization.objects.filter(name="设计三组").exists()


def test_it_previews_with_dry_run_and_applies_later(world, api_for):
    api = api_for(world.org_admin)
    body = create(api, [org_row("设计三组", parent="示例学院党委")], dry_run=True).json()
    assert (body["status"], body["created_count"], body["total"]) == ("ready", 1, 1)
    assert not Organization.objects.filter(name="设计三组").exists()
    job_url = f"{JOBS}{body['uuid']}/"
    assert api.get(job_url).json()["status"] == "ready"
    applied = api.post(job_url + "apply/")
    assert applied.status_code == 200 and applied.json()["status"] == "done"
    assert Organization.objects.get(name="设计三组").parent == world.own_org
    assert api.post(job_url + "apply/").status_code == 409


def test_it_imports_at_once_without_dry_run(world, api_for):
    body = create(api_for(world.alliance_admin), [org_row("甲党支部", parent="示例学院党委")]).json()
    assert body["status"] == "done" and Organization.objects.filter(name="甲党支部").exists()


def test_it_answers_202_for_a_file_checked_in_the_background(world, api_for, monkeypatch):
    from gongjian.imports import models as job_models

    monkeypatch.setattr(job_models, "SYNC_MAX_ROWS", 1)
    response = create(api_for(world.alliance_admin), [org_row("甲党支部"), org_row("乙党支部")], dry_run=True)
    assert response.status_code == 202 and response.json()["status"] == "pending"


def test_it_refuses_files_that_are_not_workbooks_and_unknown_kinds(world, api_for):
    api = api_for(world.alliance_admin)
    response = create(api, [], file=SimpleUploadedFile("a.xlsx", b"%PDF-1.7 nope"))
    assert response.status_code == 400 and response.json()["file"] == ["请上传 Excel 工作簿（.xlsx），此文件不是。"]
    response = create(api, [org_row("甲党支部")], kind="secrets")
    assert response.status_code == 400 and "kind" in response.json()
    assert not ImportJob.objects.exists()


def test_members_may_not_import_and_others_jobs_are_not_found(world, api_for):
    assert create(api_for(world.member), [org_row("甲党支部")]).status_code == 403
    body = create(api_for(world.org_admin), [org_row("设计三组", parent="示例学院党委")], dry_run=True).json()
    outsider = api_for(world.outsider)
    assert outsider.get(f"{JOBS}{body['uuid']}/").status_code == 404
    assert outsider.post(f"{JOBS}{body['uuid']}/apply/").status_code == 404
    assert outsider.get(JOBS).json()["count"] == 0
    assert not Organization.objects.filter(name="设计三组").exists()


def test_the_job_list_needs_the_same_queries_however_many_jobs(world, api_for):
    api = api_for(world.alliance_admin)
    counts = []
    for jobs in (1, 5):
        while ImportJob.objects.count() < jobs:
            create(api, [org_row("甲党支部", parent="没有")], dry_run=True)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(JOBS)
        assert response.json()["count"] == jobs
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_schema_describes_the_import_endpoints(world, client_for):
    schema = client_for(world.alliance_admin).get("/api/schema/").content.decode()
    assert "/api/v1/imports/jobs/{uuid}/apply/" in schema and "dry_run" in schema
