"""What a release refuses (API bodies, model rules), which projects belong to a year, and the resources list as published and exported."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongjian.exchange import releases
from gongjian.exchange.models import ListRelease
from gongjian.projects.models import Project

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"
YEAR = 2024


def at(year, month=6, day=1):
    return datetime.datetime(year, month, day, 12, 0, tzinfo=timezone.get_current_timezone())


class TestApi:
    @pytest.mark.parametrize(
        "body, field",
        [
            ({"year": 1999, "kind": "needs"}, "year"),
            ({"year": 2101, "kind": "needs"}, "year"),
            ({"year": YEAR, "kind": "plans"}, "kind"),
            ({"year": YEAR, "kind": "needs", "featured": ["not-a-uuid"]}, "featured"),
            ({"kind": "needs"}, "year"),
        ],
    )
    def test_it_refuses_a_bad_body_with_the_field_at_fault(self, world, api_for, body, field):
        response = api_for(world.alliance_admin).post(f"{API}/releases/", body, format="json")
        assert response.status_code == 400 and field in response.json()
        assert not ListRelease.objects.exists()

    def test_every_member_reads_a_release_but_nobody_changes_it(self, world, api_for):
        release = releases.publish(YEAR, "resources", by=world.alliance_admin, note="联席会议")
        url = f"{API}/releases/{release.uuid}/"
        data = api_for(world.member).get(url).json()
        assert (data["kind"], data["note"], data["snapshot"], data["published_by"]) == (
            "resources",
            "联席会议",
            [],
            str(world.alliance_admin),
        )
        assert api_for(world.alliance_admin).patch(url, {"note": "改写"}, format="json").status_code == 405
        assert api_for(world.alliance_admin).delete(url).status_code == 405
        assert ListRelease.objects.get().note == "联席会议"

    def test_it_asks_anonymous_callers_to_sign_in(self, world, api_for):
        from rest_framework.test import APIClient

        release = releases.publish(YEAR, "needs", by=world.alliance_admin)
        assert APIClient().get(f"{API}/releases/{release.uuid}/").status_code == 401
        assert APIClient().get(f"{API}/releases/").status_code == 401


class TestModel:
    @pytest.mark.parametrize("featured", ["e0e3a2b8-0000-4000-8000-000000000000", [1, 2], {"uuid": "x"}])
    def test_it_refuses_featured_items_that_are_not_a_list_of_identifiers(self, world, featured):
        release = ListRelease(year=YEAR, kind="needs", featured=featured)
        with pytest.raises(ValidationError) as info:
            release.full_clean()
        assert info.value.message_dict == {"featured": ["重点推荐事项必须是标识符列表。"]}

    def test_the_current_release_is_per_year_and_list(self, world):
        needs = releases.publish(YEAR, "needs", by=world.alliance_admin)
        resources = releases.publish(YEAR, "resources", by=world.alliance_admin)
        older = releases.publish(YEAR, "needs", by=world.alliance_admin)
        ListRelease.objects.filter(pk=older.pk).update(published_at=needs.published_at - datetime.timedelta(days=1))
        assert ListRelease.objects.latest_for(YEAR, "needs") == needs
        assert ListRelease.objects.latest_for(YEAR, "resources") == resources
        assert ListRelease.objects.latest_for(YEAR, "projects") is None
        assert ListRelease.objects.latest_for(YEAR + 1, "needs") is None


class TestProjectsOfAYear:
    def project(self, world, title, created, status="planning", archived=False):
        project = Project.objects.create(title=title, lead=world.own_org)
        Project.objects.filter(pk=project.pk).update(created_at=created, status=status, archived_at=timezone.now() if archived else None)
        return project

    def test_it_takes_the_years_projects_and_those_still_running_into_it(self, world):
        self.project(world, "今年开始已完成", at(YEAR), status="completed")
        self.project(world, "去年开始仍在进行", at(YEAR - 1), status="active")
        self.project(world, "去年开始仍在筹备", at(YEAR - 1), status="planning")
        self.project(world, "去年已完成", at(YEAR - 1), status="completed")
        self.project(world, "明年才开始", at(YEAR + 1, 1, 1), status="active")
        self.project(world, "今年开始已归档", at(YEAR), archived=True)
        titles = {row["title"] for row in releases.snapshot_rows(YEAR, "projects")}
        assert titles == {"今年开始已完成", "去年开始仍在进行", "去年开始仍在筹备"}


class TestResourcesList:
    def test_it_freezes_reach_capacity_availability_and_featured_resources(self, world, make_resource, make_need):
        featured = make_resource(title="学生设计团队", region=world.district, available_until=datetime.date(YEAR, 12, 31))
        plain = make_resource(title="会议室", capacity=2, capacity_unit="间")
        for resource in (featured, plain):
            resource.publish(effective_at=at(YEAR))
        rows = {
            row["title"]: row for row in releases.publish(YEAR, "resources", by=world.alliance_admin, featured=[featured.uuid]).snapshot
        }
        assert rows["学生设计团队"] | {"uuid": ""} == {
            "uuid": "",
            "title": "学生设计团队",
            "organization": world.own_org.name,
            "category": "设计规划",
            "region": "松江区",
            "capacity": "20 名学生设计师",
            "available_until": f"{YEAR}-12-31",
            "status": "published",
            "featured": True,
        }
        assert (rows["会议室"]["region"], rows["会议室"]["capacity"], rows["会议室"]["available_until"], rows["会议室"]["featured"]) == (
            "",
            "2 间",
            "",
            False,
        )

    def test_it_exports_the_resources_list_with_its_own_columns(self, world, client_for, make_resource):
        resource = make_resource(title="学生设计团队")
        resource.publish(effective_at=at(YEAR))
        release = releases.publish(YEAR, "resources", by=world.alliance_admin, featured=[resource.uuid])
        export = client_for(world.member).get(release.get_absolute_url() + "?export=xlsx")
        rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
        header = next(i for i, row in enumerate(rows) if row[0] == "标题")
        assert list(rows[header]) == ["标题", "组织", "分类", "服务范围", "可用数量", "可用截止日期", "状态", "重点推荐"]
        assert list(rows[header + 1]) == ["学生设计团队", world.own_org.name, "设计规划", None, "20 名学生设计师", None, "已发布", "是"]


class TestReleasePage:
    def test_it_preselects_the_list_asked_for(self, world, client_for):
        form = client_for(world.alliance_admin).get(reverse("exchange:release_create") + "?kind=resources").context["form"]
        assert form["kind"].value() == "resources" and form["year"].value() == timezone.localdate().year

    def test_it_shows_a_year_out_of_range_on_the_form(self, world, client_for):
        response = client_for(world.alliance_admin).post(reverse("exchange:release_create"), {"year": 1999, "kind": "needs"})
        assert response.status_code == 200 and list(response.context["form"].errors) == ["year"]
        assert not ListRelease.objects.exists()

    def test_it_does_not_find_an_unknown_release(self, world, client_for):
        release = releases.publish(YEAR, "needs", by=world.alliance_admin)
        release.delete()
        assert client_for(world.member).get(release.get_absolute_url()).status_code == 404
