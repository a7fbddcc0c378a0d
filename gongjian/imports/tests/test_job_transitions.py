"""Import job states: each step runs once, from the right state only, and a failed check can be retried."""

import pytest
from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.imports.models import ImportJob
from gongjian.orgs.models import Organization

from .conftest import ORG_HEADERS, org_row, upload

pytestmark = pytest.mark.django_db


def receive(user, rows, *, apply_when_valid=False, name="组织.xlsx", kind="organizations"):
    return ImportJob.receive(user, kind, upload(ORG_HEADERS, rows, name=name), apply_when_valid=apply_when_valid)


def checked(user, rows, **kwargs):
    job = receive(user, rows, **kwargs)
    job.schedule_validation()
    job.refresh_from_db()
    return job


def broken_check(monkeypatch):
    from gongjian.imports.importers import OrganizationImporter

    def explode(self, fileobj, progress=None):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(OrganizationImporter, "plan", explode)


def test_it_checks_a_job_only_once(world):
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    ImportJob.objects.filter(pk=job.pk).update(created_count=99)
    job.validate()
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("ready", 99), "a second check neither runs nor resets the counts"


def test_it_writes_nothing_for_a_job_that_was_never_confirmed(world):
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    job.apply()
    job.refresh_from_db()
    assert job.status == "ready" and not Organization.objects.filter(name="甲党支部").exists()
    assert not Record.objects.filter(action=Action.IMPORT).exists()


def test_it_does_not_import_a_file_with_errors_even_when_asked_to_at_once(world):
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委"), org_row("乙", parent="没有")], apply_when_valid=True)
    assert job.status == "invalid" and job.error_count == 1
    assert not Organization.objects.filter(name="甲党支部").exists()
    assert job.file.name == "", "a refused sheet is not kept (it may hold personal data)"
    assert job.retry() is False and not job.can_retry


def test_a_crash_while_checking_fails_the_job_and_keeps_the_file_for_a_retry(world, monkeypatch):
    broken_check(monkeypatch)
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    assert job.status == "failed" and job.sheet_errors == ["文件无法检查，未导入任何数据。"]
    assert job.can_retry
    monkeypatch.undo()
    assert job.retry() is True
    job.refresh_from_db()
    assert (job.status, job.created_count, job.errors, job.error_count) == ("ready", 1, [], 0)
    assert not Organization.objects.filter(name="甲党支部").exists(), "a retry is checked again, never imported unasked"


def test_a_retry_never_imports_unasked_even_if_the_first_upload_did(world, monkeypatch):
    broken_check(monkeypatch)
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")], apply_when_valid=True)
    monkeypatch.undo()
    job.retry()
    job.refresh_from_db()
    assert job.status == "ready" and not job.apply_when_valid
    assert not Organization.objects.filter(name="甲党支部").exists()


def test_a_finished_job_cannot_be_retried(world):
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")], apply_when_valid=True)
    assert job.status == "done" and job.retry() is False
    assert Organization.objects.filter(name="甲党支部").count() == 1


def test_it_keeps_at_most_200_characters_of_the_uploaded_name(world):
    job = receive(world.alliance_admin, [org_row("甲党支部")], name="名" * 250 + ".xlsx")
    assert job.original_name == "名" * 200 and str(job) == job.original_name


def test_it_shows_progress_as_a_whole_percentage(world):
    job = receive(world.alliance_admin, [org_row("甲党支部")])
    assert job.percent == 0
    job.processed, job.total = 1, 3
    assert job.percent == 33
    job.total = 0
    assert job.percent == 0, "no division by zero before the rows are counted"


def test_it_names_a_retired_kind_by_its_key(world):
    job = receive(world.alliance_admin, [org_row("甲党支部")], kind="retired-kind")
    assert job.kind_label == "retired-kind" and job.importer_class is None


def test_the_retry_page_explains_a_refusal_and_hides_other_peoples_jobs(world, client_for):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    url = reverse("imports:retry", args=[job.uuid])
    assert client_for(world.outsider).post(url).status_code == 404
    response = client_for(world.org_admin).post(url, follow=True)
    assert "此导入无法重试，请重新上传文件。" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "ready"


def test_the_confirm_page_reports_a_finished_import(world, client_for):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    response = client_for(world.org_admin).post(reverse("imports:apply", args=[job.uuid]), follow=True)
    assert "导入已完成。" in [str(m) for m in response.context["messages"]]


def test_the_pages_refuse_get_for_confirm_and_retry(world, client_for):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    client = client_for(world.org_admin)
    assert client.get(reverse("imports:apply", args=[job.uuid])).status_code == 405
    assert client.get(reverse("imports:retry", args=[job.uuid])).status_code == 405
    assert not Organization.objects.filter(name="设计三组").exists()


def test_it_offers_no_template_of_an_unknown_kind(world, client_for):
    assert client_for(world.alliance_admin).get(reverse("imports:template", args=["secrets"])).status_code == 404


def test_the_api_refuses_to_retry_a_job_that_did_not_fail(world, api_for):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    response = api_for(world.org_admin).post(f"/api/v1/imports/jobs/{job.uuid}/retry/")
    assert response.status_code == 409 and response.json()["detail"] == "此导入无法重试，请重新上传文件。"
    assert api_for(world.outsider).post(f"/api/v1/imports/jobs/{job.uuid}/retry/").status_code == 404
