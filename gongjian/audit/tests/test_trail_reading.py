"""Reading the trail: nothing can be written through it, filters combine, and the export holds what the filters show."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongjian.audit.models import Action, Outcome, Record, verify_chain
from gongjian.audit.recording import record

pytestmark = pytest.mark.django_db

LIST = reverse("audit:record_list")
API = "/api/v1/audit/records/"
EXPORT_HEADERS = ["序号", "时间", "操作人", "来源 IP", "操作", "对象类型", "对象编号", "对象", "结果", "变更内容"]


@pytest.fixture
def entries(world):
    return {
        "failed": record(Action.LOGIN_FAILED, actor_name="zhangwei", outcome=Outcome.FAILURE, object_repr="zhangwei"),
        "login": record(Action.LOGIN, world.member, actor=world.member),
        "update": record(Action.UPDATE, world.own_org, actor=world.org_admin, changes={"address": ["", "文翔路1号"]}),
        "other": record(Action.UPDATE, world.foreign_org, actor=world.outsider, changes={"address": ["", "广富林路1号"]}),
    }


def sheet_rows(response):
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


# --- Append-only -----------------------------------------------------------------------------------


def test_the_pages_offer_no_way_to_write(client_for, admins, entries):
    client = client_for(admins.audit)
    entry = entries["failed"]
    for method in (client.post, client.put, client.delete, client.patch):
        assert method(LIST, {"action": "login"}).status_code == 405
    detail = reverse("audit:record_detail", args=[entry.pk])
    assert client.post(detail, {"actor_name": "someone", "outcome": "success"}).status_code == 405
    assert client.get(detail).status_code == 200
    stored = Record.objects.get(pk=entry.pk)
    assert (stored.actor_name, stored.outcome, stored.mac) == ("zhangwei", "failure", entry.mac)
    assert Record.objects.filter(pk__in=[e.pk for e in entries.values()]).count() == 4
    assert verify_chain() is None


def test_the_api_refuses_writes_to_the_whole_list(api_for, admins, entries):
    client = api_for(admins.audit)
    assert client.delete(API).status_code == 405
    assert client.put(API, {"actor_name": "x"}, format="json").status_code == 405
    assert client.patch(API, {"actor_name": "x"}, format="json").status_code == 405
    assert Record.objects.filter(pk__in=[e.pk for e in entries.values()]).count() == 4


def test_the_trail_page_has_no_create_button(client_for, admins, entries):
    page = client_for(admins.audit).get(LIST)
    assert page.context["can_create"] is False
    assert "/new/" not in page.content.decode()


# --- Filters -----------------------------------------------------------------------------------------


def test_filters_combine_on_the_page_and_in_the_api_alike(client_for, api_for, admins, entries):
    params = {"action": "update", "actor": "orgad"}
    page = client_for(admins.audit).get(LIST, params)
    api = api_for(admins.audit).get(API, params).json()
    assert [r.pk for r in page.context["object_list"]] == [row["id"] for row in api["results"]] == [entries["update"].pk]


def test_the_api_filters_by_date_and_refuses_a_bad_one(api_for, admins, entries):
    api = api_for(admins.audit)
    today = timezone.localdate()
    ids = {row["id"] for row in api.get(API, {"since": today.isoformat(), "page_size": 100}).json()["results"]}
    assert {e.pk for e in entries.values()} <= ids
    assert api.get(API, {"since": (today + timedelta(days=1)).isoformat()}).json()["count"] == 0
    assert api.get(API, {"until": (today - timedelta(days=1)).isoformat()}).json()["count"] == 0
    response = api.get(API, {"since": "not-a-date"})
    assert response.status_code == 400 and "since" in response.json()


def test_the_table_alone_answers_an_htmx_filter(client_for, admins, entries):
    client = client_for(admins.audit)
    partial = client.get(LIST, {"outcome": "failure"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table").content.decode()
    assert "<html" not in partial and "zhangwei" in partial and "登录失败" in partial and "text-bg-danger" in partial
    empty = client.get(LIST, {"actor": "nobody-at-all"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table").content.decode()
    assert "没有符合条件的记录。" in empty


def test_the_page_lists_newest_first(client_for, admins, entries):
    pks = [r.pk for r in client_for(admins.audit).get(LIST, {"per_page": 100}).context["object_list"]]
    assert pks == sorted(pks, reverse=True)


# --- Export ------------------------------------------------------------------------------------------


def test_the_export_holds_exactly_the_filtered_records_in_chinese(client_for, admins, world, entries):
    response = client_for(admins.audit).get(LIST, {"export": "xlsx", "action": "update", "object_type": "orgs.organization"})
    headers, rows = sheet_rows(response)
    assert headers == EXPORT_HEADERS
    expected = list(Record.objects.filter(action="update", object_type="orgs.organization").order_by("-pk").values_list("pk", flat=True))
    assert [row[0] for row in rows] == expected and entries["update"].pk in expected and entries["failed"].pk not in expected
    row = next(row for row in rows if row[0] == entries["update"].pk)
    assert row[2:9] == ("orgadmin", None, "修改", "组织", str(world.own_org.pk), "示例学院党委", "成功")
    assert "文翔路1号" in row[9]


def test_the_export_names_a_failed_login_as_such(client_for, admins, entries):
    _headers, rows = sheet_rows(client_for(admins.audit).get(LIST, {"export": "xlsx", "outcome": "failure"}))
    assert [row[0] for row in rows] == [entries["failed"].pk]
    assert rows[0][2] == "zhangwei" and rows[0][4] == "登录失败" and rows[0][8] == "失败"


def test_an_export_of_the_trail_is_itself_recorded_with_masked_filters(client_for, admins, entries):
    client_for(admins.audit).get(LIST, {"export": "xlsx", "actor": "13812348000", "action": "login_failed"})
    export = Record.objects.filter(action=Action.EXPORT).latest("pk")
    assert (export.actor, export.object_repr) == (admins.audit, "审计日志")
    assert export.changes["filters"]["action"] == "login_failed"
    assert "13812348000" not in str(export.changes)
    assert verify_chain() is None


# --- One record ------------------------------------------------------------------------------------


def test_a_record_of_a_model_that_is_gone_shows_its_stored_name(client_for, api_for, admins, db):
    entry = Record(action=Action.DELETE, actor_name="migrator", object_type="legacy.widget", object_id="7", object_repr="旧部件")
    entry.save()
    page = client_for(admins.audit).get(reverse("audit:record_detail", args=[entry.pk])).content.decode()
    assert "legacy.widget" in page and "旧部件" in page and "删除" in page
    body = api_for(admins.audit).get(f"{API}{entry.pk}/").json()
    assert (body["object_type"], body["object_type_display"], body["action_display"]) == ("legacy.widget", "legacy.widget", "删除")


def test_a_record_without_changes_shows_a_dash(client_for, admins, entries):
    page = client_for(admins.audit).get(reverse("audit:record_detail", args=[entries["login"].pk]))
    assert page.context["changes"] == []
    assert '<td colspan="3" class="text-muted">—</td>' in page.content.decode()
    assert f"审计记录 {entries['login'].pk}" in page.content.decode()
