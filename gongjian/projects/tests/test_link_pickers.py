"""A project links needs, resources and an agreement through search pickers, never a list of them all."""

from django.urls import reverse

from gongjian.exchange.models import Category, Need
from gongjian.projects.models import Project


def pick(client, source, q=""):
    response = client.get(reverse("orgs:picker", kwargs={"source": source}), {"q": q})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def needs(world):
    design = Category.objects.create(name="设计服务")
    published = Need.objects.create(organization=world.foreign_org, title="采样亭改造设计", category=design)
    published.publish(world.outsider)
    Need.objects.create(organization=world.foreign_org, title="采样亭草稿需求", category=design)  # the street's draft
    for n in range(30):
        Need.objects.create(organization=world.own_org, title=f"学院需求{n}", category=design).publish(world.org_admin)
    return published


def test_it_renders_no_need_resource_or_agreement_options_on_the_new_project_form(world, client_for):
    needs(world)
    page = client_for(world.org_admin).get(reverse("projects:create")).content.decode()
    assert "学院需求" not in page and "采样亭改造设计" not in page
    for name in ("needs", "resources", "agreement"):
        assert f'name="{name}"' in page and 'data-picker="/orgs/pick/' in page


def test_it_finds_visible_needs_by_title_and_keeps_drafts_to_their_owner(world, client_for):
    needs(world)
    client = client_for(world.org_admin)
    assert pick(client, "needs", "采样亭") == ["采样亭改造设计"]
    assert len(pick(client, "needs", "学院需求")) == 20  # one page; the picker asks for the next
    assert pick(client_for(world.outsider), "needs", "草稿") == ["采样亭草稿需求"]


def test_it_links_a_picked_need_when_the_project_is_saved(world, client_for):
    need = needs(world)
    response = client_for(world.org_admin).post(
        reverse("projects:create"), {"title": "采样亭项目", "track": "create", "lead": world.own_org.uuid, "needs": [need.uuid]}
    )
    assert response.status_code == 302
    assert list(Project.objects.get(title="采样亭项目").needs.all()) == [need]
