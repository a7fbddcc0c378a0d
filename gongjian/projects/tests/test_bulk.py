"""Bulk task creation from a pasted list or a spreadsheet: preview, per-row errors, all or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongjian.projects import bulk
from gongjian.projects.models import Task, TaskEvent

from .conftest import xlsx_file
from .factories import TaskFactory


def booths(n=25):
    return [(f"采样亭{i:02d}改造设计", f"广富林路{100 + i}号", 1) for i in range(1, n + 1)]


def test_it_reads_a_pasted_list_with_optional_columns():
    batch = bulk.parse_text("采样亭01\t广富林路1号\t2\n采样亭02\t广富林路2号\n\n采样亭03\n")
    assert batch.is_valid
    assert [(r.title, r.location, r.weight) for r in batch.rows] == [
        ("采样亭01", "广富林路1号", 2),
        ("采样亭02", "广富林路2号", 1),
        ("采样亭03", "", 1),
    ]


def test_it_skips_a_header_line_copied_from_a_sheet():
    batch = bulk.parse_text("任务名称\t位置\t权重\n采样亭01\t广富林路1号\t1")
    assert [r.title for r in batch.rows] == ["采样亭01"]


def test_it_reports_every_bad_row_with_its_line_number():
    batch = bulk.parse_text("采样亭01\t路1号\t0\n\t路2号\n采样亭01\n采样亭04\t路4号\tabc\n" + "长" * 121)
    assert not batch.is_valid
    errors = {row.number: row.errors for row in batch.rows}
    assert "1" in errors[1][0] and "100" in errors[1][0]  # weight out of range
    assert errors[2]  # missing title
    assert errors[3]  # duplicate of row 1
    assert errors[4]  # weight not a number
    assert errors[5]  # title too long
    assert batch.error_count == 5


def test_it_refuses_an_empty_list():
    batch = bulk.parse_text("  \n\n")
    assert not batch.is_valid and batch.errors


def test_it_reads_a_spreadsheet_in_any_column_order():
    upload = xlsx_file([(2, "广富林路1号", "采样亭01"), (None, "广富林路2号", "采样亭02")], headers=("权重", "位置", "任务名称"))
    batch = bulk.parse_sheet(upload)
    assert batch.is_valid
    assert [(r.number, r.title, r.location, r.weight) for r in batch.rows] == [
        (2, "采样亭01", "广富林路1号", 2),
        (3, "采样亭02", "广富林路2号", 1),
    ]


def test_it_names_a_missing_title_column():
    batch = bulk.parse_sheet(xlsx_file([("广富林路1号",)], headers=("位置",)))
    assert not batch.is_valid and "任务名称" in batch.errors[0]


def test_it_refuses_a_file_that_is_not_a_spreadsheet():
    from django.core.files.uploadedfile import SimpleUploadedFile

    batch = bulk.parse_sheet(SimpleUploadedFile("tasks.xlsx", b"not a zip"))
    assert not batch.is_valid and batch.errors


def test_it_refuses_more_than_the_row_limit(monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS", 3)
    batch = bulk.parse_text("\n".join(f"任务{i}" for i in range(5)))
    assert not batch.is_valid and len(batch.rows) == 3


def test_it_creates_every_row_in_order_with_history(world, project):
    TaskFactory(project=project, title="已有任务", order=7)
    tasks = bulk.create_tasks(project, bulk.parse_text("\n".join(f"{t}\t{loc}\t{w}" for t, loc, w in booths(3))), world.org_admin)
    assert [t.order for t in tasks] == [8, 9, 10]
    assert Task.objects.filter(project=project).count() == 4
    assert TaskEvent.objects.filter(task__in=tasks, action="create", actor=world.org_admin).count() == 3


def test_it_creates_nothing_when_a_row_clashes_with_an_existing_task(world, project):
    TaskFactory(project=project, title="采样亭02改造设计")
    batch = bulk.parse_text("采样亭01改造设计\n采样亭02改造设计\n采样亭03改造设计")
    with pytest.raises(ValidationError):
        bulk.create_tasks(project, batch, world.org_admin)
    assert Task.objects.filter(project=project).count() == 1
    assert batch.rows[1].errors and not batch.rows[0].errors


def test_it_rolls_back_everything_if_a_write_fails(world, project, monkeypatch):
    batch = bulk.parse_text("甲\n乙\n丙")
    original = Task.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.title)
        if self.title == "丙":
            from django.db import IntegrityError

            raise IntegrityError("simulated clash")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Task, "save", failing_save)
    with pytest.raises(ValidationError):
        bulk.create_tasks(project, batch, world.org_admin)
    assert calls == ["甲", "乙", "丙"]
    assert not Task.objects.filter(project=project).exists()


def test_it_refuses_tasks_for_a_closed_project(world, project):
    project.complete()
    with pytest.raises(ValidationError):
        bulk.create_tasks(project, bulk.parse_text("甲"), world.org_admin)


def test_it_refuses_a_forged_or_foreign_token(world, project, stranger_org):
    from .factories import active_project

    token = bulk.sign_rows(project, world.org_admin, bulk.parse_text("甲"))
    assert bulk.unsign_rows(project, world.org_admin, token).is_valid
    assert bulk.unsign_rows(project, world.alliance_admin, token).errors  # another user
    assert bulk.unsign_rows(active_project(stranger_org), world.org_admin, token).errors  # another project
    assert bulk.unsign_rows(project, world.org_admin, token[:-2] + "xx").errors


# --- the page: preview, then confirm -------------------------------------------


def test_it_previews_a_spreadsheet_then_creates_25_booths(world, project, client_for):
    client = client_for(world.org_admin)
    url = reverse("projects:task_import", kwargs={"uuid": project.uuid})
    preview = client.post(url, {"file": xlsx_file(booths())})
    assert preview.status_code == 200
    assert not Task.objects.filter(project=project).exists()  # a preview writes nothing
    assert preview.context["batch"].is_valid and len(preview.context["batch"].rows) == 25
    token = preview.context["token"]

    done = client.post(url, {"token": token})
    assert done.status_code == 302 and done["Location"] == reverse("projects:board", kwargs={"uuid": project.uuid})
    assert list(Task.objects.filter(project=project).values_list("location", flat=True))[:2] == ["广富林路101号", "广富林路102号"]
    assert Task.objects.filter(project=project).count() == 25


def test_it_shows_row_errors_and_offers_no_confirmation(world, project, client_for):
    client = client_for(world.org_admin)
    url = reverse("projects:task_import", kwargs={"uuid": project.uuid})
    rows = booths(3) + [("", "广富林路9号", 1), ("采样亭01改造设计", "重复", 1)]
    response = client.post(url, {"file": xlsx_file(rows)})
    assert "token" not in response.context
    content = response.content.decode()
    assert 'data-row="5"' in content and "table-danger" in content
    assert not Task.objects.exists()


def test_it_previews_a_pasted_list(world, project, client_for):
    client = client_for(world.org_admin)
    url = reverse("projects:task_import", kwargs={"uuid": project.uuid})
    response = client.post(url, {"text": "采样亭01\t广富林路1号\n采样亭02\t广富林路2号"})
    assert response.context["batch"].is_valid
    client.post(url, {"token": response.context["token"]})
    assert Task.objects.filter(project=project).count() == 2


def test_it_needs_a_list_or_a_file(world, project, client_for):
    response = client_for(world.org_admin).post(reverse("projects:task_import", kwargs={"uuid": project.uuid}), {"text": ""})
    assert "batch" not in response.context and response.context["form"].errors


@pytest.mark.parametrize(("user", "status"), [("member", 403), ("outsider", 403), ("alliance_admin", 200), ("org_admin", 200)])
def test_it_lets_only_editors_import(world, project, client_for, user, status):
    response = client_for(getattr(world, user)).get(reverse("projects:task_import", kwargs={"uuid": project.uuid}))
    assert response.status_code == status


def test_it_offers_a_template(world, client_for):
    import io

    from openpyxl import load_workbook

    response = client_for(world.member).get(reverse("projects:task_import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["任务名称", "位置", "权重"]
