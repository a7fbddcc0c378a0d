"""Pages: lists, detail, board and its HTMX actions, with constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.projects.models import Milestone, Outcome, Project, Task

from .factories import TaskFactory, active_project

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "task-board"}


def count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return len(queries)


def test_it_lists_projects_with_progress(world, project, client_for):
    tasks = TaskFactory.create_batch(4, project=project)
    tasks[0].claim(world.member, team_org=world.own_branch)
    tasks[0].submit(world.member, "完成")
    tasks[0].accept(world.org_admin)
    response = client_for(world.member).get(reverse("projects:list"))
    content = response.content.decode()
    assert "采样亭改造" in content and "25%" in content


def test_it_lists_in_a_constant_number_of_queries(world, client_for):
    client = client_for(world.org_admin)
    active_project(world.own_org, partners=[world.foreign_org], title="项目甲")
    few = count_queries(client, reverse("projects:list"))
    for n in range(6):
        project = active_project(world.own_org, partners=[world.foreign_org], title=f"项目{n}")
        TaskFactory.create_batch(2, project=project)
    assert count_queries(client, reverse("projects:list")) == few
    assert count_queries(client, reverse("projects:list") + "?per_page=50") == few


def test_it_filters_projects(world, project, client_for):
    active_project(world.own_org, title="古城文化IP")
    response = client_for(world.org_admin).get(reverse("projects:list"), {"q": "古城"})
    titles = [p.title for p in response.context["object_list"]]
    assert titles == ["古城文化IP"]


def test_it_exports_the_list(world, project, client_for):
    response = client_for(world.org_admin).get(reverse("projects:list"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_shows_a_project(world, project, client_for):
    Milestone.objects.create(project=project, title="方案评审")
    Outcome.objects.create(project=project, kind="text", title="设计总结", text="<p>完成<script>alert(1)</script></p>")
    TaskFactory.create_batch(2, project=project)
    response = client_for(world.outsider).get(project.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "方案评审" in content and "设计总结" in content and "<script>alert(1)" not in content
    assert 'data-progress="0"' in content
    assert response.context["can_edit"] is False  # a partner admin sees, the lead edits


def test_it_creates_a_project_for_an_org_the_user_administers(world, client_for):
    client = client_for(world.org_admin)
    response = client.post(
        reverse("projects:create"),
        {"title": "新项目", "track": "create", "lead": world.own_org.uuid, "partners": [world.foreign_org.uuid, world.own_org.uuid]},
    )
    project = Project.objects.get(title="新项目")
    assert response.status_code == 302
    assert list(project.partners.all()) == [world.foreign_org]  # the lead is never its own partner
    assert project.status == "planning"


def test_it_refuses_a_lead_outside_the_users_scope(world, client_for):
    response = client_for(world.org_admin).post(
        reverse("projects:create"), {"title": "越权", "track": "create", "lead": world.foreign_org.uuid}
    )
    assert response.status_code == 200 and "lead" in response.context["form"].errors
    assert not Project.objects.filter(title="越权").exists()


def test_it_refuses_project_creation_to_members(world, client_for):
    assert client_for(world.member).get(reverse("projects:create")).status_code == 403


def test_it_moves_a_project_through_its_statuses(world, client_for):
    client = client_for(world.org_admin)
    project = Project.objects.create(title="状态", lead=world.own_org)
    for verb, status in (("activate", "active"), ("complete", "completed"), ("archive", "archived"), ("restore", "completed")):
        client.post(reverse("projects:transition", kwargs={"uuid": project.uuid, "verb": verb}))
        project.refresh_from_db()
        assert project.status == status
    assert project.events.count() == 4


def test_it_explains_a_refused_project_transition(world, project, client_for):
    response = client_for(world.org_admin).post(
        reverse("projects:transition", kwargs={"uuid": project.uuid, "verb": "archive"}), follow=True
    )
    project.refresh_from_db()
    assert project.status == "active"
    assert any("归档" in str(m) or "archive" in str(m).lower() for m in response.context["messages"])


def test_it_shows_the_board_in_columns(world, project, client_for):
    open_task, claimed = TaskFactory.create_batch(2, project=project)
    claimed.claim(world.outsider, team_org=world.foreign_org)
    response = client_for(world.member).get(reverse("projects:board", kwargs={"uuid": project.uuid}))
    columns = {status: [t.title for t in tasks] for status, _, tasks in response.context["columns"]}
    assert columns["open"] == [open_task.title] and columns["claimed"] == [claimed.title]
    assert list(columns) == ["open", "claimed", "submitted", "returned", "accepted"]


def test_it_draws_the_board_in_a_constant_number_of_queries(world, project, client_for):
    client = client_for(world.member)
    url = reverse("projects:board", kwargs={"uuid": project.uuid})
    TaskFactory(project=project)
    few = count_queries(client, url)
    for task in TaskFactory.create_batch(12, project=project):
        task.claim(world.member, team_people=[world.member.person])
    TaskFactory.create_batch(10, project=project)
    claimed = Task.objects.filter(project=project, status="claimed").first()
    claimed.submit(world.member, "完成")
    assert count_queries(client, url) == few
    assert count_queries(client, url, **HTMX) <= few


def test_it_draws_my_task_board_in_a_constant_number_of_queries(world, project, client_for):
    client = client_for(world.member)
    url = reverse("projects:task_board")
    TaskFactory(project=project).claim(world.member, team_org=world.own_branch)
    few = count_queries(client, url)
    for n in range(3):
        other = active_project(world.own_org, title=f"其他项目{n}")
        for task in TaskFactory.create_batch(3, project=other):
            task.claim(world.member, team_org=world.own_branch)
    assert count_queries(client, url) == few
    assert len(client.get(url).context["columns"][1][2]) == 10


def test_it_shows_only_my_teams_tasks_on_my_board(world, project, client_for):
    mine, theirs, _ = TaskFactory.create_batch(3, project=project)
    mine.claim(world.member, team_org=world.own_branch)
    theirs.claim(world.outsider, team_org=world.foreign_org)
    client = client_for(world.member)
    shown = {t.title for _, _, tasks in client.get(reverse("projects:task_board")).context["columns"] for t in tasks}
    assert shown == {mine.title}
    everything = {
        t.title for _, _, tasks in client.get(reverse("projects:task_board"), {"mine": "false"}).context["columns"] for t in tasks
    }
    assert everything == {t.title for t in Task.objects.all()}


def post_action(client, task, action, data=None, htmx=True):
    url = reverse("projects:task_action", kwargs={"uuid": task.uuid, "action": action})
    payload = {"next": reverse("projects:board", kwargs={"uuid": task.project.uuid}), **(data or {})}
    return client.post(url, payload, **(HTMX if htmx else {}))


def test_it_runs_the_whole_cycle_on_the_board(world, project, client_for, png):
    task, _ = TaskFactory.create_batch(2, project=project)
    member, admin = client_for(world.member), client_for(world.org_admin)

    response = post_action(member, task, "claim", {"team": f"org:{world.own_branch.uuid}"})
    assert response.status_code == 200 and 'id="task-board"' in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == "claimed"

    response = post_action(member, task, "submit", {"evidence": "第一版方案", "files": [png]})
    assert Task.objects.get(pk=task.pk).status == "submitted"
    assert Task.objects.get(pk=task.pk).evidence_files.count() == 1

    response = post_action(admin, task, "return", {"comment": "请补充夜间效果图"})
    assert "请补充夜间效果图" in response.content.decode()
    post_action(member, task, "submit", {"evidence": "第二版方案"})
    response = post_action(admin, task, "accept")
    assert Task.objects.get(pk=task.pk).status == "accepted"
    assert 'data-progress="50"' in response.content.decode()


def test_it_shows_a_refusal_on_the_board(world, project, client_for):
    task = TaskFactory(project=project)
    response = post_action(client_for(world.member), task, "submit", {"evidence": "x"})
    assert response.status_code == 200  # HTMX swaps only successful answers
    assert "alert-danger" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == "open"


def test_it_claims_for_oneself_as_a_named_person(world, project, client_for):
    task = TaskFactory(project=project)
    post_action(client_for(world.member), task, "claim", {"team": "me"})
    assert list(Task.objects.get(pk=task.pk).team_people.all()) == [world.member.person]


def test_it_refuses_claiming_for_someone_elses_organization(world, project, client_for):
    task = TaskFactory(project=project)
    post_action(client_for(world.member), task, "claim", {"team": f"org:{world.foreign_org.uuid}"})
    assert Task.objects.get(pk=task.pk).status == "open"


def test_it_redirects_a_plain_post_back(world, project, client_for):
    task = TaskFactory(project=project)
    detail = reverse("projects:task_detail", kwargs={"uuid": task.uuid})
    response = client_for(world.member).post(
        reverse("projects:task_action", kwargs={"uuid": task.uuid, "action": "claim"}), {"team": "me", "next": detail}
    )
    assert response.status_code == 302 and response["Location"] == detail


def test_it_ignores_an_offsite_next(world, project, client_for):
    task = TaskFactory(project=project)
    response = client_for(world.member).post(
        reverse("projects:task_action", kwargs={"uuid": task.uuid, "action": "claim"}), {"team": "me", "next": "https://evil.example/"}
    )
    assert "evil" not in response["Location"]


def test_it_shows_a_task_with_its_history(world, project, client_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    task.submit(world.member, "完成了")
    response = client_for(world.org_admin).get(reverse("projects:task_detail", kwargs={"uuid": task.uuid}))
    content = response.content.decode()
    assert "完成了" in content and 'data-action="accept"' in content
    assert [e.action for e in response.context["events"]] == ["claim", "submit"]


def test_it_offers_only_the_actions_the_user_may_take(world, project, client_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    task.submit(world.member, "完成")
    board = reverse("projects:board", kwargs={"uuid": project.uuid})
    assert 'data-action="accept"' not in client_for(world.member).get(board).content.decode()
    assert 'data-action="accept"' not in client_for(world.outsider).get(board).content.decode()
    assert 'data-action="accept"' in client_for(world.org_admin).get(board).content.decode()


def test_it_adds_edits_and_deletes_a_task(world, project, client_for):
    client = client_for(world.org_admin)
    client.post(
        reverse("projects:task_create", kwargs={"project": project.uuid}),
        {"title": "单个任务", "location": "广富林路9号", "weight": 2, "order": 1},
    )
    task = Task.objects.get(title="单个任务")
    client.post(
        reverse("projects:task_edit", kwargs={"uuid": task.uuid}),
        {"title": "单个任务", "location": "广富林路10号", "weight": 3, "order": 1},
    )
    task.refresh_from_db()
    assert (task.location, task.weight) == ("广富林路10号", 3)
    client.post(reverse("projects:task_delete", kwargs={"uuid": task.uuid}))
    assert not Task.objects.filter(pk=task.pk).exists()


def test_it_refuses_a_duplicate_task_title(world, project, client_for):
    TaskFactory(project=project, title="重复")
    response = client_for(world.org_admin).post(
        reverse("projects:task_create", kwargs={"project": project.uuid}), {"title": "重复", "weight": 1, "order": 1}
    )
    assert "title" in response.context["form"].errors


def test_it_manages_milestones(world, project, client_for):
    client = client_for(world.org_admin)
    client.post(
        reverse("projects:milestone_create", kwargs={"project": project.uuid}), {"title": "中期检查", "due": "2023-05-30", "order": 1}
    )
    milestone = Milestone.objects.get(title="中期检查")
    client.post(reverse("projects:milestone_toggle", kwargs={"uuid": milestone.uuid}))
    milestone.refresh_from_db()
    assert milestone.is_done
    client.post(reverse("projects:milestone_delete", kwargs={"uuid": milestone.uuid}))
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("user", ["member", "outsider"])
def test_it_refuses_milestones_to_non_editors(world, project, client_for, user):
    response = client_for(getattr(world, user)).post(
        reverse("projects:milestone_create", kwargs={"project": project.uuid}), {"title": "越权", "order": 1}
    )
    assert response.status_code == 403 and not Milestone.objects.exists()


def test_it_keeps_pages_naming_people_out_of_caches(world, project, client_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_people=[world.member.person])
    client = client_for(world.org_admin)
    for url in (
        project.get_absolute_url(),
        reverse("projects:board", kwargs={"uuid": project.uuid}),
        reverse("projects:task_detail", kwargs={"uuid": task.uuid}),
    ):
        assert client.get(url)["Cache-Control"] == "no-store", url


def test_it_adds_a_photo_outcome_through_the_form(world, project, client_for, png):
    client = client_for(world.org_admin)
    response = client.post(
        reverse("projects:outcome_create", kwargs={"project": project.uuid}),
        {"kind": "photo", "title": "改造前后对比", "text": "", "file": png},
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(title="改造前后对比")
    assert outcome.content_type == "image/png"
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("projects:outcome_file", kwargs={"uuid": outcome.uuid}) in page


def test_it_shows_a_refused_upload_on_the_form(world, project, client_for, fake_png):
    response = client_for(world.org_admin).post(
        reverse("projects:outcome_create", kwargs={"project": project.uuid}), {"kind": "photo", "title": "伪装", "file": fake_png}
    )
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not Outcome.objects.exists()


def test_it_lets_the_team_take_a_returned_task_up_again_on_the_board(world, project, client_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    task.submit(world.member, "第一版")
    task.return_(world.org_admin, "请补充")
    board = client_for(world.member).get(reverse("projects:board", kwargs={"uuid": project.uuid})).content.decode()
    assert 'data-action="reclaim"' in board and 'data-action="submit"' in board
    post_action(client_for(world.member), task, "claim")
    assert Task.objects.get(pk=task.pk).status == "claimed"


def test_it_releases_a_task_from_the_board(world, project, client_for):
    task = TaskFactory(project=project)
    task.claim(world.member, team_org=world.own_branch)
    response = post_action(client_for(world.member), task, "release")
    assert 'data-column="open"' in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == "open"


def test_it_records_a_bulk_creation_in_the_audit_trail(world, project, client_for):
    from gongjian.audit.models import Record

    client = client_for(world.org_admin)
    url = reverse("projects:task_import", kwargs={"uuid": project.uuid})
    token = client.post(url, {"text": "甲\n乙"}).context["token"]
    client.post(url, {"token": token})
    entry = Record.objects.filter(action="import").latest("pk")
    assert entry.changes["tasks"][0] == 2 and entry.actor == world.org_admin


def test_it_answers_404_for_an_unknown_project_verb(world, project, client_for):
    response = client_for(world.org_admin).post(reverse("projects:transition", kwargs={"uuid": project.uuid, "verb": "explode"}))
    assert response.status_code == 404


def test_it_exports_the_progress_column(world, project, client_for):
    import io

    from openpyxl import load_workbook

    TaskFactory(project=project)
    response = client_for(world.org_admin).get(reverse("projects:list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[1][0] == "采样亭改造" and rows[1][-1] == 0 and rows[1][4] == "广富林街道党工委"
