"""Logins, failed logins, lockouts and logouts through the real login page, as the audit administrator reads them."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.audit.models import Action, Outcome, Record, verify_chain
from gongjian.lib.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LIST = reverse("audit:record_list")
API = "/api/v1/audit/records/"
WRONG = "Wrong-Passw0rd!"


def post_login(client, username, password, ip="10.3.3.3", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def zhang(db):
    return make_user("zhangwei")


def test_a_failed_login_is_found_by_its_address_and_never_shows_the_password(client, client_for, api_for, admins, zhang):
    post_login(client, "zhangwei", WRONG, ip="10.3.3.3")
    entry = Record.objects.get(action=Action.LOGIN_FAILED)
    assert (entry.actor, entry.actor_name, entry.object_repr, entry.ip, entry.outcome) == (
        None,
        "zhangwei",
        "zhangwei",
        "10.3.3.3",
        Outcome.FAILURE,
    )
    assert (entry.object_type, entry.object_id) == ("", ""), "a failed attempt is not linked to the account it named"
    auditor = client_for(admins.audit)
    page = auditor.get(LIST, {"ip": "10.3.3.3", "action": "login_failed"})
    assert [r.pk for r in page.context["object_list"]] == [entry.pk]
    detail = auditor.get(reverse("audit:record_detail", args=[entry.pk])).content.decode()
    assert "登录失败" in detail and '<dd class="col-sm-8">失败</dd>' in detail and "10.3.3.3" in detail
    export = auditor.get(LIST, {"export": "xlsx", "action": "login_failed"}).content
    cells = [cell for row in load_workbook(io.BytesIO(export)).worksheets[0].iter_rows(values_only=True) for cell in row]
    api = api_for(admins.audit).get(API, {"action": "login_failed"}).content.decode()
    for shown in (page.content.decode(), detail, api, str(cells)):
        assert WRONG not in shown


def test_a_failed_login_of_an_unknown_name_is_recorded_under_that_name(client, api_for, admins, zhang):
    post_login(client, "ghost", WRONG)
    body = api_for(admins.audit).get(API, {"actor": "ghost"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["action"], row["action_display"], row["outcome_display"], row["object_repr"]) == (
        "login_failed",
        "登录失败",
        "失败",
        "ghost",
    )


def test_a_login_is_recorded_on_the_account_and_found_by_it(client, client_for, api_for, admins, zhang):
    post_login(client, "ZhangWei", PASSWORD, ip="10.4.4.4")
    entry = Record.objects.get(action=Action.LOGIN)
    assert (entry.actor, entry.actor_name, entry.ip, entry.outcome) == (zhang, "zhangwei", "10.4.4.4", Outcome.SUCCESS)
    params = {"object_type": "accounts.user", "object_id": str(zhang.pk)}
    page = client_for(admins.audit).get(LIST, params)
    assert [(r.action, r.actor_name) for r in page.context["object_list"]] == [("login", "zhangwei"), ("create", "")]
    body = api_for(admins.audit).get(API, {**params, "action": "login"}).json()
    assert [(row["id"], row["action_display"], row["object_type_display"]) for row in body["results"]] == [(entry.pk, "登录", "用户")]


def test_a_logout_is_recorded_after_the_login_it_ends(client, zhang):
    post_login(client, "zhangwei", PASSWORD, ip="10.4.4.4")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.4.4.5")
    login, logout = Record.objects.filter(actor=zhang).order_by("pk")
    assert (login.action, logout.action) == (Action.LOGIN, Action.LOGOUT)
    assert (logout.object_type, logout.object_id, logout.ip) == ("accounts.user", str(zhang.pk), "10.4.4.5")
    assert logout.prev_mac == login.mac and verify_chain() is None


def test_a_lockout_is_recorded_beside_the_failures_that_caused_it(client, api_for, admins, zhang):
    for _ in range(5):
        post_login(client, "zhangwei", WRONG, ip="10.5.5.5")
    post_login(client, "zhangwei", PASSWORD, ip="10.5.5.5")  # the right password, too late
    assert not Record.objects.filter(action=Action.LOGIN).exists()
    api = api_for(admins.audit)
    lockouts = api.get(API, {"action": "lockout"}).json()["results"]
    assert lockouts and {(row["actor_name"], row["outcome"], row["action_display"]) for row in lockouts} == {
        ("zhangwei", "failure", "账号锁定")
    }
    failures = api.get(API, {"actor": "zhangwei", "outcome": "failure", "ip": "10.5.5.5", "page_size": 100}).json()
    assert {row["action"] for row in failures["results"]} == {"login_failed", "lockout"}
    assert verify_chain() is None


def test_a_forged_forwarded_address_does_not_reach_the_trail(client, zhang, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    post_login(client, "zhangwei", WRONG, ip="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    post_login(client, "zhangwei", WRONG, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert list(Record.objects.filter(action=Action.LOGIN_FAILED).order_by("pk").values_list("ip", flat=True)) == [
        "203.0.113.9",
        "198.51.100.7",
    ]
