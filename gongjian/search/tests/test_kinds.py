"""Each kind's hits: what it finds, what it leaves out for whom, and how a hit reads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongjian.activities.tests.helpers import make_activity
from gongjian.agreements.models import Agreement, AgreementParty
from gongjian.exchange.models import Category, Resource
from gongjian.projects.tests.factories import ProjectFactory, active_project
from gongjian.search.kinds import MAX_LENGTH, clean_text

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def group(api, user, text, kind, **params):
    body = api(user).get(URL, {"q": text, **params}).json()
    return next(g for g in body["groups"] if g["kind"] == kind)


def titles(api, user, text, kind):
    return [hit["title"] for hit in group(api, user, text, kind)["hits"]]


def agreement_between(title, *organizations):
    agreement = Agreement.objects.create(title=title, track="build", drafted_on=datetime.date(2025, 1, 1))
    for order, organization in enumerate(organizations):
        AgreementParty.objects.create(agreement=agreement, organization=organization, order=order)
    return agreement


class TestActivities:
    def test_it_finds_a_visible_activity_with_its_date_and_host(self, world, api_for):
        starts = timezone.make_aware(datetime.datetime(2030, 5, 6, 14, 0))
        activity = make_activity(world.own_org, title="熔融系列宣讲第一讲", starts_at=starts)
        hits = group(api_for, world.member, "熔融系列", "activities")["hits"]
        assert hits == [
            {
                "uuid": str(activity.uuid),
                "title": "熔融系列宣讲第一讲",
                "hint": "2030-05-06 · 示例学院党委",
                "url": activity.get_absolute_url(),
            }
        ]

    def test_it_leaves_out_another_organizations_activity(self, world, api_for):
        make_activity(world.foreign_org, title="街道内部学习会")
        assert titles(api_for, world.member, "街道内部", "activities") == []
        assert titles(api_for, world.outsider, "街道内部", "activities") == ["街道内部学习会"]

    def test_it_finds_an_alliance_wide_activity_for_everyone(self, world, api_for):
        make_activity(world.foreign_org, title="联盟开放日", invite_alliance=True)
        assert titles(api_for, world.member, "联盟开放日", "activities") == ["联盟开放日"]

    def test_it_leaves_out_an_archived_activity(self, world, api_for):
        activity = make_activity(world.own_org, title="已归档的宣讲")
        activity.archive()
        assert titles(api_for, world.org_admin, "已归档", "activities") == []


class TestAgreements:
    def test_it_finds_the_users_own_agreements_with_their_stage(self, world, api_for):
        agreement_between("社区治理共建协议", world.own_org, world.foreign_org)
        found = group(api_for, world.org_admin, "社区治理", "agreements")
        assert [(hit["title"], hit["hint"]) for hit in found["hits"]] == [("社区治理共建协议", "谈约")]
        # As on the agreements list, a branch member does not see the unit's agreements.
        assert titles(api_for, world.member, "社区治理", "agreements") == []

    def test_it_leaves_out_agreements_the_user_is_no_party_to(self, world, api_for, gfl_branch):
        agreement_between("街道内部共建协议", world.foreign_org, gfl_branch)
        assert titles(api_for, world.org_admin, "街道内部", "agreements") == []
        assert titles(api_for, world.outsider, "街道内部", "agreements") == ["街道内部共建协议"]

    def test_it_leaves_out_an_archived_agreement(self, world, api_for):
        agreement_between("作废的协议草稿", world.own_org, world.foreign_org).archive()
        assert titles(api_for, world.org_admin, "作废的协议", "agreements") == []


class TestProjects:
    def test_it_finds_a_visible_project_with_its_brand_and_lead(self, world, api_for):
        project = active_project(world.own_org, title="采样亭改造项目", brand="茸城e家")
        found = group(api_for, world.member, "采样亭", "projects")
        assert found["hits"] == [
            {"uuid": str(project.uuid), "title": "采样亭改造项目", "hint": "茸城e家 · 示例学院党委", "url": project.get_absolute_url()}
        ]

    def test_it_finds_a_project_for_its_partners_but_not_for_strangers(self, world, api_for, gfl_branch):
        ProjectFactory(title="街道独办项目", lead=world.foreign_org)
        partnered = ProjectFactory(title="街道合办项目", lead=world.foreign_org)
        partnered.partners.set([world.own_org])
        assert titles(api_for, world.member, "街道", "projects") == ["街道合办项目"]
        assert sorted(titles(api_for, world.outsider, "街道", "projects")) == ["街道合办项目", "街道独办项目"]

    def test_it_leaves_out_an_archived_project_the_list_keeps_behind_its_filter(self, world, client_for, api_for):
        project = ProjectFactory(title="已归档项目", lead=world.own_org)
        project.archive()
        assert titles(api_for, world.org_admin, "已归档项目", "projects") == []
        listed = client_for(world.org_admin).get(reverse("projects:list"), {"q": "已归档项目", "archived": "true"})
        assert "已归档项目" in listed.content.decode()


class TestResources:
    @pytest.fixture
    def category(self):
        return Category.objects.get_or_create(name="设计规划", defaults={"order": 30})[0]

    def test_it_finds_a_published_resource_with_its_owner_and_status(self, world, api_for, category):
        resource = Resource.objects.create(organization=world.foreign_org, title="社区会议室开放", category=category, capacity=2)
        resource.publish()
        found = group(api_for, world.member, "会议室", "resources")
        assert [(hit["title"], hit["hint"]) for hit in found["hits"]] == [("社区会议室开放", "广富林街道党工委 · 已发布")]

    def test_it_keeps_a_draft_resource_to_its_owner(self, world, api_for, category):
        Resource.objects.create(organization=world.foreign_org, title="党员志愿者草稿", category=category, capacity=5)
        assert titles(api_for, world.member, "志愿者草稿", "resources") == []
        assert titles(api_for, world.outsider, "志愿者草稿", "resources") == ["党员志愿者草稿"]


class TestOrganizationsAndMore:
    def test_it_tells_same_named_branches_apart_by_their_parent(self, world, api_for, gfl_branch):
        found = group(api_for, world.member, "gfl", "organizations", per_kind=5)
        assert [(hit["title"], hit["hint"]) for hit in found["hits"]] == [
            ("广富林街道党工委", ""),
            ("广富林社区党支部", "广富林街道党工委"),
        ]

    def test_it_links_more_to_each_kinds_own_list(self, world, api_for):
        for n in range(2):
            active_project(world.own_org, title=f"联创项目{n}")
            make_activity(world.own_org, title=f"联创活动{n}")
        body = api_for(world.org_admin).get(URL, {"q": "联创", "per_kind": 1}).json()
        more = {g["kind"]: g["more_url"] for g in body["groups"]}
        assert more["projects"] == reverse("projects:list") + "?q=%E8%81%94%E5%88%9B"
        assert more["activities"] == reverse("activities:list") + "?q=%E8%81%94%E5%88%9B"
        assert more["agreements"] == ""


class TestText:
    def test_it_collapses_whitespace_and_cuts_long_text(self):
        assert clean_text("  广富林 \t\n 街道 ") == "广富林 街道"
        assert clean_text("党" * (MAX_LENGTH + 10)) == "党" * MAX_LENGTH
        assert clean_text(None) == ""

    def test_it_searches_the_cut_text_on_the_page_and_through_the_api(self, world, client_for, api_for):
        text = "广" * (MAX_LENGTH + 5)
        assert api_for(world.member).get(URL, {"q": text}).json()["query"] == "广" * MAX_LENGTH
        page = client_for(world.member).get(reverse("search:search"), {"q": text})
        assert page.context["q"] == "广" * MAX_LENGTH
