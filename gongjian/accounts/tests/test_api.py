import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.accounts.models import User
from gongjian.audit.models import Action, Record
from gongjian.lib.testing import make_user
from gongjian.orgs.models import Person

USERS = "/api/v1/accounts/users/"
NEW = "Songjiang-G60-Kechuang"


@pytest.fixture
def ordinary(db):
    return make_user("zhangwei")


def test_it_tells_every_user_who_they_are(api_for, world):
    data = api_for(world.member).get(USERS + "me/").json()
    assert data["username"] == "member"
    assert data["name"] == "支部党员"
    assert "password" not in data


@pytest.mark.parametrize("role", ["alliance_admin", "org_admin", "member", "outsider"])
def test_it_refuses_the_user_list_to_business_roles(api_for, world, role):
    assert api_for(world.users[role]).get(USERS).status_code == 403


def test_it_lists_users_to_the_audit_admin_read_only(api_for, admins, ordinary):
    client = api_for(admins.audit)
    names = [row["username"] for row in client.get(USERS).json()["results"]]
    assert names == ["auditor", "root", "secadmin", "sysadmin", "zhangwei"]
    assert client.get(USERS, {"q": "zhang"}).json()["count"] == 1
    assert client.post(USERS, {"username": "x", "password": NEW}).status_code == 403
    assert client.patch(f"{USERS}{ordinary.uuid}/", {"email": "x@example.cn"}).status_code == 403
    assert client.post(f"{USERS}{ordinary.uuid}/roles/", {"is_alliance_admin": True}).status_code == 403


def test_it_lists_users_with_a_constant_number_of_queries(api_for, admins):
    client = api_for(admins.system)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(USERS).status_code == 200
        return len(ctx)

    few = count()
    for i in range(20):
        make_user(f"user{i}", person=Person.objects.create(name=f"党员{i}"))
    assert count() == few


def test_it_creates_a_user_with_an_initial_password(api_for, admins):
    person = Person.objects.create(name="陈设计")
    response = api_for(admins.system).post(USERS, {"username": "chen", "password": NEW, "person": str(person.uuid)}, format="json")
    assert response.status_code == 201, response.json()
    user = User.objects.get(username="chen")
    assert user.must_change_password and user.check_password(NEW) and user.person == person
    assert "password" not in response.json()


def test_it_validates_new_users_like_the_form(api_for, admins, ordinary):
    client = api_for(admins.system)
    weak = client.post(USERS, {"username": "li", "password": "password"}, format="json")
    assert weak.status_code == 400 and "password" in weak.json()
    duplicate = client.post(USERS, {"username": "ZHANGWEI", "password": NEW}, format="json")
    assert duplicate.status_code == 400 and "username" in duplicate.json()
    missing = client.post(USERS, {"username": "wang"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()


def test_it_lets_the_security_admin_set_roles_within_the_separation(api_for, admins, ordinary):
    client = api_for(admins.security)
    ok = client.post(f"{USERS}{ordinary.uuid}/roles/", {"admin_role": "audit"}, format="json")
    assert ok.status_code == 200 and ok.json()["admin_role"] == "audit"
    clash = client.post(f"{USERS}{ordinary.uuid}/roles/", {"is_alliance_admin": True}, format="json")
    assert clash.status_code == 400
    assert "三员分立" in str(clash.json())
    ordinary.refresh_from_db()
    assert ordinary.admin_role == "audit" and not ordinary.is_alliance_admin
    assert client.post(f"{USERS}{admins.security.uuid}/roles/", {"admin_role": ""}, format="json").status_code == 403
    assert Record.objects.filter(action=Action.ROLE_CHANGE, object_id=str(ordinary.pk)).count() == 1


def test_it_lets_the_system_admin_deactivate_and_reset(api_for, admins, ordinary):
    client = api_for(admins.system)
    assert client.post(f"{USERS}{ordinary.uuid}/set-active/", {"is_active": "false"}, format="json").json()["is_active"] is False
    response = client.post(f"{USERS}{ordinary.uuid}/reset-password/", {"password": NEW}, format="json")
    assert response.status_code == 200 and response.json()["must_change_password"] is True
    assert client.post(f"{USERS}{ordinary.uuid}/reset-password/", {"password": "short"}, format="json").status_code == 400
    assert client.post(f"{USERS}{admins.audit.uuid}/reset-password/", {"password": NEW}, format="json").status_code == 403
    assert client.post(f"{USERS}{ordinary.uuid}/roles/", {"admin_role": "audit"}, format="json").status_code == 403
    assert client.patch(f"{USERS}{ordinary.uuid}/", {"password": NEW}, format="json").status_code == 400
