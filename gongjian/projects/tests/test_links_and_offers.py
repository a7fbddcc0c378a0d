"""What a project may link (needs, resources, an agreement) is what its editor sees; what its
page offers follows its status; an archived showcase project's files go private again."""

import datetime

import pytest
from django.urls import reverse

from gongjian.agreements.models import Agreement, AgreementParty
from gongjian.exchange.models import Need
from gongjian.projects.models import Outcome, Project

from .factories import ProjectFactory, active_project

PROJECTS = "/api/v1/projects/"


@pytest.fixture
def street_draft_need(world, design):
    return Need.objects.create(organization=world.foreign_org, title="街道需求草稿", category=design)


@pytest.fixture
def street_agreement(world, stranger_org):
    """An agreement the college is no party to."""
    agreement = Agreement.objects.create(title="街道与镇的协议", track="build", drafted_on=datetime.date(2025, 1, 1))
    for order, organization in enumerate((world.foreign_org, stranger_org)):
        AgreementParty.objects.create(agreement=agreement, organization=organization, order=order)
    return agreement


def create(api_for, user, lead, **fields):
    return api_for(user).post(PROJECTS, {"title": "链接测试", "lead": str(lead.uuid), **fields}, format="json")


class TestLinks:
    def test_it_refuses_linking_another_organizations_draft_need(self, world, api_for, street_draft_need):
        response = create(api_for, world.org_admin, world.own_org, needs=[str(street_draft_need.uuid)])
        assert response.status_code == 400 and "needs" in response.json()
        assert not Project.objects.filter(title="链接测试").exists()

    def test_it_links_a_published_need_of_another_organization(self, world, api_for, street_draft_need):
        street_draft_need.publish()
        response = create(api_for, world.org_admin, world.own_org, needs=[str(street_draft_need.uuid)])
        assert response.status_code == 201, response.content
        assert list(Project.objects.get(title="链接测试").needs.all()) == [street_draft_need]

    def test_it_refuses_linking_an_agreement_the_editor_does_not_see(self, world, api_for, street_agreement):
        response = create(api_for, world.org_admin, world.own_org, agreement=str(street_agreement.uuid))
        assert response.status_code == 400 and "agreement" in response.json()
        project = ProjectFactory(lead=world.own_org)
        patched = api_for(world.org_admin).patch(f"{PROJECTS}{project.uuid}/", {"agreement": str(street_agreement.uuid)}, format="json")
        assert patched.status_code == 400
        assert Project.objects.get(pk=project.pk).agreement is None

    def test_it_links_an_agreement_of_ones_own(self, world, api_for):
        agreement = Agreement.objects.create(title="学院协议", track="build", drafted_on=datetime.date(2025, 1, 1))
        AgreementParty.objects.create(agreement=agreement, organization=world.own_org)
        response = create(api_for, world.org_admin, world.own_org, agreement=str(agreement.uuid))
        assert response.status_code == 201 and response.json()["agreement"] == str(agreement.uuid)

    def test_it_refuses_creation_to_a_member_for_their_own_branch(self, world, api_for):
        assert create(api_for, world.member, world.own_branch).status_code == 403
        assert not Project.objects.exists()


class TestOffers:
    @pytest.mark.parametrize(
        ("verbs", "status", "offered"),
        [
            ((), "planning", ["activate", "archive"]),
            (("activate",), "active", ["complete"]),
            (("activate", "complete"), "completed", ["archive"]),
            (("activate", "complete", "archive"), "archived", ["restore"]),
        ],
    )
    def test_it_offers_the_steps_of_each_status(self, world, client_for, verbs, status, offered):
        project = ProjectFactory(lead=world.own_org)
        for verb in verbs:
            getattr(project, verb)(by=world.org_admin)
        page = client_for(world.org_admin).get(project.get_absolute_url())
        assert page.context["object"].status == status
        assert [verb for verb, *_ in page.context["transitions"]] == offered
        # Only the first two steps take an effective date (补录).
        assert [dated for verb, _label, _style, dated in page.context["transitions"]] == [v in ("activate", "complete") for v in offered]

    def test_it_posts_every_offered_step_through_the_page(self, world, client_for):
        project = ProjectFactory(lead=world.own_org)
        client = client_for(world.org_admin)
        for verb, status in (("activate", "active"), ("complete", "completed"), ("archive", "archived"), ("restore", "completed")):
            response = client.post(reverse("projects:transition", kwargs={"uuid": project.uuid, "verb": verb}), follow=True)
            assert response.context["object"].status == status
        assert list(project.events.values_list("to_status", flat=True)) == ["active", "completed", "archived", "completed"]


class TestArchivedShowcase:
    def test_it_stops_serving_an_archived_projects_files_to_anonymous_visitors(self, world, client, client_for, png):
        project = active_project(world.own_org, is_public=True)
        photo = Outcome.objects.create(project=project, kind="photo", title="改造后", file=png)
        url = reverse("projects:outcome_file", kwargs={"uuid": photo.uuid})
        assert client.get(url).status_code == 200
        project.complete()
        project.archive()
        assert client.get(url).status_code == 404
        assert client_for(world.member).get(url).status_code == 200
        assert project.title not in client.get(reverse("projects:showcase_list")).content.decode()

    def test_it_answers_404_for_an_outcome_without_a_file(self, world, client_for, project):
        text = Outcome.objects.create(project=project, kind="text", title="总结", text="<p>完成</p>")
        assert client_for(world.org_admin).get(reverse("projects:outcome_file", kwargs={"uuid": text.uuid})).status_code == 404
