import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongjian.audit.models import Action, Record
from gongjian.lib.testing import make_user

from .helpers import log_in

PROFILE = reverse("accounts:profile")
TOKEN = reverse("accounts:api_token")


@pytest.fixture
def member(client, db):
    user = make_user("zhangwei", email="zhang@example.cn")
    log_in(client, "zhangwei")
    return user


def test_it_shows_my_account_without_caching(client, member):
    page = client.get(PROFILE)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "zhangwei" in page.content.decode()
    assert len(page.context["recent_logins"]) == 1


def test_it_saves_my_email(client, member):
    assert client.post(PROFILE, {"email": "wei@example.cn"}).status_code == 302
    member.refresh_from_db()
    assert member.email == "wei@example.cn"
    assert client.post(PROFILE, {"email": "not-an-email"}).status_code == 200


def test_it_shows_a_new_api_token_once_and_it_works(client, member):
    response = client.post(TOKEN, {"action": "create"})
    key = response.context["new_token"]
    assert Token.objects.get(user=member).key == key
    assert key not in client.get(PROFILE).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/accounts/users/me/").json()["username"] == "zhangwei"
    replaced = client.post(TOKEN, {"action": "create"}).context["new_token"]
    assert replaced != key
    assert api.get("/api/v1/accounts/users/me/").status_code == 401
    client.post(TOKEN, {"action": "revoke"})
    assert not Token.objects.filter(user=member).exists()
    events = list(Record.objects.filter(action=Action.API_TOKEN).order_by("pk").values_list("changes__event", flat=True))
    assert events == ["created", "created", "revoked"]
    assert not any(key in r.canonical().decode() for r in Record.objects.all())


def test_it_creates_tokens_by_post_only(client, member):
    assert client.get(TOKEN).status_code == 405


def test_it_needs_a_login_for_my_account(client, db):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
