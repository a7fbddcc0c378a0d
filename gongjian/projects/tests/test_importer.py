"""Project tasks through the shared Excel import: a 项目 column, matching by name within the project."""

import io

from gongjian.imports import sheets
from gongjian.projects.models import Task, TaskEvent

from .factories import TaskFactory, active_project

HEADERS = ("项目", "任务名称", "位置", "权重")


def sheet(rows, headers=HEADERS):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def importer_for(user):
    return sheets.importer_class("project_tasks")(user)


def test_it_is_registered_for_editors_only(world):
    assert sheets.importer_class("project_tasks") is not None
    assert sheets.importer_class("project_tasks") in sheets.importers_for(world.org_admin)
    assert sheets.importer_class("project_tasks") not in sheets.importers_for(world.member)


def test_it_creates_25_booths_with_history(world, project):
    importer = importer_for(world.org_admin)
    plan = importer.plan(sheet([("采样亭改造", f"{n:02d}号采样亭改造设计", f"广富林路{n}号", "") for n in range(1, 26)]))
    assert plan.is_valid, plan.errors
    counts = importer.write(plan, actor=world.org_admin)
    assert counts["create"] == 25
    tasks = list(Task.objects.filter(project=project))
    assert [t.order for t in tasks] == list(range(1, 26))
    assert {t.weight for t in tasks} == {1}
    assert TaskEvent.objects.filter(task__project=project, action="create").count() == 25


def test_it_updates_a_task_found_by_name(world, project):
    TaskFactory(project=project, title="01号采样亭改造设计", location="旧地址", weight=1)
    importer = importer_for(world.org_admin)
    plan = importer.plan(sheet([("采样亭改造", "01号采样亭改造设计", "广富林路658弄", 3)]))
    importer.write(plan, actor=world.org_admin)
    task = Task.objects.get(project=project)
    assert (task.location, task.weight) == ("广富林路658弄", 3)


def test_it_reports_rows_it_cannot_import(world, project):
    foreign = active_project(world.foreign_org, title="街道项目")
    plan = importer_for(world.org_admin).plan(
        sheet(
            [
                ("采样亭改造", "甲", "", 0),
                ("不存在的项目", "乙", "", 1),
                (foreign.title, "丙", "", 1),
                ("采样亭改造", "丁", "", 1),
                ("采样亭改造", "丁", "", 1),
            ]
        )
    )
    assert not plan.is_valid
    assert [error["row"] for error in plan.errors] == [2, 3, 4, 6]
    assert not Task.objects.exists()


def test_it_refuses_new_tasks_for_a_completed_project(world, project):
    project.complete()
    plan = importer_for(world.org_admin).plan(sheet([("采样亭改造", "甲", "", 1)]))
    assert not plan.is_valid


def test_it_offers_a_template_with_the_columns(world):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(importer_for(world.org_admin).template()))
    assert [cell.value for cell in workbook.worksheets[0][1]] == list(HEADERS)


def test_it_serves_its_template_on_the_import_page(world, client_for):
    from django.urls import reverse

    response = client_for(world.org_admin).get(reverse("imports:template", kwargs={"kind": "project_tasks"}))
    assert response.status_code == 200
