"""The alliance directory: every member reads every organization's public profile; the rest stays scoped."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongjian.agreements.models import Agreement, AgreementParty, Obligation
from gongjian.exchange.models import Category, Need, Resource
from gongjian.lib.testing import make_user
from gongjian.orgs.forms import OrganizationForm
from gongjian.orgs.models import CapabilityTag, Organization
from gongjian.projects.models import Project

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs/organizations"


@pytest.fixture
def street(world):
    """The street office's profile as its admin filled it in."""
    org = world.foreign_org
    org.public_contact = "党群服务中心 021-57890000"
    org.contact_name = "李主任"
    org.contact_phone = "13800138000"
    org.contact_email = "li@example.cn"
    org.save()
    org.tags.add(CapabilityTag.objects.create(name="社区治理"))
    return org


def category():
    return Category.objects.get_or_create(name="设计规划", defaults={"order": 30})[0]


def signed_agreement(world, title, publish):
    agreement = Agreement.objects.create(
        title=title,
        track="build",
        drafted_on=datetime.date(2025, 1, 1),
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2027, 3, 1),
    )
    for order, org in enumerate((world.own_org, world.foreign_org)):
        party = AgreementParty.objects.create(agreement=agreement, organization=org, order=order)
        Obligation.objects.create(party=party, description="提供场地")
    agreement.sign(world.alliance_admin)
    if publish:
        agreement.publish(world.alliance_admin)
    return agreement


