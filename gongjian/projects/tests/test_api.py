"""The REST API: the same verbs and rules as the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.projects.models import Milestone, Outcome, Project, Task

from .conftest import PDF_BYTES, xlsx_file
from .factories import TaskFactory, active_project

PROJECTS = "/api/v1/projects/"
TASKS = "/api/v1/projects/tasks/"


def task_url(task, action=""):
    return f"{TASKS}{task.uuid}/" + (f"{action}/" if action else "")


def test_it_creates_a_project_and_drops_the_lead_from_partners(world, api_for):
    response = api_for(world.org_admin).post(
        PROJECTS,
        {
            "title": "API 项目",
            "brand": "茸城e家",
            "lead": str(world.own_org.uuid),
            "partners": [str(world.foreign_org.uuid), str(world.own_org.uuid)],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "planning" and data["progress"] == 0
    assert data["partners"] == [str(world.foreign_org.uuid)]
    assert data["partner_names"] == ["广富林街道党工委"]


def test_it_refuses_creating_a_project_for_another_organization(world, api_for):
    response = api_for(world.org_admin).post(PROJECTS, {"title": "越权", "lead": str(world.foreign_org.uuid)}, format="json")
    assert response.status_code == 403
    assert not Project.objects.filter(title="越权").exists()


def test_it_validates_like_the_form(world, api_for):
    response = api_for(world.org_admin).post(
        PROJECTS,
        {"title": "日期", "lead": str(world.own_org.uuid), "period_start": "2023-06-01", "period_end": "2023-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "period_end" in response.json()


def test_it_lets_only_alliance_admins_feature(world, api_for):
    project = active_project(world.own_org)
    api_for(world.org_admin).patch(f"{PROJECTS}{project.uuid}/", {"is_featured": True}, format="json")
    assert not Project.objects.get(pk=project.pk).is_featured
    api_for(world.alliance_admin).patch(f"{PROJECTS}{project.uuid}/", {"is_featured": True}, format="json")
    assert Project.objects.get(pk=project.pk).is_featured


def test_it_moves_a_project_and_refuses_illegal_moves(world, api_for):
    client = api_for(world.org_admin)
    project = Project.objects.create(title="状态", lead=world.own_org)
    assert client.post(f"{PROJECTS}{project.uuid}/complete/").status_code == 400
    assert client.post(f"{PROJECTS}{project.uuid}/activate/").json()["status"] == "active"
    refused = client.post(f"{PROJECTS}{project.uuid}/archive/")
    assert refused.status_code == 400 and refused.json()["non_field_errors"]
    assert client.post(f"{PROJECTS}{project.uuid}/complete/").json()["status"] == "completed"
    assert client.delete(f"{PROJECTS}{project.uuid}/").status_code == 204
    project.refresh_from_db()
    assert project.status == "archived" and project.is_archived


def test_it_reports_progress(world, project, api_for):
    tasks = TaskFactory.create_batch(3, project=project, weight=2)
    TaskFactory(project=project, weight=4)
    tasks[0].claim(world.member, team_org=world.own_branch)
    tasks[0].submit(world.member, "完成")
    tasks[0].accept(world.org_admin)
    data = api_for(world.member).get(f"{PROJECTS}{project.uuid}/progress/").json()
    assert data == {
        "progress": 20,
        "weight_total": 10,
        "weight_accepted": 2,
        "tasks": {"open": 3, "claimed": 0, "submitted": 0, "accepted": 1, "returned": 0},
    }


def test_it_lists_projects_in_a_constant_number_of_queries(world, api_for):
    client = api_for(world.org_admin)
    active_project(world.own_org, partners=[world.foreign_org])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PROJECTS).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        TaskFactory.create_batch(2, project=active_project(world.own_org, partners=[world.foreign_org], title=f"项目{n}"))
    assert count() == few


def test_it_lists_tasks_in_a_constant_number_of_queries(world, project, api_for, png):
    client = api_for(world.member)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TASKS, {"project": str(project.uuid)}).status_code == 200
        return len(queries)

    TaskFactory(project=project)
    few = count()
    for task in TaskFactory.create_batch(6, project=project):
        task.claim(world.member, team_people=[world.member.person])
        task.submit(world.member, "完成", files=[png])
        png.seek(0)
    assert count() == few


def test_it_runs_the_task_cycle(world, project, api_for, png):
    task = TaskFactory(project=project)
    member, admin = api_for(world.member), api_for(world.org_admin)

    claimed = member.post(task_url(task, "claim"), {"team_org": str(world.own_branch.uuid)}, format="json")
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    assert claimed.json()["team_org"] == {"uuid": str(world.own_branch.uuid), "name": "工业设计系教工党支部"}

    submitted = member.post(task_url(task, "submit"), {"evidence": "方案见附件", "files": [png]}, format="multipart")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and len(submitted.json()["evidence_files"]) == 1

    returned = admin.post(task_url(task, "return"), {"comment": "补充尺寸"}, format="json")
    assert returned.json()["status"] == "returned" and returned.json()["review_comment"] == "补充尺寸"
    member.post(task_url(task, "submit"), {"evidence": "第二版"}, format="json")
    accepted = admin.post(task_url(task, "accept"), {}, format="json")
    assert accepted.json()["status"] == "accepted"
    history = member.get(task_url(task, "history")).json()
    assert [e["action"] for e in history] == ["claim", "submit", "return", "submit", "accept"]


@pytest.mark.parametrize(
    ("action", "body"),
    [("submit", {"evidence": "x"}), ("accept", {}), ("return", {"comment": "x"}), ("release", {})],
)
def test_it_answers_400_to_an_illegal_transition(world, project, api_for, action, body):
    task = TaskFactory(project=project)
    response = api_for(world.org_admin).post(task_url(task, action), body, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0]
    assert Task.objects.get(pk=task.pk).status == "open"


def test_it_answers_400_when_the_last_task_is_taken(world, project, api_for):
    task = TaskFactory(project=project)
    api_for(world.member).post(task_url(task, "claim"), {"team_org": str(world.own_branch.uuid)}, format="json")
    response = api_for(world.outsider).post(task_url(task, "claim"), {"team_org": str(world.foreign_org.uuid)}, format="json")
    assert response.status_code == 400
    assert "已被" in response.json()["non_field_errors"][0] or "already" in response.json()["non_field_errors"][0]


def test_it_answers_403_to_a_reviewer_without_the_right(world, project, api_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    task.submit(world.member, "完成")
    assert api_for(world.outsider).post(task_url(task, "accept"), {}, format="json").status_code == 403
    assert api_for(world.member).post(task_url(task, "accept"), {}, format="json").status_code == 403


def test_it_requires_evidence_and_comments(world, project, api_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    assert "evidence" in api_for(world.member).post(task_url(task, "submit"), {"evidence": ""}, format="json").json()
    task.submit(world.member, "完成")
    assert "comment" in api_for(world.org_admin).post(task_url(task, "return"), {"comment": " "}, format="json").json()


def test_it_refuses_a_disguised_evidence_file(world, project, api_for, fake_png):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    response = api_for(world.member).post(task_url(task, "submit"), {"evidence": "附件", "files": [fake_png]}, format="multipart")
    assert response.status_code == 400
    assert Task.objects.get(pk=task.pk).status == "claimed"


def test_it_creates_edits_and_deletes_single_tasks(world, project, api_for):
    client = api_for(world.org_admin)
    created = client.post(TASKS, {"project": str(project.uuid), "title": "单个", "location": "广富林路1号", "weight": 3}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "open"
    uuid = created.json()["uuid"]
    assert client.patch(f"{TASKS}{uuid}/", {"weight": 5}, format="json").json()["weight"] == 5
    other = active_project(world.own_org, title="另一个")
    assert client.patch(f"{TASKS}{uuid}/", {"project": str(other.uuid)}, format="json").status_code == 400
    assert client.post(TASKS, {"project": str(project.uuid), "title": "单个"}, format="json").status_code == 400
    assert client.delete(f"{TASKS}{uuid}/").status_code == 204


def test_it_refuses_deleting_a_task_with_history(world, project, api_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    assert api_for(world.org_admin).delete(task_url(task)).status_code == 400
    assert Task.objects.filter(pk=task.pk).exists()


def bulk_url(project):
    return f"{PROJECTS}{project.uuid}/tasks/bulk/"


def test_it_creates_tasks_in_bulk_from_text(world, project, api_for):
    response = api_for(world.org_admin).post(bulk_url(project), {"text": "采样亭01\t广富林路1号\t2\n采样亭02\t广富林路2号"}, format="json")
    assert response.status_code == 201 and response.json()["created"] == 2
    assert list(Task.objects.filter(project=project).values_list("weight", flat=True)) == [2, 1]


def test_it_checks_a_bulk_list_without_writing_on_a_dry_run(world, project, api_for):
    response = api_for(world.org_admin).post(
        bulk_url(project), {"rows": [{"title": "甲"}, {"title": "乙", "weight": 3}], "dry_run": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["valid"] and response.json()["created"] == 0
    assert not Task.objects.exists()


def test_it_reports_bulk_row_errors_and_writes_nothing(world, project, api_for):
    response = api_for(world.org_admin).post(
        bulk_url(project), {"rows": [{"title": "甲"}, {"title": ""}, {"title": "丙", "weight": 999}]}, format="json"
    )
    assert response.status_code == 400
    rows = {row["number"]: row["errors"] for row in response.json()["rows"]}
    assert rows[1] == [] and rows[2] and rows[3]
    assert not Task.objects.exists()


def test_it_creates_tasks_in_bulk_from_a_spreadsheet(world, project, api_for):
    upload = xlsx_file([(f"采样亭{i:02d}", f"广富林路{i}号", 1) for i in range(1, 26)])
    response = api_for(world.org_admin).post(bulk_url(project), {"file": upload}, format="multipart")
    assert response.status_code == 201 and response.json()["created"] == 25


def test_it_wants_exactly_one_bulk_source(world, project, api_for):
    assert api_for(world.org_admin).post(bulk_url(project), {"text": "甲", "rows": [{"title": "乙"}]}, format="json").status_code == 400


def test_it_refuses_bulk_creation_to_non_editors(world, project, api_for):
    assert api_for(world.outsider).post(bulk_url(project), {"text": "甲"}, format="json").status_code == 403


def test_it_manages_milestones(world, project, api_for):
    client = api_for(world.org_admin)
    created = client.post(
        "/api/v1/projects/milestones/", {"project": str(project.uuid), "title": "中期", "due": "2023-05-01"}, format="json"
    )
    assert created.status_code == 201
    uuid = created.json()["uuid"]
    assert client.post(f"/api/v1/projects/milestones/{uuid}/done/").json()["done_at"]
    assert client.post(f"/api/v1/projects/milestones/{uuid}/reopen/").json()["done_at"] is None
    assert api_for(world.outsider).post(f"/api/v1/projects/milestones/{uuid}/done/").status_code == 403
    assert client.delete(f"/api/v1/projects/milestones/{uuid}/").status_code == 204
    assert not Milestone.objects.exists()


def test_it_uploads_outcomes_checked_by_content(world, project, api_for, png, fake_png):
    client = api_for(world.org_admin)
    url = "/api/v1/projects/outcomes/"
    photo = client.post(url, {"project": str(project.uuid), "kind": "photo", "title": "改造后", "file": png}, format="multipart")
    assert photo.status_code == 201, photo.content
    assert photo.json()["content_type"] == "image/png" and photo.json()["file_url"]
    refused = client.post(url, {"project": str(project.uuid), "kind": "photo", "title": "伪装", "file": fake_png}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()
    text = client.post(
        url, {"project": str(project.uuid), "kind": "text", "title": "总结", "text": "<p onclick='x()'>好</p>"}, format="json"
    )
    assert text.json()["text"] == "<p>好</p>"
    assert Outcome.objects.count() == 2


def test_it_refuses_a_pdf_as_a_photo(world, project, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.pdf", PDF_BYTES)
    response = api_for(world.org_admin).post(
        "/api/v1/projects/outcomes/", {"project": str(project.uuid), "kind": "photo", "title": "PDF", "file": upload}, format="multipart"
    )
    assert response.status_code == 400


def test_it_publishes_the_endpoints_in_the_schema(world, api_for):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{uuid}/activate/",
        "/api/v1/projects/{uuid}/progress/",
        "/api/v1/projects/{uuid}/tasks/bulk/",
        "/api/v1/projects/tasks/{uuid}/claim/",
        "/api/v1/projects/tasks/{uuid}/submit/",
        "/api/v1/projects/tasks/{uuid}/accept/",
        "/api/v1/projects/tasks/{uuid}/return/",
        "/api/v1/projects/milestones/",
        "/api/v1/projects/outcomes/",
    ):
        assert path in paths, path


def test_it_removes_an_outcome_and_its_file(world, project, api_for, png):
    outcome = Outcome.objects.create(project=project, kind="photo", title="照片", file=png)
    storage, name = outcome.file.storage, outcome.file.name
    assert storage.exists(name)
    assert api_for(world.org_admin).delete(f"/api/v1/projects/outcomes/{outcome.uuid}/").status_code == 204
    assert not storage.exists(name) and not Outcome.objects.exists()
