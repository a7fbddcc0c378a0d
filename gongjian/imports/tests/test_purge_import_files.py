from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from gongjian.imports.models import ImportJob

from .conftest import ORG_HEADERS, org_row, upload


def receive(world, name):
    return ImportJob.receive(world.alliance_admin, "organizations", upload(ORG_HEADERS, [org_row(name, parent="示例学院党委")]))


def test_finished_jobs_drop_their_sheet_at_once(world, django_capture_on_commit_callbacks):
    job = receive(world, "甲党支部")
    stored = job.file.path
    with django_capture_on_commit_callbacks(execute=True):
        job.schedule_validation()
    job.refresh_from_db()
    assert job.status == "ready" and job.file.name  # needed until confirmed
    with django_capture_on_commit_callbacks(execute=True):
        job.schedule_apply()
    job.refresh_from_db()
    assert job.status == "done" and job.file.name == "" and job.created_count == 1
    import os

    assert not os.path.exists(stored)


def test_it_deletes_sheets_of_abandoned_jobs_after_some_days_and_is_idempotent(world, django_capture_on_commit_callbacks):
    old, recent = receive(world, "甲党支部"), receive(world, "乙党支部")
    old.schedule_validation()
    recent.schedule_validation()
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_import_files", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.file.name == "" and old.status == "ready" and recent.file.name
    out = StringIO()
    call_command("purge_import_files", stdout=out)
    assert "Deleted 0 " in out.getvalue()
