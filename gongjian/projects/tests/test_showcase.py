"""The public showcase: no login, only projects flagged public, nothing about people."""

from django.urls import reverse

from gongjian.projects.models import Outcome

from .factories import TaskFactory, active_project


def test_it_shows_a_public_project_without_login(world, client, png):
    project = active_project(
        world.own_org, partners=[world.foreign_org], title="采样亭改造", brand="茸城e家", goals="升级党群阵地", is_public=True
    )
    Outcome.objects.create(project=project, kind="text", title="改造总结", text="<p>25 个采样亭焕然一新</p>")
    Outcome.objects.create(project=project, kind="photo", title="改造后照片", file=png)
    tasks = TaskFactory.create_batch(4, project=project)
    tasks[0].claim(world.member, team_people=[world.member.person])
    tasks[0].submit(world.member, "完成")
    tasks[0].accept(world.org_admin)

    response = client.get(project.get_showcase_url())
    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "茸城e家",
        "采样亭改造",
        "升级党群阵地",
        "25 个采样亭焕然一新",
        "改造后照片",
        "示例学院党委",
        "广富林街道党工委",
        'data-progress="25"',
    ):
        assert text in content, text
    # No personal data: neither the team's people nor the reviewer.
    for name in ("支部党员", "学院管理员", world.member.username):
        assert name not in content


def test_it_serves_a_public_outcome_photo_to_anyone(world, client, png):
    project = active_project(world.own_org, is_public=True)
    photo = Outcome.objects.create(project=project, kind="photo", title="照片", file=png)
    response = client.get(reverse("projects:outcome_file", kwargs={"uuid": photo.uuid}))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_hides_outcome_files_of_private_projects(world, client, client_for, png):
    project = active_project(world.own_org)
    photo = Outcome.objects.create(project=project, kind="photo", title="照片", file=png)
    url = reverse("projects:outcome_file", kwargs={"uuid": photo.uuid})
    assert client.get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.member).get(url).status_code == 200


def test_it_hides_projects_not_flagged_public(world, client):
    private = active_project(world.own_org, title="内部项目")
    assert client.get(private.get_showcase_url()).status_code == 404
    assert "内部项目" not in client.get(reverse("projects:showcase_list")).content.decode()


def test_it_hides_archived_projects(world, client):
    project = active_project(world.own_org, title="已归档", is_public=True)
    project.complete()
    project.archive()
    assert client.get(project.get_showcase_url()).status_code == 404


def test_it_lists_public_projects_featured_first(world, client):
    active_project(world.own_org, title="普通项目", is_public=True)
    active_project(world.own_org, title="核心项目", is_public=True, is_featured=True)
    active_project(world.own_org, title="内部项目")
    response = client.get(reverse("projects:showcase_list"))
    assert [p.title for p in response.context["projects"]] == ["核心项目", "普通项目"]


def test_it_lists_the_showcase_in_a_constant_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("projects:showcase_list"))
        return len(queries)

    active_project(world.own_org, partners=[world.foreign_org], is_public=True)
    few = count()
    for n in range(5):
        active_project(world.own_org, partners=[world.foreign_org], title=f"公开{n}", is_public=True)
    assert count() == few
