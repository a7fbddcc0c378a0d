"""The API's own errors are in Chinese (LANGUAGE_CODE zh-hans) and in one shape, {"detail": …}, or
field → messages for a 400; and its lists refuse parameters that are not what the schema says."""

import pytest
from django.test import override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from gongjian.lib.testing import make_user

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/orgs/organizations/"
NOWHERE = f"{ORGS}00000000-0000-0000-0000-000000000000/"


def detail(response):
    assert response["Content-Type"] == "application/json"
    return response.json()["detail"]


def test_it_answers_404_in_chinese_for_an_object_outside_the_scope(world, api_for):
    # get_object_or_404's own message is English and names the model.
    assert detail(api_for(world.org_admin).get(NOWHERE)) == "未找到。"
    # Every member reads the alliance directory; a foreign organization's writes and people are out of scope.
    assert detail(api_for(world.org_admin).patch(f"{ORGS}{world.foreign_org.uuid}/", {}, format="json")) == "未找到。"
    assert detail(api_for(world.org_admin).get(f"/api/v1/orgs/people/{world.outsider.person.uuid}/")) == "未找到。"


def test_it_answers_404_as_json_for_a_path_that_names_no_endpoint(world, api_for):
    response = api_for(world.org_admin).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert detail(response) == "未找到。"


def test_it_answers_405_in_chinese(world, api_for):
    response = api_for(world.org_admin).delete("/api/v1/accounts/users/me/")
    assert response.status_code == 405
    assert detail(response) == "方法 “DELETE” 不被允许。"


def test_it_answers_401_in_chinese_without_credentials_and_with_a_wrong_token():
    response = APIClient().get(ORGS)
    assert (response.status_code, detail(response)) == (401, "身份认证信息未提供。")
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-token").get(ORGS)
    assert (response.status_code, detail(response)) == (401, "认证令牌无效。")


def test_it_answers_403_in_chinese(world, api_for):
    response = api_for(world.org_admin).post("/api/v1/orgs/regions/", {"name": "新区"}, format="json")
    assert (response.status_code, detail(response)) == (403, "您没有执行该操作的权限。")


def test_it_answers_403_in_chinese_to_an_account_that_owes_a_password_change(world):
    user = make_user("newcomer")
    user.must_change_password = True
    user.save()
    client = APIClient()
    client.force_login(user)
    response = client.get(ORGS)
    assert response.status_code == 403
    assert response.json() == {"detail": "请先在浏览器中完成本账户的设置。", "action": "password_change"}


def test_it_answers_400_with_drf_and_project_messages_in_chinese(world, api_for):
    client = api_for(world.org_admin)
    response = client.post("/api/v1/exchange/claims/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["organization"] == ["该字段是必填项。"]
    response = client.post("/api/v1/exchange/claims/", {"organization": str(world.own_org.uuid)}, format="json")
    assert response.json() == {"non_field_errors": ["需求和资源只能且必须填写一项。"]}


def test_it_answers_a_malformed_body_with_a_400_in_chinese(world, api_for):
    response = api_for(world.org_admin).post("/api/v1/exchange/claims/", "{", content_type="application/json")
    assert (response.status_code, detail(response)) == (400, "错误的请求。")


def test_it_keys_every_400_by_field(world, api_for):
    # A ValidationError raised with a bare message still answers an object of messages.
    response = api_for(world.org_admin).get(ORGS, {"count": "maybe"})
    assert response.status_code == 400
    assert response.json() == {"count": ["请给出 true 或 false。"]}


@pytest.mark.parametrize("query", [{"count": ""}, {"count": "yes"}, {"page_size": "0"}, {"page_size": "ten"}, {"page_size": "²"}])
def test_it_refuses_list_parameters_that_are_not_what_the_schema_says(world, api_for, query):
    assert api_for(world.org_admin).get(ORGS, query).status_code == 400


@pytest.mark.parametrize("number", ["0", "", "x", "²", str(10**30)])
def test_it_answers_404_for_a_page_that_is_not_one(world, api_for, number):
    # A page past any list (10**30) overflowed the database's integers: a 500.
    assert api_for(world.org_admin).get(ORGS, {"page": number}).status_code == 404


@pytest.mark.parametrize("value", ["true", "false", "1", "0", "TRUE"])
def test_it_takes_the_count_flag_as_the_schema_writes_it(world, api_for, value):
    response = api_for(world.org_admin).get(ORGS, {"count": value, "page_size": "1"})
    assert response.status_code == 200
    assert (response.json()["count"] is not None) == (value.lower() in ("true", "1"))


@pytest.mark.parametrize("query", [{"region": ""}, {"status": ""}, {"status": "nonsense"}])
def test_it_refuses_a_filter_value_the_ui_form_would_read_as_not_given(world, api_for, query):
    response = api_for(world.org_admin).get(ORGS, query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_it_refuses_a_boolean_filter_that_is_neither_true_nor_false(world, api_for):
    client = api_for(world.org_admin)
    assert client.get("/api/v1/notifications/", {"unread": "maybe"}).status_code == 400
    assert client.get("/api/v1/notifications/", {"unread": "true"}).status_code == 200


def test_it_still_takes_an_empty_text_search(world, api_for):
    assert api_for(world.org_admin).get(ORGS, {"q": ""}).status_code == 200


THROTTLED = {**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "2/minute"}}


@override_settings(REST_FRAMEWORK=THROTTLED)
def test_it_answers_429_in_chinese_with_retry_after(world, api_for):
    client = api_for(world.org_admin)
    assert [client.get(ORGS).status_code for _ in range(2)] == [200, 200]
    response = client.get(ORGS)
    assert response.status_code == 429
    assert detail(response).startswith("请求过于频繁，请在 ")
    assert int(response["Retry-After"]) > 0


@override_settings(REST_FRAMEWORK=THROTTLED)
def test_it_throttles_anonymous_requests_by_address():
    # DRF checks permissions first, so this counts where anonymous requests are allowed: the schema.
    client = APIClient()
    assert [client.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]

