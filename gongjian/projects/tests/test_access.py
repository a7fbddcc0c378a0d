"""Objects outside the user's scope answer 404 by UUID (IDOR), through pages and the API alike."""

import pytest
from django.urls import reverse

from gongjian.projects.models import Milestone, Outcome, Task, TaskEvidence

from .factories import TaskFactory, active_project


@pytest.fixture
def foreign(world, png):
    """A project of the street alone, with a submitted task, its evidence, a milestone and an outcome."""
    project = active_project(world.foreign_org, title="街道内部项目")
    task = TaskFactory(project=project)
    task.claim(world.outsider, team_org=world.foreign_org)
    task.submit(world.outsider, "完成", files=[png])
    png.seek(0)
    return {
        "project": project,
        "task": task,
        "evidence": TaskEvidence.objects.get(task=task),
        "milestone": Milestone.objects.create(project=project, title="街道里程碑"),
        "outcome": Outcome.objects.create(project=project, kind="photo", title="街道照片", file=png),
    }


PAGES = [
    ("projects:task_detail", "task", "get"),
    ("projects:task_edit", "task", "get"),
    ("projects:task_delete", "task", "post"),
    ("projects:evidence_file", "evidence", "get"),
    ("projects:milestone_edit", "milestone", "get"),
    ("projects:milestone_toggle", "milestone", "post"),
    ("projects:milestone_delete", "milestone", "post"),
    ("projects:outcome_edit", "outcome", "get"),
    ("projects:outcome_delete", "outcome", "post"),
    ("projects:outcome_file", "outcome", "get"),
]


@pytest.mark.parametrize(("name", "key", "method"), PAGES, ids=[name for name, _, _ in PAGES])
def test_it_hides_other_organizations_objects_from_pages(world, foreign, client_for, name, key, method):
    client = client_for(world.org_admin)
    response = getattr(client, method)(reverse(name, kwargs={"uuid": foreign[key].uuid}))
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["claim", "submit", "accept", "return", "release"])
def test_it_hides_other_organizations_tasks_from_actions(world, foreign, client_for, action):
    response = client_for(world.member).post(reverse("projects:task_action", kwargs={"uuid": foreign["task"].uuid, "action": action}))
    assert response.status_code == 404
    assert Task.objects.get(pk=foreign["task"].pk).status == "submitted"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/projects/tasks/{task}/"),
        ("patch", "/api/v1/projects/tasks/{task}/"),
        ("delete", "/api/v1/projects/tasks/{task}/"),
        ("post", "/api/v1/projects/tasks/{task}/accept/"),
        ("post", "/api/v1/projects/tasks/{task}/claim/"),
        ("get", "/api/v1/projects/tasks/{task}/history/"),
        ("get", "/api/v1/projects/milestones/{milestone}/"),
        ("post", "/api/v1/projects/milestones/{milestone}/done/"),
        ("get", "/api/v1/projects/outcomes/{outcome}/"),
        ("delete", "/api/v1/projects/outcomes/{outcome}/"),
        ("post", "/api/v1/projects/{project}/tasks/bulk/"),
        ("post", "/api/v1/projects/{project}/complete/"),
    ],
)
def test_it_hides_other_organizations_objects_from_the_api(world, foreign, api_for, method, path):
    url = path.format(**{key: obj.uuid for key, obj in foreign.items()})
    response = getattr(api_for(world.org_admin), method)(url, {}, format="json")
    assert response.status_code == 404


def test_it_lists_only_visible_tasks_milestones_and_outcomes(world, foreign, project, api_for):
    TaskFactory(project=project, title="学院任务")
    Milestone.objects.create(project=project, title="学院里程碑")
    client = api_for(world.member)
    assert [t["title"] for t in client.get("/api/v1/projects/tasks/").json()["results"]] == ["学院任务"]
    assert [m["title"] for m in client.get("/api/v1/projects/milestones/").json()["results"]] == ["学院里程碑"]
    assert client.get("/api/v1/projects/outcomes/").json()["results"] == []


def test_it_refuses_linking_a_part_to_an_invisible_project(world, foreign, api_for):
    response = api_for(world.org_admin).post(
        "/api/v1/projects/milestones/", {"project": str(foreign["project"].uuid), "title": "越权"}, format="json"
    )
    assert response.status_code == 400 and "project" in response.json()
    assert not Milestone.objects.filter(title="越权").exists()


def test_it_serves_evidence_to_the_projects_people_only(world, foreign, client_for):
    url = reverse("projects:evidence_file", kwargs={"uuid": foreign["evidence"].uuid})
    assert client_for(world.outsider).get(url).status_code == 200
    assert client_for(world.alliance_admin).get(url).status_code == 200
    assert client_for(world.member).get(url).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(foreign, client):
    for url in (
        reverse("projects:list"),
        reverse("projects:task_board"),
        reverse("projects:board", kwargs={"uuid": foreign["project"].uuid}),
        reverse("projects:evidence_file", kwargs={"uuid": foreign["evidence"].uuid}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
