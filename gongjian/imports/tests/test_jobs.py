"""Import jobs: checked, previewed, confirmed and applied, now or by the task worker."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gongjian.audit.models import Action, Record, verify_chain
from gongjian.imports import models as job_models
from gongjian.imports.models import ImportJob
from gongjian.orgs.models import Organization

from .conftest import ORG_HEADERS, org_row, upload, xlsx_bytes

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def receive(user, rows, *, headers=ORG_HEADERS, kind="organizations", apply_when_valid=False):
    return ImportJob.receive(user, kind, upload(headers, rows), apply_when_valid=apply_when_valid, ip="10.1.2.3")


def test_it_checks_a_small_file_at_once_and_stores_it_under_a_random_name(world):
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    assert job.total == 1 and not job.runs_in_background
    job.schedule_validation()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count, job.errors) == ("ready", 1, 0, [])
    assert job.original_name == "组织.xlsx"
    assert job.file.name.startswith("imports/") and "组织" not in job.file.name and job.file.name.endswith(".xlsx")
    assert not Organization.objects.filter(name="甲党支部").exists()


def test_it_records_every_bad_row_and_writes_nothing(world):
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委"), org_row("乙党支部", parent="没有这个党委")])
    job.schedule_validation()
    job.refresh_from_db()
    assert job.status == "invalid" and job.error_count == 1
    assert job.errors == [{"row": 3, "messages": ["上级组织：找不到名为“没有这个党委”的组织。"]}]
    assert job.schedule_apply() is False
    assert not Organization.objects.filter(name="甲党支部").exists()


def test_it_records_a_problem_with_the_whole_sheet(world):
    job = receive(world.alliance_admin, [], headers=["名称"])
    job.schedule_validation()
    job.refresh_from_db()
    assert job.status == "invalid" and job.sheet_errors[0].startswith("缺少必填列：类别、组织类型。")


def test_it_applies_a_confirmed_job_once_and_records_the_import(world):
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委"), org_row("乙党支部", parent="甲党支部")])
    job.schedule_validation()
    assert job.schedule_apply() is True
    job.refresh_from_db()
    assert (job.status, job.created_count, job.processed, job.total) == ("done", 2, 2, 2)
    assert Organization.objects.get(name="乙党支部").parent.name == "甲党支部"
    assert job.schedule_apply() is False  # a second click imports nothing
    assert Organization.objects.filter(name="甲党支部").count() == 1
    summary = Record.objects.filter(action=Action.IMPORT).get()
    assert summary.object_type == "imports.importjob" and summary.actor == world.alliance_admin and summary.ip == "10.1.2.3"
    assert summary.changes == {"kind": "organizations", "file": "组织.xlsx", "create": 2, "update": 0, "unchanged": 0}
    created = Record.objects.filter(action=Action.CREATE, object_type="orgs.organization").order_by("-pk")[0]
    assert created.ip == "10.1.2.3"
    assert verify_chain() is None


def test_it_checks_again_when_applying_and_writes_nothing_if_the_data_changed(world):
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    job.schedule_validation()
    Organization.objects.filter(pk=world.own_org.pk).update(name="改名后的党委")  # the parent no longer exists by that name
    assert job.schedule_apply() is True
    job.refresh_from_db()
    assert job.status == "invalid" and "找不到名为“示例学院党委”的组织" in job.errors[0]["messages"][0]
    assert not Organization.objects.filter(name="甲党支部").exists()


def test_it_imports_at_once_when_asked_to_apply_a_valid_file(world):
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")], apply_when_valid=True)
    job.schedule_validation()
    job.refresh_from_db()
    assert job.status == "done" and Organization.objects.filter(name="甲党支部").exists()


def test_it_runs_in_the_language_of_the_upload(world):
    from django.utils import translation

    with translation.override("en"):
        job = receive(world.alliance_admin, [org_row("甲党支部", parent="没有这个党委")])
    job.schedule_validation()
    job.refresh_from_db()
    assert job.language == "en" and job.errors[0]["messages"] == ["Parent organization: No organization is named “没有这个党委”."]


@override_settings(TASKS=IMMEDIATE)
def test_it_checks_and_applies_large_files_in_the_background(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(job_models, "SYNC_MAX_ROWS", 3)
    progress = []
    real_update = job_models.ImportJobQuerySet.update

    def spy(queryset, **fields):
        if "processed" in fields and "status" not in fields:
            progress.append((fields["processed"], fields["total"]))
        return real_update(queryset, **fields)

    monkeypatch.setattr(job_models.ImportJobQuerySet, "update", spy)
    monkeypatch.setattr(job_models, "PROGRESS_INTERVAL_SECONDS", 0)
    rows = [org_row(f"后台{i}党支部", parent="示例学院党委") for i in range(600)]
    job = receive(world.alliance_admin, rows)
    assert job.runs_in_background
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job.schedule_validation()
        job.refresh_from_db()
        assert job.status == "pending"  # nothing runs until the upload is committed
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created_count) == ("ready", 600, 600, 600)
    assert progress == [(250, 600), (500, 600), (600, 600)]

    with django_capture_on_commit_callbacks(execute=True):
        assert job.schedule_apply() is True
        assert job.status == "running"
    job.refresh_from_db()
    assert job.status == "done" and Organization.objects.filter(name__startswith="后台").count() == 600


def test_it_shows_jobs_only_to_their_uploader_and_alliance_admins(world):
    job = receive(world.org_admin, [org_row("甲党支部", parent="示例学院党委")])
    assert list(ImportJob.objects.visible_to(world.org_admin)) == [job]
    assert list(ImportJob.objects.visible_to(world.alliance_admin)) == [job]
    assert not ImportJob.objects.visible_to(world.outsider).exists()
    assert not ImportJob.objects.visible_to(world.member).exists()


def test_it_fails_cleanly_when_the_stored_file_is_unreadable(world):
    job = ImportJob.receive(
        world.alliance_admin, "organizations", SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken"), ip=None
    )
    job.schedule_validation()
    job.refresh_from_db()
    assert job.status == "invalid" and job.sheet_errors == ["无法作为 Excel 工作簿（.xlsx）读取此文件。"]


@pytest.mark.parametrize("kind", ["organizations", "people", "memberships"])
def test_every_template_round_trips_to_a_clear_empty_sheet_message(world, kind):
    from gongjian.imports.sheets import SheetProblem, importer_class

    importer = importer_class(kind)(world.alliance_admin)
    data = importer.template()
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[1] == "说明"
    headers = [cell.value for cell in wb.worksheets[0][1]]
    assert headers == [str(column.label) for column in importer.columns]
    notes = [row[0].value for row in wb["说明"].iter_rows(min_row=2)]
    assert str(importer.columns[0].label) in notes
    with pytest.raises(SheetProblem) as problem:
        importer.plan(io.BytesIO(data))
    assert problem.value.message == "表格中标题行下方没有数据。"


def test_the_organization_template_explains_choices_in_chinese(world):
    from openpyxl import load_workbook

    from gongjian.imports.importers import OrganizationImporter

    wb = load_workbook(io.BytesIO(OrganizationImporter(world.alliance_admin).template()))
    rules = {row[0].value: (row[1].value, row[2].value, row[3].value) for row in wb["说明"].iter_rows(min_row=2) if row[0].value}
    assert rules["类别"] == ("是", "填写以下之一：政府、学校、企业、社会组织、其他。", "企业")
    assert rules["组织类型"][1] == "填写以下之一：党委、党工委、党组、党总支、党支部、联合党支部、工作室、其他。"
    assert rules["统一社会信用代码"][2] == "91310117MA1J3R5X0K"
    # The example row itself is valid.
    example = [[rules[h][2] if h in rules else "" for h in ORG_HEADERS]]
    example[0][4] = ""  # its parent does not exist in this database
    example[0][5] = "上海市/松江区/广富林街道"
    plan = OrganizationImporter(world.alliance_admin).plan(io.BytesIO(xlsx_bytes(ORG_HEADERS, example)))
    assert plan.errors == []


def test_a_crash_while_writing_fails_the_job_writes_nothing_and_is_audited(world, monkeypatch):
    from gongjian.imports.importers import OrganizationImporter

    def explode(self, created, updated):
        raise RuntimeError("disk full")

    monkeypatch.setattr(OrganizationImporter, "after_write", explode)
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委", tags="设计")])
    job.schedule_validation()
    assert job.schedule_apply() is True
    job.refresh_from_db()
    assert job.status == "failed" and job.sheet_errors == ["导入失败，未写入任何数据。"]
    assert not Organization.objects.filter(name="甲党支部").exists()
    failure = Record.objects.filter(action=Action.IMPORT).get()
    assert failure.outcome == "failure" and failure.object_id == str(job.pk)
    assert verify_chain() is None


def test_a_conflict_with_concurrent_changes_fails_the_job_cleanly(world, monkeypatch):
    from django.db import IntegrityError

    from gongjian.imports.importers import OrganizationImporter

    def conflict(self, rows):
        raise IntegrityError("UNIQUE constraint failed: orgs_organization.parent_id, orgs_organization.name")

    monkeypatch.setattr(OrganizationImporter, "create", conflict)
    job = receive(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    job.schedule_validation()
    job.schedule_apply()
    job.refresh_from_db()
    assert job.status == "failed" and "导入期间数据发生了变化" in job.sheet_errors[0]
    assert not Organization.objects.filter(name="甲党支部").exists()


def test_a_job_of_a_kind_no_longer_registered_is_refused_clearly(world):
    job = receive(world.alliance_admin, [org_row("甲党支部")], kind="retired-kind")
    job.schedule_validation()
    job.refresh_from_db()
    assert job.status == "invalid" and job.sheet_errors == ["此类导入已不可用。"]
