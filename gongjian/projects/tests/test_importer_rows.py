"""Project tasks through the shared Excel import: weights, ambiguous and archived projects, order and updates."""

import pytest
from django.core.exceptions import ValidationError

from gongjian.imports.sheets import KEEP
from gongjian.projects.importers import weight
from gongjian.projects.models import MAX_WEIGHT, Task, TaskEvent

from .factories import ProjectFactory, TaskFactory, active_project
from .test_importer import importer_for, sheet


def planned(user, rows):
    return importer_for(user).plan(sheet(rows))


def messages(plan):
    return " ".join(message for error in plan.errors for message in error["messages"])


@pytest.mark.parametrize(("value", "expected"), [(None, KEEP), ("", KEEP), ("  ", KEEP), (1, 1), ("3.0", 3), (MAX_WEIGHT, MAX_WEIGHT)])
def test_it_reads_a_weight(value, expected):
    assert weight(value) == expected


@pytest.mark.parametrize("value", [0, -1, MAX_WEIGHT + 1, "1.5", "abc", "一"])
def test_it_refuses_a_weight_outside_one_to_max_or_not_whole(value):
    with pytest.raises(ValidationError) as raised:
        weight(value)
    assert raised.value.code == "weight"


def test_it_keeps_the_weight_of_an_updated_task_when_the_cell_is_blank(world, project):
    TaskFactory(project=project, title="01号采样亭改造设计", weight=7)
    importer = importer_for(world.org_admin)
    plan = importer.plan(sheet([("采样亭改造", "01号采样亭改造设计", "新地址", "")]))
    assert plan.is_valid, plan.errors
    importer.write(plan, actor=world.org_admin)
    assert Task.objects.get(project=project).weight == 7


def test_it_refuses_a_project_title_two_of_the_users_projects_share(world, project):
    active_project(world.own_org, title="采样亭改造")
    plan = planned(world.org_admin, [("采样亭改造", "甲", "", 1)])
    assert not plan.is_valid
    assert "采样亭改造" in messages(plan)
    assert not Task.objects.exists()


def test_it_does_not_find_an_archived_project(world):
    archived = ProjectFactory(lead=world.own_org, title="已归档项目")
    archived.archive()
    plan = planned(world.org_admin, [("已归档项目", "甲", "", 1)])
    assert not plan.is_valid
    assert not Task.objects.exists()


def test_it_does_not_let_a_partner_add_tasks_to_a_project_it_does_not_lead(world, project):
    plan = planned(world.outsider, [("采样亭改造", "甲", "", 1)])
    assert not plan.is_valid
    assert not Task.objects.exists()


def test_it_appends_new_tasks_after_each_projects_last_one(world, project):
    other = active_project(world.own_org, title="党群阵地升级")
    TaskFactory(project=project, title="已有任务", order=5)
    importer = importer_for(world.org_admin)
    plan = importer.plan(
        sheet([("采样亭改造", "甲", "", 1), ("党群阵地升级", "乙", "", 1), ("采样亭改造", "丙", "", 1), ("党群阵地升级", "丁", "", 1)])
    )
    assert plan.is_valid, plan.errors
    importer.write(plan, actor=world.org_admin)
    assert list(Task.objects.filter(project=project).order_by("order").values_list("title", "order")) == [
        ("已有任务", 5),
        ("甲", 6),
        ("丙", 7),
    ]
    assert list(Task.objects.filter(project=other).order_by("order").values_list("title", "order")) == [("乙", 1), ("丁", 2)]


def test_it_updates_a_task_of_a_completed_project_but_records_no_new_history(world, project):
    existing = TaskFactory(project=project, title="01号采样亭改造设计", location="旧地址")
    project.complete()
    importer = importer_for(world.org_admin)
    plan = importer.plan(sheet([("采样亭改造", "01号采样亭改造设计", "广富林路658弄", 2)]))
    assert plan.is_valid, plan.errors
    counts = importer.write(plan, actor=world.org_admin)
    existing.refresh_from_db()
    assert counts["update"] == 1 and counts["create"] == 0
    assert (existing.location, existing.weight) == ("广富林路658弄", 2)
    assert not TaskEvent.objects.filter(task=existing, action="create").exists()


def test_it_trims_names_and_locations_so_a_padded_name_matches_the_task(world, project):
    TaskFactory(project=project, title="甲", location="旧地址")
    importer = importer_for(world.org_admin)
    plan = importer.plan(sheet([("采样亭改造", "  甲  ", "  新地址 ", "")]))
    assert plan.is_valid, plan.errors
    importer.write(plan, actor=world.org_admin)
    assert list(Task.objects.filter(project=project).values_list("title", "location")) == [("甲", "新地址")]
