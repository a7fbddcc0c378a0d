"""What an import leaves behind: every row or none, and an audit record for each object written."""

import pytest
from django.urls import reverse

from gongjian.audit.models import Action, Record, verify_chain
from gongjian.imports.models import ImportJob
from gongjian.orgs.models import Membership, Organization, Person

from .conftest import ORG_HEADERS, org_row, upload

pytestmark = pytest.mark.django_db

START = reverse("imports:start")
PEOPLE = ["姓名", "性别", "手机号", "所属组织"]
MEMBERS = ["手机号", "所属组织", "角色", "职务"]


def last_pk() -> int:
    return Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def records_since(pk, *object_types):
    return list(Record.objects.filter(pk__gt=pk, object_type__in=object_types).order_by("pk"))


def post_sheet(client, kind, headers, rows, ip="10.20.30.40"):
    client.post(START, {"kind": kind, "file": upload(headers, rows, name="名单.xlsx")}, REMOTE_ADDR=ip)
    return ImportJob.objects.order_by("-pk").first()


def test_a_people_file_with_one_bad_row_writes_no_person_membership_or_record(world, client_for):
    client = client_for(world.org_admin)
    people, memberships, first = Person.objects.count(), Membership.objects.count(), last_pk()
    rows = [
        ["王芳", "女", "13900139060", "工业设计系教工党支部"],
        ["李明", "男", "13900139061", "示例学院党委"],
        ["赵强", "男", "12345", "示例学院党委"],
    ]
    job = post_sheet(client, "people", PEOPLE, rows)
    assert (job.status, job.error_count) == ("invalid", 1) and job.errors[0]["row"] == 4
    response = client.post(reverse("imports:apply", args=[job.uuid]), follow=True)
    assert "此次导入尚未通过检查，不能确认。" in [str(m) for m in response.context["messages"]]
    assert (Person.objects.count(), Membership.objects.count()) == (people, memberships)
    assert records_since(first, "orgs.person", "orgs.membership") == []
    assert not Record.objects.filter(pk__gt=first, action=Action.IMPORT).exists()


def test_a_dry_run_in_the_api_writes_no_organization_and_no_record_of_one(world, api_for):
    first = last_pk()
    body = (
        api_for(world.alliance_admin)
        .post(
            "/api/v1/imports/jobs/",
            {"kind": "organizations", "file": upload(ORG_HEADERS, [org_row("甲党支部", parent="示例学院党委")]), "dry_run": "true"},
            format="multipart",
        )
        .json()
    )
    assert (body["status"], body["created_count"]) == ("ready", 1)
    assert not Organization.objects.filter(name="甲党支部").exists()
    assert records_since(first, "orgs.organization") == []
    assert not Record.objects.filter(pk__gt=first, action=Action.IMPORT).exists()


def test_a_crash_while_writing_people_leaves_no_person_membership_or_their_records(world, monkeypatch):
    from gongjian.imports.importers import PersonImporter

    def explode(self, created, updated):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PersonImporter, "after_write", explode)
    first = last_pk()
    job = ImportJob.receive(world.org_admin, "people", upload(PEOPLE, [["王芳", "女", "13900139062", "示例学院党委"]]), ip="10.0.0.9")
    job.schedule_validation()
    assert job.schedule_apply() is True
    job.refresh_from_db()
    assert job.status == "failed" and job.sheet_errors == ["导入失败，未写入任何数据。"]
    assert not Person.objects.filter(name="王芳").exists()
    assert records_since(first, "orgs.person", "orgs.membership") == []
    failure = Record.objects.get(pk__gt=first, action=Action.IMPORT)
    assert (failure.outcome, failure.actor, failure.ip, failure.object_id) == ("failure", world.org_admin, "10.0.0.9", str(job.pk))
    assert job.can_retry, "the sheet is kept so the import can be tried again"
    assert verify_chain() is None


