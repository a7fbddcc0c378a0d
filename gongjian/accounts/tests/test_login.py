import pytest
from django.urls import reverse

from gongjian.accounts.models import User
from gongjian.audit.models import Action, Outcome, Record
from gongjian.lib.testing import PASSWORD, make_user

LOGIN = reverse("accounts:login")


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=extra.get("ip", "127.0.0.1"))


@pytest.fixture
def member(db):
    return make_user("zhangwei")


def test_it_logs_in_and_records_ip_and_outcome(client, member):
    response = post_login(client, "zhangwei", PASSWORD, ip="10.1.2.3")
    assert response.status_code == 302
    assert response.url == reverse("home")
    entry = Record.objects.get(action=Action.LOGIN)
    assert entry.ip == "10.1.2.3"
    assert entry.outcome == Outcome.SUCCESS
    assert entry.actor == member
    assert entry.created_at.tzinfo is not None


def test_it_matches_login_names_case_insensitively(client, member):
    response = post_login(client, "ZhangWei", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_it_gives_the_same_message_for_unknown_user_and_wrong_password(client, member):
    wrong_password = post_login(client, "zhangwei", "Wrong-Passw0rd!")
    unknown_user = post_login(client, "nobody", PASSWORD)
    member.is_active = False
    member.save()
    disabled = post_login(client, "zhangwei", PASSWORD)
    for response in (wrong_password, unknown_user, disabled):
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == ["登录名或密码错误。"]
    assert "_auth_user_id" not in client.session


def test_it_records_failed_logins_with_name_ip_and_outcome_but_no_password(client, member):
    post_login(client, "zhangwei", "Wrong-Passw0rd!", ip="10.9.9.9")
    entry = Record.objects.get(action=Action.LOGIN_FAILED)
    assert entry.actor is None
    assert entry.actor_name == "zhangwei"
    assert entry.ip == "10.9.9.9"
    assert entry.outcome == Outcome.FAILURE
    assert "Wrong-Passw0rd!" not in entry.canonical().decode()


def test_it_locks_the_account_after_five_failures_even_for_the_right_password(client, member):
    for _ in range(4):
        response = post_login(client, "zhangwei", "Wrong-Passw0rd!")
        assert response.status_code == 200
    fifth = post_login(client, "zhangwei", "Wrong-Passw0rd!")
    assert fifth.status_code == 429
    assert "15 分钟" in fifth.content.decode()
    right = post_login(client, "ZHANGWEI", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert Record.objects.filter(action=Action.LOCKOUT, outcome=Outcome.FAILURE, actor_name="zhangwei").exists()
    assert Record.objects.filter(action=Action.LOGIN_FAILED).count() >= 5


def test_it_locks_an_unknown_name_with_the_same_message(client, member):
    responses = [post_login(client, "ghost", "Wrong-Passw0rd!", ip="10.0.0.1") for _ in range(5)]
    known = [post_login(client, "zhangwei", "Wrong-Passw0rd!", ip="10.0.0.2") for _ in range(5)]
    assert responses[-1].status_code == known[-1].status_code == 429
    assert responses[-1].content.decode().count("尝试失败次数过多") == 1
    assert known[-1].context["error"] == responses[-1].context["error"]


def test_it_locks_the_source_address_across_login_names(client, member):
    for i in range(5):
        post_login(client, f"guess{i}", "Wrong-Passw0rd!", ip="10.6.6.6")
    from_locked_address = post_login(client, "zhangwei", PASSWORD, ip="10.6.6.6")
    assert from_locked_address.status_code == 429
    from_elsewhere = post_login(client, "zhangwei", PASSWORD, ip="10.7.7.7")
    assert from_elsewhere.status_code == 302


def test_it_unlocks_after_the_cool_off(client, member, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    for _ in range(5):
        post_login(client, "zhangwei", "Wrong-Passw0rd!")
    assert post_login(client, "zhangwei", PASSWORD).status_code == 302


def test_it_resets_the_failure_count_after_a_success(client, member):
    for _ in range(4):
        post_login(client, "zhangwei", "Wrong-Passw0rd!")
    assert post_login(client, "zhangwei", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        post_login(client, "zhangwei", "Wrong-Passw0rd!")
    assert post_login(client, "zhangwei", PASSWORD).status_code == 302


def test_it_redirects_to_a_safe_next_only(client, member):
    response = client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("home")
    client.post(reverse("accounts:logout"))
    response = client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD, "next": "/accounts/profile/"})
    assert response.url == "/accounts/profile/"


def test_it_ships_no_accounts(db):
    assert not User.objects.exists()


def test_it_records_no_account_change_for_a_login(client, member):
    post_login(client, "zhangwei", PASSWORD)
    actions = set(Record.objects.filter(object_type="accounts.user").values_list("action", flat=True))
    assert actions == {Action.CREATE, Action.LOGIN}