def overview(client, org):
    response = client.get(org.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


class TestVisibility:
    def test_it_shows_every_member_the_public_profile(self, world, street, client_for):
        for user in (world.org_admin, world.member):
            html = overview(client_for(user), street)
            assert "广富林街道党工委" in html and "社区治理" in html and "党群服务中心 021-57890000" in html
            assert world.street.name in html  # the region

    def test_it_keeps_the_contact_person_to_the_scope(self, world, street, client_for):
        html = overview(client_for(world.org_admin), street)
        assert "李主任" not in html and "li@example.cn" not in html and "138****8000" not in html
        html = overview(client_for(world.outsider), street)
        assert "李主任" in html and "138****8000" in html

    def test_it_hides_the_members_tab_outside_the_scope(self, world, street, client_for):
        client = client_for(world.org_admin)
        assert "?tab=members" not in overview(client, street)
        assert client.get(street.get_absolute_url() + "?tab=members").status_code == 404
        assert "?tab=members" in overview(client_for(world.outsider), street)

    def test_it_offers_no_edit_outside_the_scope(self, world, street, client_for):
        html = overview(client_for(world.org_admin), street)
        assert reverse("orgs:organization_edit", args=[street.uuid]) not in html
        assert client_for(world.org_admin).get(reverse("orgs:organization_edit", args=[street.uuid])).status_code == 404

    def test_it_keeps_archived_organizations_to_their_scope(self, world, client_for):
        world.own_branch.archive()
        assert client_for(world.outsider).get(world.own_branch.get_absolute_url()).status_code == 404
        assert client_for(world.org_admin).get(world.own_branch.get_absolute_url()).status_code == 200

    def test_it_shows_nothing_to_accounts_outside_the_alliance(self, world, admins, client_for):
        # The three separated administrators have no membership: they are no members of the alliance.
        assert not Organization.objects.public_to(admins.system).exists()
        stranger = make_user("stranger")
        assert not Organization.objects.public_to(stranger).exists()
        assert client_for(stranger).get(world.foreign_org.get_absolute_url()).status_code == 404

    def test_it_lists_sub_organizations_across_the_alliance(self, world, client_for):
        branch = Organization.objects.create(name="三新居民区党支部", sector="government", kind="branch", parent=world.foreign_org)
        html = client_for(world.member).get(world.foreign_org.get_absolute_url() + "?tab=children").content.decode()
        assert branch.get_absolute_url() in html


class TestQuerySet:
    def test_it_adds_the_scope_s_archived_organizations(self, world):
        world.own_branch.archive()
        public = set(Organization.objects.public_to(world.org_admin))
        assert public == {world.own_org, world.own_branch, world.foreign_org}
        assert world.own_branch not in set(Organization.objects.public_to(world.outsider))

    def test_it_annotates_what_the_viewer_may_do(self, world):
        rows = {
            o.pk: (o.viewer_in_scope, o.viewer_can_edit) for o in Organization.objects.public_to(world.member).with_access(world.member)
        }
        assert rows == {world.own_org.pk: (False, False), world.own_branch.pk: (True, False), world.foreign_org.pk: (False, False)}
        rows = {
            o.pk: (o.viewer_in_scope, o.viewer_can_edit)
            for o in Organization.objects.public_to(world.org_admin).with_access(world.org_admin)
        }
        assert rows[world.own_branch.pk] == (True, True) and rows[world.foreign_org.pk] == (False, False)


class TestPublished:
    def test_it_shows_only_what_each_kind_publishes(self, world, client_for):
        published_need = Need.objects.create(organization=world.foreign_org, title="采样亭改造设计", category=category())
        published_need.publish()
        Need.objects.create(organization=world.foreign_org, title="草稿需求", category=category())
        resource = Resource.objects.create(organization=world.foreign_org, title="社区活动室", category=category(), capacity=1)
        resource.publish()
        disclosed = signed_agreement(world, "街校共建协议", publish=True)
        signed_agreement(world, "未亮约协议", publish=False)
        showcase = Project.objects.create(title="茸城e家", lead=world.foreign_org, is_public=True)
        Project.objects.create(title="内部项目", lead=world.foreign_org)
        html = overview(client_for(world.member), world.foreign_org)
        for shown in ("采样亭改造设计", "社区活动室", "街校共建协议", "茸城e家"):
            assert shown in html
        for hidden in ("草稿需求", "未亮约协议", "内部项目"):
            assert hidden not in html
        # Links a member may follow: the need's page, and the public pages of what they are no party to.
        assert published_need.get_absolute_url() in html
        assert disclosed.get_public_url() in html and showcase.get_showcase_url() in html

    def test_it_links_parties_to_the_full_agreement(self, world, client_for):
        disclosed = signed_agreement(world, "街校共建协议", publish=True)
        assert disclosed.get_absolute_url() in overview(client_for(world.org_admin), world.foreign_org)

    def test_it_reads_the_profile_in_a_fixed_number_of_queries(self, world, client_for, django_assert_max_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = client_for(world.member)
        client.get(world.foreign_org.get_absolute_url())

        def count():
            with CaptureQueriesContext(connection) as context:
                overview(client, world.foreign_org)
            return len(context.captured_queries)

        before = count()
        for n in range(3):
            need = Need.objects.create(organization=world.foreign_org, title=f"需求{n}", category=category())
            need.publish()
            signed_agreement(world, f"协议{n}", publish=True)
            Project.objects.create(title=f"项目{n}", lead=world.foreign_org, is_public=True)
        assert count() == before


class TestPublicContact:
    @pytest.mark.parametrize("value", ["党群服务中心 021-57890000", "400-820-8820", "广富林路1号 党建服务站"])
    def test_it_accepts_an_office_or_a_desk_line(self, world, value):
        world.foreign_org.public_contact = value
        world.foreign_org.full_clean()

    @pytest.mark.parametrize("value", ["书记 13800138000", "+86 138 0013 8000", "310101199001011234"])
    def test_it_refuses_personal_numbers(self, world, value):
        world.foreign_org.public_contact = value
        with pytest.raises(ValidationError) as error:
            world.foreign_org.full_clean()
        assert "public_contact" in error.value.message_dict

    def test_it_is_edited_in_the_form(self, world):
        data = {
            "name": world.foreign_org.name,
            "sector": "government",
            "kind": "working_committee",
            "public_contact": "党群服务中心 021-57890000",
        }
        form = OrganizationForm(data=data, instance=world.foreign_org, user=world.outsider)
        assert "public_contact" in form.fields
        assert form.is_valid(), form.errors
        form.save()
        world.foreign_org.refresh_from_db()
        assert world.foreign_org.public_contact == "党群服务中心 021-57890000"

    def test_it_is_edited_through_the_api(self, world, api_for):
        client = api_for(world.outsider)
        response = client.patch(f"{API}/{world.foreign_org.uuid}/", {"public_contact": "书记 13800138000"}, format="json")
        assert response.status_code == 400 and "public_contact" in response.json()
        response = client.patch(f"{API}/{world.foreign_org.uuid}/", {"public_contact": "党群服务中心 021-57890000"}, format="json")
        assert response.status_code == 200 and response.json()["public_contact"] == "党群服务中心 021-57890000"


class TestApi:
    def test_it_lists_public_fields_for_everyone_and_personal_ones_in_scope(self, world, street, api_for):
        rows = {row["name"]: row for row in api_for(world.org_admin).get(f"{API}/").json()["results"]}
        foreign = rows["广富林街道党工委"]
        assert foreign["public_contact"] == "党群服务中心 021-57890000" and foreign["tags"] == ["社区治理"]
        assert foreign["contact_name"] == foreign["contact_phone"] == foreign["contact_email"] == ""
        own = api_for(world.outsider).get(f"{API}/{street.uuid}/").json()
        assert own["contact_name"] == "李主任" and own["contact_email"] == "li@example.cn"

    def test_it_answers_a_detail_like_the_list(self, world, street, api_for):
        client = api_for(world.member)
        listed = {row["uuid"]: row for row in client.get(f"{API}/").json()["results"]}
        assert client.get(f"{API}/{street.uuid}/").json() == listed[str(street.uuid)]

    def test_it_keeps_writes_to_the_scope(self, world, api_for):
        client = api_for(world.member)
        assert client.patch(f"{API}/{world.foreign_org.uuid}/", {"short_name": "街道"}, format="json").status_code == 404
        assert client.delete(f"{API}/{world.foreign_org.uuid}/").status_code == 404


class TestDirectoryActions:
    def test_it_offers_edit_only_where_allowed(self, world, client_for):
        html = client_for(world.org_admin).get(reverse("orgs:organization_list")).content.decode()
        assert reverse("orgs:organization_edit", args=[world.own_branch.uuid]) in html
        assert reverse("orgs:organization_edit", args=[world.foreign_org.uuid]) not in html
        assert "/edit/" not in client_for(world.member).get(reverse("orgs:organization_list")).content.decode()
