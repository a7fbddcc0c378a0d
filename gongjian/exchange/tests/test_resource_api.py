"""Resources through the API: the model's validation messages, read-only fields, and filters that agree with the list page."""

import datetime

import pytest
from django.urls import reverse

from gongjian.exchange.models import Resource
from gongjian.orgs.models import Organization

from .conftest import days

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


@pytest.fixture
def body(world, design):
    def _body(**fields):
        return {"organization": str(world.own_org.uuid), "title": "学生设计团队", "category": str(design.uuid), "capacity": 20, **fields}

    return _body


class TestValidation:
    @pytest.mark.parametrize(
        "fields, errors",
        [
            (
                {"available_from": "2024-06-01", "available_until": "2024-05-31"},
                {"available_until": ["可用截止日期不能早于开始日期。"]},
            ),
            ({"offers": "space", "seeks": "space"}, {"offers": ["同一条目不能既寻求又提供同一类帮助。"]}),
            ({"contact_phone": "12345"}, {"contact_phone": ["请输入有效的电话号码，例如 13800138000 或 021-57890000。"]}),
        ],
    )
    def test_it_answers_with_the_models_message(self, world, api_for, body, fields, errors):
        response = api_for(world.org_admin).post(f"{API}/resources/", body(**fields), format="json")
        assert response.status_code == 400 and response.json() == errors
        assert not Resource.objects.exists()

    def test_it_counts_the_reach_from_the_service_area_or_the_organization(self, world, api_for, body):
        client = api_for(world.org_admin)
        narrow = client.post(f"{API}/resources/", body(region=str(world.district.uuid), service_area="street"), format="json")
        assert narrow.json() == {"service_area": ["松江区 不在该级别的区域之内，请选择更大的覆盖范围。"]}
        # Without a region of its own, the resource is where its organization is (the district).
        assert client.post(f"{API}/resources/", body(service_area="city"), format="json").status_code == 201
        homeless = Organization.objects.create(name="无地区的支部", sector="social", kind="branch", parent=world.own_org)
        response = client.post(f"{API}/resources/", body(organization=str(homeless.uuid), service_area="city"), format="json")
        assert response.json() == {"service_area": ["请先选择服务区域：覆盖范围从它算起。"]}

    def test_it_refuses_a_negative_capacity(self, world, api_for, body):
        response = api_for(world.org_admin).post(f"{API}/resources/", body(capacity=-1), format="json")
        assert response.status_code == 400 and list(response.json()) == ["capacity"]

    def test_it_ignores_a_status_or_date_written_by_the_caller(self, world, api_for, body):
        posted = body(status="published", published_at="2024-01-01T00:00:00+08:00")
        data = api_for(world.org_admin).post(f"{API}/resources/", posted, format="json").json()
        assert (data["status"], data["published_at"]) == ("draft", None)
        resource = Resource.objects.get()
        assert (resource.status, resource.published_at, resource.created_by) == ("draft", None, world.org_admin)

    def test_it_refuses_moving_a_resource_to_an_organization_one_does_not_administer(self, world, api_for, make_resource):
        resource = make_resource()
        response = api_for(world.org_admin).patch(
            f"{API}/resources/{resource.uuid}/", {"organization": str(world.foreign_org.uuid)}, format="json"
        )
        assert response.status_code == 403
        assert Resource.objects.get(pk=resource.pk).organization == world.own_org

    def test_it_explains_an_illegal_move(self, world, api_for, make_resource):
        resource = make_resource(publish=True)
        client = api_for(world.org_admin)
        response = client.post(f"{API}/resources/{resource.uuid}/publish/", {}, format="json")
        assert response.status_code == 400 and response.json() == {"non_field_errors": ["不能将状态从“已发布”改为“已发布”。"]}
        assert client.post(f"{API}/resources/{resource.uuid}/close/", {"note": "学期结束"}, format="json").json()["status"] == "closed"
        assert client.post(f"{API}/resources/{resource.uuid}/close/", {}, format="json").json() == {
            "non_field_errors": ["不能将状态从“已关闭”改为“已关闭”。"]
        }
        assert resource.events.get(to_status="closed").note == "学期结束"


class TestFilters:
    @pytest.fixture
    def offers(self, world, make_resource, volunteering, enterprise):
        company, _admin = enterprise
        studio = make_resource(title="学生设计工作室", region=world.district, publish=True)
        helpers = make_resource(title="企业志愿者服务队", organization=company, category=volunteering, region=world.community, publish=True)
        closed = make_resource(title="暑期设计营", publish=True)
        closed.close(by=world.org_admin)
        Resource.objects.filter(pk=closed.pk).update(available_until=datetime.date(2024, 8, 31))
        return studio, helpers, closed

    @pytest.mark.parametrize(
        "params, expected",
        [
            ({}, {"学生设计工作室", "企业志愿者服务队", "暑期设计营"}),
            ({"status": "closed"}, {"暑期设计营"}),
            ({"sector": "enterprise"}, {"企业志愿者服务队"}),
            ({"sector": "school", "status": "published"}, {"学生设计工作室"}),
            ({"q": "设计"}, {"学生设计工作室", "暑期设计营"}),
            ({"q": "志愿 服务队"}, {"企业志愿者服务队"}),
        ],
    )
    def test_the_page_and_the_api_find_the_same_resources(self, world, client_for, api_for, offers, params, expected):
        page = client_for(world.member).get(reverse("exchange:resource_list"), params)
        api = api_for(world.member).get(f"{API}/resources/", params).json()["results"]
        assert {r.title for r in page.context["object_list"]} == expected
        assert {r["title"] for r in api} == expected

    def test_it_filters_by_category_and_by_region_with_everything_below_it(self, world, api_for, offers, volunteering):
        client = api_for(world.member)

        def titles(**params):
            return {r["title"] for r in client.get(f"{API}/resources/", params).json()["results"]}

        assert titles(category=volunteering.pk) == {"企业志愿者服务队"}
        assert titles(region=str(world.street.uuid)) == {"企业志愿者服务队"}
        assert titles(region=str(world.district.uuid)) == {"学生设计工作室", "企业志愿者服务队"}

    def test_it_answers_an_unknown_status_with_400(self, world, api_for, offers):
        response = api_for(world.member).get(f"{API}/resources/", {"status": "expired"})  # a need's status, not a resource's
        assert response.status_code == 400 and list(response.json()) == ["status"]


def test_a_resource_past_its_availability_is_due_to_close_the_day_after(world, make_resource):
    today = make_resource("今天最后一天", publish=True, available_until=days(0))
    late = make_resource("昨天结束", publish=True, available_until=days(-1))
    draft = make_resource("草稿", available_until=days(-1))
    assert list(Resource.objects.due_to_expire()) == [late]
    assert set(Resource.objects.due_to_expire(today=days(1))) == {today, late}
    assert draft not in Resource.objects.due_to_expire(today=days(5))
