"""Whose import job is whose: a job belongs to its uploader, and every other way in answers 404 or 403."""

import pytest
from django.urls import reverse

from gongjian.imports.models import ImportJob
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Membership, Organization

from .conftest import ORG_HEADERS, org_row, upload

pytestmark = pytest.mark.django_db

JOBS = "/api/v1/imports/jobs/"


def checked(user, rows):
    job = ImportJob.receive(user, "organizations", upload(ORG_HEADERS, rows))
    job.schedule_validation()
    job.refresh_from_db()
    return job


@pytest.fixture
def colleague(world):
    """A second admin of the uploader's own organization."""
    return make_member("colleague", "学院另一管理员", world.own_org, role=Membership.Role.ADMIN)


def test_a_colleague_administering_the_same_organization_cannot_reach_the_job_in_the_pages(world, client_for, colleague):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委"), org_row("街道支部", parent="没有")])
    client = client_for(colleague)
    url = job.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(url, {"export": "xlsx"}).status_code == 404, "the error workbook quotes the uploaded rows"
    assert client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-progress").status_code == 404
    assert client.get(url, {"page": 1}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table").status_code == 404
    assert client.post(reverse("imports:apply", args=[job.uuid])).status_code == 404
    assert client.post(reverse("imports:retry", args=[job.uuid])).status_code == 404
    assert job not in client.get(reverse("imports:start")).context["jobs"]


def test_a_colleague_administering_the_same_organization_cannot_reach_the_job_in_the_api(world, api_for, colleague):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    api = api_for(colleague)
    assert api.get(f"{JOBS}{job.uuid}/").status_code == 404
    assert api.post(f"{JOBS}{job.uuid}/apply/").status_code == 404
    assert api.post(f"{JOBS}{job.uuid}/retry/").status_code == 404
    assert api.get(JOBS).json()["count"] == 0
    job.refresh_from_db()
    assert job.status == "ready" and not Organization.objects.filter(name="设计三组").exists()


def test_an_org_admin_cannot_reach_an_alliance_admins_job(world, client_for, api_for):
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="广富林街道党工委")])
    assert client_for(world.org_admin).get(job.get_absolute_url()).status_code == 404
    assert api_for(world.org_admin).post(f"{JOBS}{job.uuid}/apply/").status_code == 404
    assert not Organization.objects.filter(name="甲党支部").exists()


def test_the_api_answers_the_job_that_the_page_shows(world, client_for, api_for):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委"), org_row("街道支部", parent="没有")])
    body = api_for(world.org_admin).get(f"{JOBS}{job.uuid}/").json()
    page = client_for(world.org_admin).get(job.get_absolute_url())
    assert (body["status"], body["status_display"], body["error_count"]) == ("invalid", "有错误", 1)
    assert body["errors"] == page.context["job"].errors == [{"row": 3, "messages": ["上级组织：找不到名为“没有”的组织。"]}]
    assert "第 3 行" in page.content.decode()


def test_anonymous_visitors_reach_no_job(world, client):
    from rest_framework.test import APIClient

    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    response = client.get(job.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("imports:apply", args=[job.uuid])).status_code == 302
    assert APIClient().get(f"{JOBS}{job.uuid}/").status_code in (401, 403)
    assert APIClient().post(f"{JOBS}{job.uuid}/apply/").status_code in (401, 403)
    job.refresh_from_db()
    assert job.status == "ready"


def test_a_member_cannot_upload_through_the_page(world, client_for):
    response = client_for(world.member).post(
        reverse("imports:start"), {"kind": "organizations", "file": upload(ORG_HEADERS, [org_row("甲党支部")])}
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_an_uploader_who_lost_their_admin_role_imports_nothing_on_confirming(world, client_for):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    assert job.status == "ready"
    Membership.objects.filter(person=world.org_admin.person, organization=world.own_org).update(role=Membership.Role.MEMBER)
    client_for(world.org_admin).post(reverse("imports:apply", args=[job.uuid]))
    job.refresh_from_db()
    assert job.status == "invalid"
    assert job.errors == [{"row": 2, "messages": ["上级组织：只能在您管理的组织之下设立组织。"]}]
    assert not Organization.objects.filter(name="设计三组").exists()


def test_an_alliance_admin_confirming_an_org_admins_job_imports_with_the_uploaders_rights(world, client_for):
    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    # Between the preview and the confirmation the row moves out of the uploader's reach.
    Organization.objects.filter(pk=world.own_org.pk).update(name="改名后的党委")
    Organization.objects.create(name="示例学院党委", sector="government", kind="committee", parent=world.foreign_org)
    client_for(world.alliance_admin).post(reverse("imports:apply", args=[job.uuid]))
    job.refresh_from_db()
    assert job.status == "invalid" and job.errors[0]["messages"] == ["上级组织：只能在您管理的组织之下设立组织。"]
    assert not Organization.objects.filter(name="设计三组").exists()


def test_the_api_names_a_missing_file_or_kind_and_keeps_no_job(world, api_for):
    api = api_for(world.alliance_admin)
    no_file = api.post(JOBS, {"kind": "organizations"}, format="multipart")
    no_kind = api.post(JOBS, {"file": upload(ORG_HEADERS, [org_row("甲党支部")])}, format="multipart")
    assert (no_file.status_code, list(no_file.json())) == (400, ["file"])
    assert (no_kind.status_code, list(no_kind.json())) == (400, ["kind"])
    assert not ImportJob.objects.exists()


def test_the_trail_names_who_confirmed_an_import_as_well_as_who_uploaded_it(world, client_for, api_for):
    from gongjian.audit.models import Record, verify_chain

    by_page = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    client_for(world.alliance_admin).post(reverse("imports:apply", args=[by_page.uuid]))
    by_api = checked(world.org_admin, [org_row("设计四组", parent="示例学院党委")])
    assert api_for(world.org_admin).post(f"{JOBS}{by_api.uuid}/apply/").status_code in (200, 202)

    for job, confirmer in ((by_page, world.alliance_admin), (by_api, world.org_admin)):
        confirmed = Record.objects.get(object_type="imports.importjob", object_id=str(job.pk), action="update")
        assert (confirmed.actor, confirmed.changes) == (confirmer, {"status": ["ready", "running"]})
        imported = Record.objects.get(object_type="imports.importjob", object_id=str(job.pk), action="import")
        assert imported.actor == world.org_admin  # the rows were written with the uploader's rights
        assert confirmed.pk < imported.pk
    assert verify_chain() is None


def test_a_second_confirmation_records_nothing(world, client_for):
    from gongjian.audit.models import Record

    job = checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    client = client_for(world.org_admin)
    client.post(reverse("imports:apply", args=[job.uuid]))
    client.post(reverse("imports:apply", args=[job.uuid]))
    assert Record.objects.filter(object_type="imports.importjob", object_id=str(job.pk), action="update").count() == 1
