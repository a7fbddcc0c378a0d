"""The picker's JSON endpoint at its edges: page numbers, long queries, hints, methods and phone numbers."""

import datetime

import pytest
from django.urls import reverse

from gongjian.orgs.models import Membership, Organization, Person
from gongjian.orgs.pickers import PAGE_SIZE

pytestmark = pytest.mark.django_db


def url(source):
    return reverse("orgs:picker", kwargs={"source": source})


def pick(client, source, **params):
    response = client.get(url(source), params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def many_branches(world):
    return [
        Organization.objects.create(name=f"测试{n:02d}党支部", sector="school", kind="branch", parent=world.own_org)
        for n in range(PAGE_SIZE + 1)
    ]


class TestPaging:
    @pytest.mark.parametrize("number", ["abc", "0", "-3", ""])
    def test_it_reads_a_page_number_it_cannot_use_as_the_first(self, world, many_branches, client_for, number):
        client = client_for(world.org_admin)
        first = pick(client, "organizations", q="cs", page="1")
        assert len(first["results"]) == PAGE_SIZE
        assert pick(client, "organizations", q="cs", page=number) == first

    def test_it_keeps_the_query_and_source_in_the_next_link(self, world, many_branches, client_for):
        answer = pick(client_for(world.org_admin), "organizations-editable", q="cs")
        assert answer["next"] == url("organizations-editable") + "?q=cs&page=2"

    def test_it_answers_an_empty_page_past_the_end(self, world, many_branches, client_for):
        assert pick(client_for(world.org_admin), "organizations", q="cs", page="9") == {"results": [], "next": None}

    def test_it_cuts_a_long_query_to_sixty_characters(self, world, client_for):
        long_name = "长" * 60 + "党支部"
        Organization.objects.create(name=long_name, sector="school", kind="branch", parent=world.own_org)
        answer = pick(client_for(world.org_admin), "organizations", q="长" * 60 + "不相干的文字")
        assert [row["text"] for row in answer["results"]] == [long_name]


class TestRows:
    def test_it_gives_a_top_level_organization_an_empty_hint(self, world, client_for):
        answer = pick(client_for(world.org_admin), "organizations", q="slxy")
        assert answer["results"] == [{"value": str(world.own_org.uuid), "text": "示例学院党委", "hint": ""}]

    def test_it_finds_an_organization_by_its_full_pinyin(self, world, client_for):
        answer = pick(client_for(world.alliance_admin), "organizations-directory", q="guangfulin")
        assert [row["text"] for row in answer["results"]] == ["广富林街道党工委"]

    def test_it_names_a_persons_first_current_organization(self, world, client_for):
        person = Person.objects.create(name="调动党员")
        Membership.objects.create(person=person, organization=world.own_org, left_on=datetime.date(2020, 1, 1))
        Membership.objects.create(person=person, organization=world.own_branch)
        answer = pick(client_for(world.org_admin), "people", q="ddd")
        assert answer["results"] == [{"value": str(person.uuid), "text": "调动党员", "hint": "工业设计系教工党支部"}]

    def test_it_gives_a_person_without_a_current_organization_an_empty_hint(self, world, client_for):
        Person.objects.create(name="无组织专家", is_speaker=True, speaker_topics=["党史"])
        answer = pick(client_for(world.member), "speakers", q="wzz")
        assert [(row["text"], row["hint"]) for row in answer["results"]] == [("无组织专家", "")]

    def test_it_finds_a_person_in_scope_by_their_whole_phone_number(self, world, client_for):
        world.member.person.phone = "13800138000"
        world.member.person.save()
        assert [row["text"] for row in pick(client_for(world.org_admin), "people", q="13800138000")["results"]] == ["支部党员"]
        assert pick(client_for(world.outsider), "people", q="13800138000")["results"] == []


class TestMethods:
    def test_it_answers_only_get(self, world, client_for):
        assert client_for(world.org_admin).post(url("organizations")).status_code == 405

    def test_it_lets_organization_answers_be_cached_but_not_people(self, world, client_for):
        client = client_for(world.org_admin)
        assert "no-store" not in client.get(url("organizations")).headers.get("Cache-Control", "")
        assert client.get(url("speakers"))["Cache-Control"] == "no-store"
