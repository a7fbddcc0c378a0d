"""Rules the API shares with the pages: status verbs refused on a changed row, parts that stay
with their project, read-only fields, and the same messages from forms and endpoints."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongjian.projects.models import Milestone, Outcome, Project, ProjectEvent, Task

from .factories import ProjectFactory, TaskFactory, active_project

PROJECTS = "/api/v1/projects/"
TASKS = "/api/v1/projects/tasks/"


def verb_url(project, verb):
    return f"{PROJECTS}{project.uuid}/{verb}/"


class TestProjectVerbs:
    def test_it_refuses_restoring_a_project_that_is_not_archived(self, world, api_for):
        project = active_project(world.own_org)
        response = api_for(world.org_admin).post(verb_url(project, "restore"))
        assert response.status_code == 400
        assert response.json()["non_field_errors"] == ["只有已归档的项目才能恢复。"]
        assert Project.objects.get(pk=project.pk).status == "active"

    def test_it_refuses_a_second_start_from_a_stale_copy(self, world):
        project = ProjectFactory(lead=world.own_org)
        first, second = Project.objects.get(pk=project.pk), Project.objects.get(pk=project.pk)
        first.activate(by=world.org_admin)
        with pytest.raises(ValidationError) as refused:
            second.activate(by=world.org_admin)
        assert refused.value.messages == ["只有筹备中的项目才能启动。"]
        assert ProjectEvent.objects.filter(project=project, to_status="active").count() == 1

    def test_it_answers_a_second_start_through_the_api_with_400(self, world, api_for):
        client = api_for(world.org_admin)
        project = ProjectFactory(lead=world.own_org)
        assert client.post(verb_url(project, "activate")).status_code == 200
        again = client.post(verb_url(project, "activate"))
        assert again.status_code == 400 and again.json()["non_field_errors"] == ["只有筹备中的项目才能启动。"]
        assert ProjectEvent.objects.filter(project=project).count() == 1

    def test_it_refuses_verbs_to_a_partner_who_sees_but_does_not_lead(self, world, api_for):
        project = active_project(world.own_org, partners=[world.foreign_org])
        assert api_for(world.outsider).post(verb_url(project, "complete")).status_code == 403
        assert api_for(world.outsider).delete(f"{PROJECTS}{project.uuid}/").status_code == 403
        assert Project.objects.get(pk=project.pk).status == "active"

    def test_it_keeps_status_read_only_and_refuses_moving_the_lead_away(self, world, api_for):
        client = api_for(world.org_admin)
        project = ProjectFactory(lead=world.own_org)
        response = client.patch(f"{PROJECTS}{project.uuid}/", {"status": "completed", "archived_at": "2023-01-01T00:00:00Z"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "planning"
        moved = client.patch(f"{PROJECTS}{project.uuid}/", {"lead": str(world.foreign_org.uuid)}, format="json")
        assert moved.status_code == 403
        project.refresh_from_db()
        assert (project.status, project.archived_at, project.lead) == ("planning", None, world.own_org)

    def test_it_reports_an_empty_project_as_zero_percent(self, world, api_for):
        project = active_project(world.own_org)
        data = api_for(world.org_admin).get(f"{PROJECTS}{project.uuid}/progress/").json()
        assert data["progress"] == 0 and data["weight_total"] == 0
        assert set(data["tasks"].values()) == {0}


class TestParts:
    def test_it_refuses_moving_a_milestone_to_another_project_even_an_editable_one(self, world, project, api_for):
        other = active_project(world.own_org, title="另一个项目")
        milestone = Milestone.objects.create(project=project, title="中期检查")
        response = api_for(world.org_admin).patch(
            f"/api/v1/projects/milestones/{milestone.uuid}/", {"project": str(other.uuid)}, format="json"
        )
        assert response.status_code == 403
        assert Milestone.objects.get(pk=milestone.pk).project == project

    def test_it_refuses_milestone_changes_by_a_partner(self, world, project, api_for):
        milestone = Milestone.objects.create(project=project, title="中期检查")
        client = api_for(world.outsider)
        assert client.get(f"/api/v1/projects/milestones/{milestone.uuid}/").status_code == 200
        assert client.patch(f"/api/v1/projects/milestones/{milestone.uuid}/", {"title": "改名"}, format="json").status_code == 403
        assert client.post(f"/api/v1/projects/milestones/{milestone.uuid}/reopen/").status_code == 403
        assert Milestone.objects.get(pk=milestone.pk).title == "中期检查"

    def test_it_gives_the_same_message_for_a_text_outcome_without_text_on_the_form_and_the_api(self, world, project, client_for, api_for):
        api = api_for(world.org_admin).post(
            "/api/v1/projects/outcomes/", {"project": str(project.uuid), "kind": "text", "title": "总结"}, format="json"
        )
        assert api.status_code == 400 and api.json()["text"] == ["文字成果须填写内容。"]
        page = client_for(world.org_admin).post(
            reverse("projects:outcome_create", kwargs={"project": project.uuid}), {"kind": "text", "title": "总结", "text": ""}
        )
        assert page.status_code == 200 and page.context["form"].errors["text"] == ["文字成果须填写内容。"]
        assert not Outcome.objects.exists()

    def test_it_deletes_an_outcome_and_its_file_from_the_page(self, world, project, client_for, png):
        outcome = Outcome.objects.create(project=project, kind="photo", title="改造后", file=png)
        storage, name = outcome.file.storage, outcome.file.name
        response = client_for(world.org_admin).post(reverse("projects:outcome_delete", kwargs={"uuid": outcome.uuid}))
        assert response.status_code == 302 and response["Location"].endswith("#outcomes")
        assert not Outcome.objects.exists() and not storage.exists(name)

    def test_it_refuses_outcome_deletion_to_a_partner(self, world, project, client_for, png):
        outcome = Outcome.objects.create(project=project, kind="photo", title="改造后", file=png)
        assert client_for(world.outsider).post(reverse("projects:outcome_delete", kwargs={"uuid": outcome.uuid})).status_code == 403
        assert outcome.file.storage.exists(outcome.file.name) and Outcome.objects.filter(pk=outcome.pk).exists()


class TestTaskRules:
    def test_it_keeps_a_tasks_status_and_team_read_only(self, world, project, api_for):
        task = TaskFactory(project=project)
        response = api_for(world.org_admin).patch(
            f"{TASKS}{task.uuid}/", {"status": "accepted", "team_org": str(world.own_branch.uuid), "title": "新名称"}, format="json"
        )
        assert response.status_code == 200 and response.json()["status"] == "open"
        task.refresh_from_db()
        assert (task.title, task.status, task.team_org) == ("新名称", "open", None)

    def test_it_refuses_claims_once_the_project_is_completed(self, world, project, api_for):
        task = TaskFactory(project=project)
        project.complete()
        response = api_for(world.member).post(f"{TASKS}{task.uuid}/claim/", {"team_org": str(world.own_branch.uuid)}, format="json")
        assert response.status_code == 400
        assert response.json()["non_field_errors"] == ["只有进行中的项目才能认领、提交和验收任务。"]
        assert Task.objects.get(pk=task.pk).status == "open"

    def test_it_answers_403_to_naming_people_from_another_organization(self, world, project, api_for):
        task = TaskFactory(project=project)
        response = api_for(world.outsider).post(
            f"{TASKS}{task.uuid}/claim/", {"team_people": [str(world.member.person.uuid)]}, format="json"
        )
        assert response.status_code == 403
        assert Task.objects.get(pk=task.pk).status == "open"

    def test_it_refuses_a_returned_task_to_another_team_through_the_api(self, world, project, api_for):
        task = TaskFactory(project=project)
        task.claim(world.outsider, team_org=world.foreign_org)
        task.submit(world.outsider, "完成")
        task.return_(world.org_admin, "补充照片")
        response = api_for(world.member).post(f"{TASKS}{task.uuid}/claim/", {"team_org": str(world.own_branch.uuid)}, format="json")
        assert response.status_code == 403
        task.refresh_from_db()
        assert (task.status, task.team_org) == ("returned", world.foreign_org)

    def test_it_answers_404_to_an_unknown_task_action_and_changes_nothing(self, world, project, client_for):
        task = TaskFactory(project=project)
        response = client_for(world.org_admin).post(reverse("projects:task_action", kwargs={"uuid": task.uuid, "action": "approve"}))
        assert response.status_code == 404
        assert Task.objects.get(pk=task.pk).status == "open"
        assert not task.events.exclude(action="create").exists()

    def test_it_keeps_a_task_with_history_and_says_why_on_the_page(self, world, project, client_for):
        task = TaskFactory(project=project)
        task.claim(world.member, team_org=world.own_branch)
        task.release(world.member)
        response = client_for(world.org_admin).post(reverse("projects:task_delete", kwargs={"uuid": task.uuid}), follow=True)
        assert Task.objects.filter(pk=task.pk).exists()
        assert [str(m) for m in response.context["messages"]] == ["只能删除无人处理过的待认领任务。"]

    def test_it_shows_a_partner_the_task_history_with_actors(self, world, project, api_for):
        task = TaskFactory(project=project)
        task.claim(world.member, team_org=world.own_branch)
        task.release(world.org_admin)
        history = api_for(world.outsider).get(f"{TASKS}{task.uuid}/history/").json()
        assert [(e["action"], e["from_status"], e["to_status"]) for e in history] == [
            ("claim", "open", "claimed"),
            ("release", "claimed", "open"),
        ]
