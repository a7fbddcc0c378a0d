"""Pickers: the scoped search endpoint, the fields that validate without listing, and their widget."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.accounts.choices import AdminRole
from gongjian.agreements.forms import HonorForm
from gongjian.lib.pickers import PickerField
from gongjian.lib.testing import make_user
from gongjian.orgs.forms import OrganizationForm, PersonForm
from gongjian.orgs.models import Membership, Organization, Person, Region
from gongjian.orgs.pickers import PAGE_SIZE

pytestmark = pytest.mark.django_db


def pick(client, source, q="", **params):
    response = client.get(reverse("orgs:picker", kwargs={"source": source}), {"q": q, **params})
    assert response.status_code == 200
    return response.json()


def names(answer):
    return [row["text"] for row in answer["results"]]


class TestEndpoint:
    def test_it_finds_organizations_by_pinyin_initials_and_by_name(self, world, client_for):
        client = client_for(world.alliance_admin)
        assert names(pick(client, "organizations", "gfl")) == ["广富林街道党工委"]
        assert names(pick(client, "organizations", "GFL")) == ["广富林街道党工委"]
        assert names(pick(client, "organizations", "slxy")) == ["示例学院党委"]
        assert names(pick(client, "organizations", "设计系")) == ["工业设计系教工党支部"]

    def test_it_names_the_parent_of_each_organization(self, world, client_for):
        answer = pick(client_for(world.alliance_admin), "organizations", "gysj")
        assert answer["results"] == [{"value": str(world.own_branch.uuid), "text": "工业设计系教工党支部", "hint": "示例学院党委"}]

    def test_it_offers_only_what_the_users_scope_holds(self, world, client_for):
        client = client_for(world.org_admin)
        assert set(names(pick(client, "organizations"))) == {"示例学院党委", "工业设计系教工党支部"}
        assert set(names(pick(client, "organizations-editable"))) == {"示例学院党委", "工业设计系教工党支部"}
        assert names(pick(client, "organizations", "gfl")) == []
        # Partners, co-hosts and invitees come from the whole alliance, by name.
        assert names(pick(client, "organizations-directory", "gfl")) == ["广富林街道党工委"]
        member = client_for(world.member)
        assert names(pick(member, "organizations-editable")) == []
        assert names(pick(member, "organizations")) == ["工业设计系教工党支部"]

    def test_it_leaves_archived_and_suspended_organizations_out(self, world, client_for):
        Organization.objects.create(name="已撤销党支部", sector="school", kind="branch", parent=world.own_org).archive()
        world.foreign_org.status = Organization.Status.SUSPENDED
        world.foreign_org.save()
        client = client_for(world.alliance_admin)
        assert names(pick(client, "organizations", "ycx")) == []
        assert names(pick(client, "organizations-directory", "gfl")) == []

    def test_it_finds_people_in_scope_by_initials(self, world, client_for):
        answer = pick(client_for(world.org_admin), "people", "zbdy")
        assert answer["results"] == [{"value": str(world.member.person.uuid), "text": "支部党员", "hint": "工业设计系教工党支部"}]
        assert names(pick(client_for(world.org_admin), "people", "jdgly")) == []  # the street's admin
        assert names(pick(client_for(world.outsider), "people", "zbdy")) == []

    def test_it_does_not_let_people_answers_be_cached(self, world, client_for):
        response = client_for(world.org_admin).get(reverse("orgs:picker", kwargs={"source": "people"}))
        assert response["Cache-Control"] == "no-store"

    def test_it_offers_the_expert_pool_to_everyone(self, world, client_for):
        Person.objects.create(name="宣讲专家", is_speaker=True, speaker_topics=["党史"])
        assert names(pick(client_for(world.outsider), "speakers", "xj")) == ["宣讲专家"]
        assert names(pick(client_for(world.outsider), "speakers", "zbdy")) == []

    def test_it_offers_people_without_an_account_to_the_system_administrator_only(self, world, client_for):
        Person.objects.create(name="待开户")
        system_admin = make_user("sysadmin", admin_role=AdminRole.SYSTEM)
        assert names(pick(client_for(system_admin), "people-unlinked", "dkh")) == ["待开户"]
        assert names(pick(client_for(system_admin), "people-unlinked", "zbdy")) == []  # already has an account
        assert names(pick(client_for(world.alliance_admin), "people-unlinked", "dkh")) == []

    def test_it_finds_regions_by_initials(self, world, client_for):
        answer = pick(client_for(world.member), "regions", "sxj")
        assert answer["results"] == [{"value": str(world.community.uuid), "text": "三新居民区", "hint": "广富林街道"}]

    def test_it_reads_a_page_at_a_time(self, world, client_for):
        for n in range(PAGE_SIZE + 3):
            Organization.objects.create(name=f"测试{n}党支部", sector="school", kind="branch", parent=world.own_org)
        client = client_for(world.org_admin)
        first = pick(client, "organizations", "cs")
        assert len(first["results"]) == PAGE_SIZE and first["next"]
        second = client.get(first["next"]).json()
        assert len(second["results"]) == 3 and second["next"] is None
        assert not {row["value"] for row in first["results"]} & {row["value"] for row in second["results"]}

    def test_it_runs_the_same_queries_for_many_matches_as_for_few(self, world, client_for, django_assert_num_queries):
        client = client_for(world.org_admin)
        url = reverse("orgs:picker", kwargs={"source": "people"})
        client.get(url)  # the session's first use writes to it
        with CaptureQueriesContext(connection) as few:
            assert len(client.get(url).json()["results"]) == 3
        for n in range(30):
            person = Person.objects.create(name=f"党员{n}")
            Membership.objects.create(person=person, organization=world.own_branch)
        # One query for the page, each person's first organization read within it.
        with django_assert_num_queries(len(few)):
            assert len(client.get(url).json()["results"]) == PAGE_SIZE

    def test_it_answers_404_for_an_unknown_source(self, world, client_for):
        assert client_for(world.alliance_admin).get(reverse("orgs:picker", kwargs={"source": "users"})).status_code == 404

    def test_it_sends_strangers_to_the_login_page(self, world, client):
        response = client.get(reverse("orgs:picker", kwargs={"source": "organizations-directory"}))
        assert response.status_code == 302 and "login" in response["Location"]


class TestFields:
    def test_it_refuses_a_foreign_organization_posted_directly(self, world, client_for):
        response = client_for(world.org_admin).post(
            reverse("orgs:person_create"), {"name": "冒名党员", "organization": str(world.foreign_org.uuid)}
        )
        assert response.status_code == 200 and "organization" in response.context["form"].errors
        assert not Person.objects.filter(name="冒名党员").exists()

    def test_it_refuses_a_person_out_of_scope_and_a_sequential_id(self, world):
        data = {"title": "优秀共产党员", "kind": "person", "level": "district", "awarded_on": "2023-07-01"}
        foreign = HonorForm(data={**data, "recipient_people": [str(world.outsider.person.uuid)]}, user=world.org_admin)
        assert "recipient_people" in foreign.errors
        by_id = HonorForm(data={**data, "recipient_people": [str(world.member.person.pk)]}, user=world.org_admin)
        assert "recipient_people" in by_id.errors

    def test_it_validates_a_choice_with_one_query_and_no_listing(self, world, django_assert_num_queries):
        for n in range(20):
            Organization.objects.create(name=f"第{n}党支部", sector="school", kind="branch", parent=world.own_org)
        field = PickerField(Organization.objects.visible_to(world.org_admin), url="/x/")
        with django_assert_num_queries(1):
            assert field.clean(str(world.own_branch.uuid)) == world.own_branch

    def test_it_answers_400_for_a_foreign_organization_in_an_api_filter(self, world, api_for):
        client = api_for(world.org_admin)
        assert client.get("/api/v1/orgs/people/", {"organization": str(world.own_org.uuid)}).status_code == 200
        assert client.get("/api/v1/orgs/people/", {"organization": str(world.foreign_org.uuid)}).status_code == 400


class TestWidget:
    def test_it_renders_only_the_chosen_row(self, world, django_assert_num_queries):
        for n in range(20):
            Organization.objects.create(name=f"第{n}党支部", sector="school", kind="branch", parent=world.own_org)
        form = PersonForm(initial={"organization": world.own_branch.uuid}, user=world.org_admin)
        with django_assert_num_queries(1):
            html = str(form["organization"])
        assert html.count("<option") == 2  # the empty choice and the chosen organization
        assert f'<option value="{world.own_branch.uuid}" selected>工业设计系教工党支部</option>' in html
        assert 'data-picker="/orgs/pick/organizations-editable/"' in html

    def test_it_renders_no_row_and_runs_no_query_when_nothing_is_chosen(self, world, django_assert_num_queries):
        form = PersonForm(user=world.org_admin)
        with django_assert_num_queries(0):
            html = str(form["organization"])
        assert html.count("<option") == 1

    def test_it_shows_a_model_forms_current_choices(self, world):
        """A ModelForm's initial foreign key is the row's id: the widget still shows it, by UUID."""
        html = str(OrganizationForm(instance=world.own_branch, user=world.org_admin)["parent"])
        assert f'<option value="{world.own_org.uuid}" selected>示例学院党委</option>' in html

    def test_it_shows_the_chosen_rows_of_a_multiple_choice(self, world):
        speaker = Person.objects.create(name="宣讲专家", is_speaker=True, speaker_topics=["党史"])
        data = {"title": "优秀", "kind": "person", "level": "district", "awarded_on": "2023-07-01"}
        form = HonorForm(data={**data, "recipient_people": [str(world.member.person.uuid), str(speaker.uuid)]}, user=world.alliance_admin)
        html = str(form["recipient_people"])
        assert html.count("<option") == 2 and html.count(" selected") == 2 and "multiple" in html

    def test_it_keeps_a_forms_own_placeholder(self, world):
        from gongjian.agreements.forms import PartyForm

        html = str(PartyForm()["organization"])
        assert 'data-placeholder="选择要添加的组织"' in html and 'aria-label="选择要添加的组织"' in html
        assert "输入名称或拼音首字母" not in html

    def test_it_offers_a_search_widget_in_list_filters(self, world, client_for):
        Region.objects.create(name="新区", level=2, parent=world.city)
        html = client_for(world.member).get(reverse("orgs:organization_list"), {"region": str(world.street.uuid)}).content.decode()
        region_select = re.search(r'<select name="region".*?</select>', html, re.S)[0]
        assert 'data-picker="/orgs/pick/regions/"' in region_select
        assert region_select.count("<option") == 2 and "广富林街道" in region_select and "新区" not in region_select


def test_it_fills_region_initials_on_save(world):
    region = Region.objects.create(name="泗泾镇", level=3, parent=world.district)
    assert region.pinyin_initials == "sjz"
    region.name = "九亭镇"
    region.save(update_fields=["name"])
    region.refresh_from_db()
    assert region.pinyin_initials == "jtz"