def test_an_import_through_the_pages_records_each_object_with_the_uploader_and_address(world, client_for):
    client = client_for(world.org_admin)
    first = last_pk()
    job = post_sheet(client, "people", PEOPLE, [["王芳", "女", "13900139063", "工业设计系教工党支部"]], ip="10.20.30.40")
    client.post(reverse("imports:apply", args=[job.uuid]), REMOTE_ADDR="10.99.99.99")
    person = Person.objects.get(name="王芳")
    membership = Membership.objects.get(person=person)
    # One record per object; their order within the import is not part of the promise.
    written = {r.object_type: r for r in records_since(first, "orgs.person", "orgs.membership")}
    assert len(records_since(first, "orgs.person", "orgs.membership")) == 2
    assert (written["orgs.person"].action, written["orgs.person"].object_id) == (Action.CREATE, str(person.pk))
    assert (written["orgs.membership"].action, written["orgs.membership"].object_id) == (Action.CREATE, str(membership.pk))
    # The address is the upload's: the rows came from there, whoever confirmed.
    assert {(r.actor, r.actor_name, r.ip) for r in written.values()} == {(world.org_admin, "orgadmin", "10.20.30.40")}
    assert written["orgs.person"].object_repr == "王芳" and written["orgs.person"].changes["name"] == [None, "王芳"]
    assert written["orgs.membership"].changes["organization_id"] == [None, world.own_branch.pk]
    summary = Record.objects.get(pk__gt=first, action=Action.IMPORT)
    assert (summary.object_type, summary.object_id, summary.actor, summary.ip) == (
        "imports.importjob",
        str(job.pk),
        world.org_admin,
        "10.20.30.40",
    )
    assert summary.changes == {"kind": "people", "file": "名单.xlsx", "create": 1, "update": 0, "unchanged": 0}
    assert verify_chain() is None


def test_a_membership_import_records_created_and_changed_rows_and_nothing_for_unchanged_ones(world):
    person = Person.objects.create(name="刘洋", phone="13900139064")
    changed = Membership.objects.create(person=person, organization=world.own_org, position="组织委员")
    same = Membership.objects.create(person=person, organization=world.foreign_org, position="联络员")
    rows = [
        ["13900139064", "示例学院党委", "管理员", "组织委员"],  # role changes
        ["13900139064", "广富林街道党工委", "", "联络员"],  # nothing changes
        ["13900139064", "工业设计系教工党支部", "", "宣传委员"],  # new
    ]
    first = last_pk()
    job = ImportJob.receive(world.alliance_admin, "memberships", upload(MEMBERS, rows), apply_when_valid=True)
    job.schedule_validation()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == ("done", 1, 1, 1)
    new = Membership.objects.get(person=person, organization=world.own_branch)
    written = records_since(first, "orgs.membership")
    assert sorted((r.action, r.object_id) for r in written) == sorted([(Action.CREATE, str(new.pk)), (Action.UPDATE, str(changed.pk))])
    assert next(r for r in written if r.action == Action.UPDATE).changes == {"role": ["member", "admin"]}
    assert all(r.actor == world.alliance_admin for r in written)
    assert not Record.objects.filter(pk__gt=first, object_type="orgs.membership", object_id=str(same.pk)).exists()
    changed.refresh_from_db()
    assert changed.role == "admin"


def test_importing_the_same_file_again_writes_no_record_but_the_summary(world):
    rows = [org_row("甲党支部", parent="示例学院党委", address="文翔路1号"), org_row("乙党支部", parent="甲党支部")]
    for attempt in range(2):
        first = last_pk()
        job = ImportJob.receive(world.alliance_admin, "organizations", upload(ORG_HEADERS, rows), apply_when_valid=True)
        job.schedule_validation()
        job.refresh_from_db()
        assert job.status == "done"
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert records_since(first, "orgs.organization") == []
    assert Record.objects.get(pk__gt=first, action=Action.IMPORT).changes["unchanged"] == 2
    assert Organization.objects.filter(name__in=["甲党支部", "乙党支部"]).count() == 2
