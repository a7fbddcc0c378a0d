"""Steps entered after the fact (补录): starting and completing a project, claiming, submitting and accepting tasks.

Rule: never in the future; a project's steps follow each other; task steps come after the
project started and after the task's previous step (accepted ≥ submitted ≥ claimed); the
project completes after its tasks' last step. The stamps and events hold the effective date;
the events' recorded_at and the audit records hold the real time.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.audit.models import Record
from gongjian.projects.choices import ProjectStatus, TaskStatus
from gongjian.projects.models import Project, ProjectEvent, Task, TaskEvent

from .factories import ProjectFactory, TaskFactory

PROJECTS = "/api/v1/projects/"
TASKS = "/api/v1/projects/tasks/"
FUTURE = "生效日期不能晚于现在。"
D = datetime.date


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def today():
    return timezone.localdate()


@pytest.fixture
def old_project(world):
    """A 2023 project entered today: started on 2023-03-01."""
    project = ProjectFactory(lead=world.own_org, title="往年项目：采样亭改造")
    project.partners.set([world.foreign_org])
    project.activate(world.org_admin, effective_at=D(2023, 3, 1))
    return project


@pytest.fixture
def old_task(old_project):
    # Created today, in bulk, for work done in 2023.
    return TaskFactory(project=old_project, title="采样亭01改造设计")


def work(task, world, claimed=D(2023, 3, 5), submitted=D(2023, 3, 20), accepted=D(2023, 3, 25)):
    task.claim(world.member, team_org=world.own_branch, effective_at=claimed)
    task.submit(world.member, "设计方案已完成", effective_at=submitted)
    task.accept(world.org_admin, "通过", effective_at=accepted)
    task.refresh_from_db()
    return task


# --- Projects --------------------------------------------------------------------------------


def test_it_starts_and_completes_now_by_default(world):
    project = ProjectFactory(lead=world.own_org)
    before = timezone.now()
    project.activate(world.org_admin)
    project.complete(world.org_admin)
    for event in ProjectEvent.objects.filter(project=project):
        assert before <= event.created_at <= timezone.now() and before <= event.recorded_at <= timezone.now()


def test_it_dates_the_start_and_the_completion_and_audits_both_times(world, old_task):
    project = old_task.project
    work(old_task, world)
    project.complete(world.org_admin, effective_at=D(2023, 6, 30))
    started, completed = ProjectEvent.objects.filter(project=project).order_by("created_at")
    assert (started.to_status, started.created_at) == (ProjectStatus.ACTIVE, at(2023, 3, 1))
    assert (completed.to_status, completed.created_at) == (ProjectStatus.COMPLETED, at(2023, 6, 30))
    assert {timezone.localdate(e.recorded_at) for e in (started, completed)} == {today()}
    audit = Record.objects.filter(object_type="projects.project", object_id=str(project.pk), changes__status=["active", "completed"]).get()
    assert audit.changes["effective_at"] == [None, at(2023, 6, 30).isoformat()] and timezone.localdate(audit.created_at) == today()


def test_it_refuses_a_future_start_or_completion(world, old_project):
    project = ProjectFactory(lead=world.own_org)
    for verb, target in (("activate", project), ("complete", old_project)):
        with pytest.raises(ValidationError) as error:
            getattr(target, verb)(world.org_admin, effective_at=tomorrow())
        assert error.value.message_dict == {"effective_at": [FUTURE]}
    assert (Project.objects.get(pk=project.pk).status, Project.objects.get(pk=old_project.pk).status) == ("planning", "active")


def test_it_refuses_completing_before_the_start_or_the_tasks_last_step(world, old_task):
    project = old_task.project
    with pytest.raises(ValidationError) as error:
        project.complete(world.org_admin, effective_at=D(2023, 2, 1))
    assert error.value.message_dict == {"effective_at": ["这一步的日期不能早于项目的上一步（2023-03-01 00:00）。"]}
    work(old_task, world)
    with pytest.raises(ValidationError) as error:
        project.complete(world.org_admin, effective_at=D(2023, 3, 24))
    assert error.value.message_dict == {"effective_at": ["项目完成日期不能早于其任务的最后一步（2023-03-25 00:00）。"]}
    assert Project.objects.get(pk=project.pk).status == "active"


def test_it_starts_the_needs_it_came_from_on_the_projects_day(world, design):
    from gongjian.exchange.models import Need, NeedEvent

    need = Need.objects.create(organization=world.foreign_org, title="采样亭改造需求", category=design)
    need.publish(world.outsider, effective_at=D(2023, 2, 1))
    need.claim(world.own_org, by=world.org_admin, effective_at=D(2023, 2, 10)).accept(world.outsider, effective_at=D(2023, 2, 15))
    project = Project.objects.get(needs=need)
    project.activate(world.org_admin, effective_at=D(2023, 3, 1))
    assert NeedEvent.objects.get(need=need, to_status="in_progress").created_at == at(2023, 3, 1)


# --- Tasks -----------------------------------------------------------------------------------


def test_it_stamps_task_steps_now_by_default(world, old_task):
    before = timezone.now()
    old_task.claim(world.member, team_org=world.own_branch)
    old_task.submit(world.member, "方案")
    old_task.accept(world.org_admin)
    old_task.refresh_from_db()
    for stamp in (old_task.claimed_at, old_task.submitted_at, old_task.reviewed_at):
        assert before <= stamp <= timezone.now()


def test_it_stores_past_task_steps_in_the_stamps_and_the_history(world, old_task):
    work(old_task, world)
    assert (old_task.claimed_at, old_task.submitted_at, old_task.reviewed_at) == (at(2023, 3, 5), at(2023, 3, 20), at(2023, 3, 25))
    events = TaskEvent.objects.filter(task=old_task).exclude(action="create")
    assert [(e.action, e.created_at) for e in events] == [("claim", at(2023, 3, 5)), ("submit", at(2023, 3, 20)), ("accept", at(2023, 3, 25))]
    assert {timezone.localdate(e.recorded_at) for e in events} == {today()}
    audit = Record.objects.filter(object_type="projects.task", object_id=str(old_task.pk), changes__status=["submitted", "accepted"]).get()
    assert audit.changes["reviewed_at"] == [None, str(at(2023, 3, 25))]
    assert audit.changes["effective_at"] == [None, at(2023, 3, 25).isoformat()] and timezone.localdate(audit.created_at) == today()


def test_it_keeps_steps_of_one_day_in_order(world, old_task):
    old_task.claim(world.member, team_org=world.own_branch, effective_at=at(2023, 3, 5, 15))
    old_task.submit(world.member, "方案", effective_at=D(2023, 3, 5))
    old_task.refresh_from_db()
    assert old_task.submitted_at == at(2023, 3, 5, 15)


@pytest.mark.parametrize("verb", ["claim", "submit", "accept"])
def test_it_refuses_a_future_task_step(world, old_task, verb):
    steps = {
        "claim": lambda **kw: old_task.claim(world.member, team_org=world.own_branch, **kw),
        "submit": lambda **kw: old_task.submit(world.member, "方案", **kw),
        "accept": lambda **kw: old_task.accept(world.org_admin, **kw),
    }
    for earlier in list(steps)[: list(steps).index(verb)]:
        steps[earlier](effective_at=D(2023, 3, 5))
    status = Task.objects.get(pk=old_task.pk).status
    with pytest.raises(ValidationError) as error:
        steps[verb](effective_at=tomorrow())
    assert error.value.message_dict == {"effective_at": [FUTURE]}
    assert Task.objects.get(pk=old_task.pk).status == status


def test_it_refuses_a_claim_before_the_project_started(world, old_task):
    with pytest.raises(ValidationError) as error:
        old_task.claim(world.member, team_org=world.own_branch, effective_at=D(2023, 2, 28))
    assert error.value.message_dict == {"effective_at": ["任务的日期不能早于项目启动时间（2023-03-01 00:00）。"]}
    assert Task.objects.get(pk=old_task.pk).status == TaskStatus.OPEN


@pytest.mark.parametrize(("verb", "day", "floor"), [("submit", D(2023, 3, 4), "2023-03-05 00:00"), ("accept", D(2023, 3, 19), "2023-03-20 00:00")])
def test_it_keeps_task_steps_in_order(world, old_task, verb, day, floor):
    old_task.claim(world.member, team_org=world.own_branch, effective_at=D(2023, 3, 5))
    if verb == "accept":
        old_task.submit(world.member, "方案", effective_at=D(2023, 3, 20))
    status = Task.objects.get(pk=old_task.pk).status
    with pytest.raises(ValidationError) as error:
        if verb == "submit":
            old_task.submit(world.member, "方案", effective_at=day)
        else:
            old_task.accept(world.org_admin, effective_at=day)
    assert error.value.message_dict == {"effective_at": [f"这一步的日期不能早于任务的上一步（{floor}）。"]}
    assert Task.objects.get(pk=old_task.pk).status == status


def test_it_refuses_back_dating_before_a_return(world, old_task):
    """Returned today: the work that follows it cannot be dated before that."""
    old_task.claim(world.member, team_org=world.own_branch, effective_at=D(2023, 3, 5))
    old_task.submit(world.member, "方案", effective_at=D(2023, 3, 20))
    old_task.return_(world.org_admin, "请补充效果图")
    with pytest.raises(ValidationError):
        old_task.submit(world.member, "第二版", effective_at=D(2023, 3, 22))
    old_task.submit(world.member, "第二版")
    assert Task.objects.get(pk=old_task.pk).status == TaskStatus.SUBMITTED


# --- The pages -------------------------------------------------------------------------------


def post_action(client, task, action, data):
    url = reverse("projects:task_action", kwargs={"uuid": task.uuid, "action": action})
    return client.post(url, {"next": reverse("projects:task_detail", kwargs={"uuid": task.uuid}), **data}, follow=True)


def test_it_offers_the_date_on_the_board_and_the_project(world, client_for, old_task):
    project = ProjectFactory(lead=world.own_org, title="筹备中的项目")
    page = client_for(world.org_admin).get(project.get_absolute_url()).content.decode()
    assert 'name="effective_at"' in page and f'max="{today().isoformat()}"' in page and "生效日期（补录时填写，默认今天）" in page
    board = client_for(world.member).get(reverse("projects:board", kwargs={"uuid": old_task.project.uuid})).content.decode()
    assert f'id="effective-claim-{old_task.uuid}"' in board and "补录：选择实际日期" in board


def test_it_works_a_task_on_past_days_through_the_pages(world, client_for, old_task):
    member, admin = client_for(world.member), client_for(world.org_admin)
    post_action(member, old_task, "claim", {"team": f"org:{world.own_branch.uuid}", "effective_at": "2023-03-05"})
    post_action(member, old_task, "submit", {"evidence": "方案", "effective_at": "2023-03-20"})
    page = post_action(admin, old_task, "accept", {"effective_at": "2023-03-25"}).content.decode()
    old_task.refresh_from_db()
    assert (old_task.status, old_task.claimed_at, old_task.reviewed_at) == ("accepted", at(2023, 3, 5), at(2023, 3, 25))
    assert "2023-03-25" in page and f"补录于 {today().isoformat()}" in page
    admin.post(reverse("projects:transition", kwargs={"uuid": old_task.project.uuid, "verb": "complete"}), {"effective_at": "2023-06-30"})
    assert ProjectEvent.objects.get(project=old_task.project, to_status="completed").created_at == at(2023, 6, 30)


def test_it_starts_a_project_on_a_past_day_through_the_page_and_defaults_to_now(world, client_for):
    old, new = ProjectFactory(lead=world.own_org), ProjectFactory(lead=world.own_org)
    admin = client_for(world.org_admin)
    admin.post(reverse("projects:transition", kwargs={"uuid": old.uuid, "verb": "activate"}), {"effective_at": "2023-03-01"})
    admin.post(reverse("projects:transition", kwargs={"uuid": new.uuid, "verb": "activate"}), {"effective_at": ""})
    assert old.started_at() == at(2023, 3, 1) and timezone.localdate(new.started_at()) == today()


@pytest.mark.parametrize(
    ("value", "message"), [("tomorrow", FUTURE), ("2023-02-01", "任务的日期不能早于项目启动时间（2023-03-01 00:00）。"), ("someday", "输入一个有效的日期。")]
)
def test_it_refuses_a_bad_date_through_the_page(world, client_for, old_task, value, message):
    value = tomorrow().isoformat() if value == "tomorrow" else value
    page = post_action(client_for(world.member), old_task, "claim", {"team": f"org:{world.own_branch.uuid}", "effective_at": value})
    assert message in page.content.decode()
    assert Task.objects.get(pk=old_task.pk).status == TaskStatus.OPEN


def test_it_refuses_a_bad_completion_date_through_the_page(world, client_for, old_project):
    url = reverse("projects:transition", kwargs={"uuid": old_project.uuid, "verb": "complete"})
    page = client_for(world.org_admin).post(url, {"effective_at": "2023-01-01"}, follow=True).content.decode()
    assert "这一步的日期不能早于项目的上一步（2023-03-01 00:00）。" in page
    assert Project.objects.get(pk=old_project.pk).status == "active"


# --- The API ---------------------------------------------------------------------------------


def test_it_takes_effective_dates_through_the_api(world, api_for):
    project = ProjectFactory(lead=world.own_org)
    task = TaskFactory(project=project)
    admin, member = api_for(world.org_admin), api_for(world.member)
    assert admin.post(f"{PROJECTS}{project.uuid}/activate/", {"effective_at": "2023-03-01"}, format="json").status_code == 200
    response = member.post(f"{TASKS}{task.uuid}/claim/", {"team_org": str(world.own_branch.uuid), "effective_at": "2023-03-05"}, format="json")
    assert response.status_code == 200 and response.data["claimed_at"] == "2023-03-05T00:00:00+08:00"
    response = member.post(f"{TASKS}{task.uuid}/submit/", {"evidence": "方案", "effective_at": "2023-03-20T10:00:00+08:00"}, format="multipart")
    assert response.status_code == 200 and response.data["submitted_at"] == "2023-03-20T10:00:00+08:00"
    response = admin.post(f"{TASKS}{task.uuid}/accept/", {"comment": "通过", "effective_at": "2023-03-25"}, format="json")
    assert response.status_code == 200 and response.data["reviewed_at"] == "2023-03-25T00:00:00+08:00"
    assert admin.post(f"{PROJECTS}{project.uuid}/complete/", {"effective_at": "2023-06-30"}, format="json").status_code == 200
    history = admin.get(f"{TASKS}{task.uuid}/history/").data
    assert [h["created_at"][:10] for h in history] == ["2023-03-05", "2023-03-20", "2023-03-25"]
    assert {h["recorded_at"][:10] for h in history} == {today().isoformat()}


@pytest.mark.parametrize(
    ("verb", "value", "message"),
    [
        ("claim", "tomorrow", FUTURE),
        ("claim", "2023-02-01", "任务的日期不能早于项目启动时间（2023-03-01 00:00）。"),
        ("accept", "2023-03-04", "这一步的日期不能早于任务的上一步（2023-03-05 00:00）。"),
        ("complete", "2023-02-01", "这一步的日期不能早于项目的上一步（2023-03-01 00:00）。"),
        ("claim", "31/02/2023", None),
    ],
)
def test_it_refuses_bad_dates_through_the_api(world, api_for, old_task, verb, value, message):
    value = tomorrow().isoformat() if value == "tomorrow" else value
    if verb == "claim":
        response = api_for(world.member).post(
            f"{TASKS}{old_task.uuid}/claim/", {"team_org": str(world.own_branch.uuid), "effective_at": value}, format="json"
        )
    elif verb == "accept":
        old_task.claim(world.member, team_org=world.own_branch, effective_at=D(2023, 3, 5))
        old_task.submit(world.member, "方案", effective_at=D(2023, 3, 5))
        response = api_for(world.org_admin).post(f"{TASKS}{old_task.uuid}/accept/", {"effective_at": value}, format="json")
    else:
        response = api_for(world.org_admin).post(f"{PROJECTS}{old_task.project.uuid}/complete/", {"effective_at": value}, format="json")
    assert response.status_code == 400 and list(response.data) == ["effective_at"]
    if message:
        assert response.data["effective_at"] == [message]


def test_it_documents_the_effective_date_in_the_schema(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    paths = (f"{PROJECTS}{{uuid}}/activate/", f"{PROJECTS}{{uuid}}/complete/", f"{TASKS}{{uuid}}/claim/", f"{TASKS}{{uuid}}/accept/")
    for path in paths:
        ref = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert "effective_at" in components[ref.rsplit("/", 1)[-1]]["properties"], path
    submit = schema["paths"][f"{TASKS}{{uuid}}/submit/"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    assert "effective_at" in components[submit.rsplit("/", 1)[-1]]["properties"]
