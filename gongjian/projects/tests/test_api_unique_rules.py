"""A duplicate task title answers through the API as on the form: on the title, with the model's message.

DRF's UniqueTogetherValidator ran before Task.clean() and answered under non_field_errors with
"字段 project, title 必须能构成唯一集合。".
"""

from django.urls import reverse

from gongjian.projects.models import Task

from .factories import TaskFactory, active_project

TASKS = "/api/v1/projects/tasks/"


def test_it_refuses_a_duplicate_title_on_the_title_field_on_the_form_and_the_api(world, project, api_for, client_for):
    TaskFactory(project=project, title="采样亭01改造设计")
    api = api_for(world.org_admin).post(TASKS, {"project": str(project.uuid), "title": "采样亭01改造设计"}, format="json")
    assert api.status_code == 400 and api.json() == {"title": ["该项目已有同名任务。"]}
    page = client_for(world.org_admin).post(
        reverse("projects:task_create", kwargs={"project": project.uuid}), {"title": "采样亭01改造设计", "weight": 1, "order": 1}
    )
    assert page.context["form"].errors == {"title": ["该项目已有同名任务。"]}
    assert Task.objects.filter(project=project).count() == 1


def test_it_refuses_renaming_a_task_to_a_siblings_title(world, project, api_for):
    TaskFactory(project=project, title="采样亭01改造设计")
    task = TaskFactory(project=project, title="采样亭02改造设计")
    response = api_for(world.org_admin).patch(f"{TASKS}{task.uuid}/", {"title": " 采样亭01改造设计 "}, format="json")
    assert response.status_code == 400 and response.json() == {"title": ["该项目已有同名任务。"]}
    assert Task.objects.get(pk=task.pk).title == "采样亭02改造设计"


def test_it_allows_the_same_title_in_another_project(world, project, api_for):
    TaskFactory(project=project, title="采样亭01改造设计")
    other = active_project(world.own_org, title="另一个项目")
    response = api_for(world.org_admin).post(TASKS, {"project": str(other.uuid), "title": "采样亭01改造设计"}, format="json")
    assert response.status_code == 201
