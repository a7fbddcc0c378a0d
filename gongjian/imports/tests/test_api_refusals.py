"""The import API's answers when a job cannot go on: 409 with the reason, and a retry after a failed check."""

import pytest

from gongjian.imports.models import ImportJob
from gongjian.orgs.models import Organization

from .conftest import ORG_HEADERS, org_row, upload

pytestmark = pytest.mark.django_db

JOBS = "/api/v1/imports/jobs/"


def create(api, rows, dry_run=True):
    return api.post(
        JOBS, {"kind": "organizations", "file": upload(ORG_HEADERS, rows), "dry_run": "true" if dry_run else "false"}, format="multipart"
    )


def test_it_refuses_to_apply_a_job_with_errors(world, api_for):
    api = api_for(world.alliance_admin)
    body = create(api, [org_row("甲党支部", parent="没有这个党委")]).json()
    response = api.post(f"{JOBS}{body['uuid']}/apply/")
    assert response.status_code == 409 and response.json() == {"detail": "此次导入尚未通过检查，不能确认。"}


def test_it_gives_the_failure_as_the_reason_a_failed_job_cannot_be_applied(world, api_for, monkeypatch):
    from gongjian.imports.importers import OrganizationImporter

    def explode(self, created, updated):
        raise RuntimeError("disk full")

    monkeypatch.setattr(OrganizationImporter, "after_write", explode)
    api = api_for(world.alliance_admin)
    body = create(api, [org_row("甲党支部", parent="示例学院党委")], dry_run=False).json()
    assert body["status"] == "failed"
    response = api.post(f"{JOBS}{body['uuid']}/apply/")
    assert response.status_code == 409 and response.json() == {"detail": "导入失败，未写入任何数据。"}
    assert not Organization.objects.filter(name="甲党支部").exists()


def test_it_checks_a_failed_job_again_on_retry_and_waits_for_confirmation(world, api_for, monkeypatch):
    from gongjian.imports.importers import OrganizationImporter

    def explode(self, fileobj, progress=None):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(OrganizationImporter, "plan", explode)
    api = api_for(world.alliance_admin)
    body = create(api, [org_row("甲党支部", parent="示例学院党委")], dry_run=False).json()
    assert body["status"] == "failed"
    monkeypatch.undo()
    response = api.post(f"{JOBS}{body['uuid']}/retry/")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    assert not Organization.objects.filter(name="甲党支部").exists()
    assert api.post(f"{JOBS}{body['uuid']}/apply/").json()["status"] == "done"
    assert Organization.objects.filter(name="甲党支部").count() == 1


def test_an_org_admin_lists_only_their_own_jobs(world, api_for):
    create(api_for(world.org_admin), [org_row("设计三组", parent="示例学院党委")])
    create(api_for(world.outsider), [org_row("街道支部", parent="广富林街道党工委")])
    own = api_for(world.org_admin).get(JOBS).json()
    assert own["count"] == 1 and own["results"][0]["original_name"] == "组织.xlsx"
    assert api_for(world.alliance_admin).get(JOBS).json()["count"] == 2
    assert ImportJob.objects.count() == 2
