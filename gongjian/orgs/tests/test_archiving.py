"""People and organizations with history are archived, never deleted: they leave the lists and pickers, keep
their memberships, stay reachable by UUID, and an archived organization no longer gives anyone a scope."""

import pytest
from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.lib.access import scope_for
from gongjian.orgs.models import Membership, Organization, Person

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs"


def picked(client, source, q=""):
    response = client.get(reverse("orgs:picker", kwargs={"source": source}), {"q": q})
    return [row["text"] for row in response.json()["results"]]


def fresh(user):
    """The user as the next request loads them, without the scope cached on this object."""
    return type(user).objects.get(pk=user.pk)


class TestPeople:
    def test_it_archives_a_person_from_the_page_and_keeps_their_memberships(self, world, client_for):
        person = world.member.person
        client = client_for(world.org_admin)
        response = client.post(reverse("orgs:person_archive", args=[person.uuid]))
        assert response.status_code == 302 and response["Location"] == reverse("orgs:person_list")
        person.refresh_from_db()
        assert person.is_archived
        assert Membership.objects.filter(person=person, organization=world.own_branch, left_on__isnull=True).exists()
        assert Record.objects.filter(action=Action.ARCHIVE, object_type="orgs.person", object_id=str(person.pk)).exists()

    def test_it_leaves_an_archived_person_out_of_lists_and_pickers_but_not_out_of_reach(self, world, client_for):
        person = world.member.person
        person.archive()
        client = client_for(world.org_admin)
        assert "支部党员" not in client.get(reverse("orgs:person_list")).content.decode()
        assert "支部党员" in client.get(reverse("orgs:person_list"), {"archived": "true"}).content.decode()
        assert picked(client, "people", "zbdy") == []
        page = client.get(person.get_absolute_url())
        assert page.status_code == 200 and "已归档" in page.content.decode()
        assert reverse("orgs:person_archive", args=[person.uuid]) not in page.content.decode()

    def test_it_archives_on_delete_over_the_api(self, world, api_for):
        person = world.member.person
        client = api_for(world.org_admin)
        assert client.delete(f"{API}/people/{person.uuid}/").status_code == 204
        person.refresh_from_db()
        archived_at = person.archived_at
        assert archived_at is not None and person.memberships.count() == 1
        # Deleting again changes nothing: the first archiving date stays.
        assert client.delete(f"{API}/people/{person.uuid}/").status_code == 204
        person.refresh_from_db()
        assert person.archived_at == archived_at
        listed = {row["uuid"] for row in client.get(f"{API}/people/").json()["results"]}
        assert str(person.uuid) not in listed
        assert client.get(f"{API}/people/{person.uuid}/").status_code == 200

    def test_it_keeps_an_archived_speaker_out_of_the_expert_pool(self, world, client_for):
        speaker = Person.objects.create(name="宣讲专家", is_speaker=True, speaker_topics=["党史"])
        speaker.archive()
        assert picked(client_for(world.member), "speakers", "xjzj") == []


class TestOrganizations:
    def test_it_takes_the_scope_of_an_archived_organization_from_its_admin(self, world, client_for):
        world.foreign_org.archive()
        outsider = fresh(world.outsider)
        assert not scope_for(outsider).belongs
        client = client_for(outsider)
        assert picked(client, "organizations-editable") == []
        # Only the alliance brings it back.
        assert client.post(reverse("orgs:organization_restore", args=[world.foreign_org.uuid])).status_code == 404
        client_for(world.alliance_admin).post(reverse("orgs:organization_restore", args=[world.foreign_org.uuid]))
        world.foreign_org.refresh_from_db()
        assert not world.foreign_org.is_archived
        assert scope_for(fresh(world.outsider)).can_edit(world.foreign_org.pk)

    def test_it_says_why_a_branch_under_an_archived_parent_cannot_be_restored(self, world, client_for, api_for):
        world.own_branch.archive()
        world.own_org.archive()
        response = client_for(world.alliance_admin).post(reverse("orgs:organization_restore", args=[world.own_branch.uuid]), follow=True)
        assert "请先恢复其上级组织。" in response.content.decode()
        response = api_for(world.alliance_admin).post(f"{API}/organizations/{world.own_branch.uuid}/restore/")
        assert (response.status_code, response.json()) == (400, {"non_field_errors": ["请先恢复其上级组织。"]})
        world.own_branch.refresh_from_db()
        assert world.own_branch.is_archived

    def test_it_keeps_an_archived_organization_out_of_parent_choices(self, world, api_for):
        closed = Organization.objects.create(name="已撤销党支部", sector="school", kind="branch", parent=world.own_org)
        closed.archive()
        response = api_for(world.org_admin).post(
            f"{API}/organizations/", {"name": "新党小组", "sector": "school", "kind": "other", "parent": str(closed.uuid)}, format="json"
        )
        assert response.status_code == 400 and list(response.json()) == ["parent"]
        assert not Organization.objects.filter(name="新党小组").exists()
