"""An archived project is reached by its UUID through the API, as on its page: filters apply to lists only.

Without this the API listed archived projects under ``?archived=true`` but answered 404 to
fetching one, and its ``restore`` verb could never be reached.
"""

from django.urls import reverse

from gongjian.projects.models import ProjectEvent

from .factories import ProjectFactory

PROJECTS = "/api/v1/projects/"


def test_it_archives_a_project_still_in_planning_and_restores_it_as_completed(world, api_for):
    client = api_for(world.org_admin)
    project = ProjectFactory(lead=world.own_org)
    archived = client.post(f"{PROJECTS}{project.uuid}/archive/")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert archived.json()["archived_at"] is not None
    restored = client.post(f"{PROJECTS}{project.uuid}/restore/")
    assert restored.status_code == 200
    assert (restored.json()["status"], restored.json()["archived_at"]) == ("completed", None)
    steps = list(ProjectEvent.objects.filter(project=project).values_list("from_status", "to_status"))
    assert steps == [("planning", "archived"), ("archived", "completed")]


def test_it_shows_an_archived_project_by_uuid_but_leaves_it_out_of_the_list(world, api_for, client_for):
    project = ProjectFactory(lead=world.own_org, title="已归档项目")
    project.archive()
    client = api_for(world.member)
    detail = client.get(f"{PROJECTS}{project.uuid}/")
    assert detail.status_code == 200 and detail.json()["status"] == "archived"
    assert client.get(f"{PROJECTS}{project.uuid}/progress/").status_code == 200
    assert client.get(PROJECTS).json()["results"] == []
    assert [p["title"] for p in client.get(PROJECTS, {"archived": "true"}).json()["results"]] == ["已归档项目"]
    # The page answers the same.
    assert client_for(world.member).get(reverse("projects:detail", kwargs={"uuid": project.uuid})).status_code == 200


def test_it_still_hides_an_archived_project_from_strangers(world, api_for):
    project = ProjectFactory(lead=world.foreign_org)
    project.archive()
    assert api_for(world.org_admin).get(f"{PROJECTS}{project.uuid}/").status_code == 404
    assert api_for(world.org_admin).post(f"{PROJECTS}{project.uuid}/restore/").status_code == 404
