import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.accounts.models import User
from gongjian.audit.models import Action, Record
from gongjian.lib.testing import PASSWORD, make_user
from gongjian.orgs.models import Person

from .helpers import log_in

NEW = "Songjiang-G60-Kechuang"


def url(name, user=None):
    return reverse(f"accounts:{name}", args=[user.uuid] if user is not None else [])


@pytest.fixture
def ordinary(db):
    return make_user("zhangwei", email="zhang@example.cn")


@pytest.mark.parametrize("role", ["alliance_admin", "org_admin", "member", "outsider"])
def test_it_keeps_business_roles_out_of_user_administration(client_for, world, ordinary, role):
    client = client_for(world.users[role])
    assert client.get(url("user_list")).status_code == 403
    assert client.get(url("user_create")).status_code == 403
    assert client.get(url("user_detail", ordinary)).status_code == 403
    assert client.get(url("user_edit", ordinary)).status_code == 403
    assert client.get(url("user_roles", ordinary)).status_code == 403
    assert client.post(url("user_set_active", ordinary), {"active": "0"}).status_code == 403
    assert client.post(url("user_reset_two_factor", ordinary)).status_code == 403
    assert client.get("/api/v1/accounts/users/").status_code == 403


@pytest.mark.parametrize(
    "who, list_, create, edit, roles",
    [
        ("system", 200, 200, 200, 403),
        ("security", 200, 403, 403, 200),
        ("audit", 200, 403, 403, 403),
        ("superuser", 200, 200, 200, 200),
    ],
)
def test_it_splits_user_administration_between_the_three_admins(client_for, admins, ordinary, who, list_, create, edit, roles):
    client = client_for(getattr(admins, who))
    assert client.get(url("user_list")).status_code == list_
    assert client.get(url("user_detail", ordinary)).status_code == 200
    assert client.get(url("user_create")).status_code == create
    assert client.get(url("user_edit", ordinary)).status_code == edit
    assert client.get(url("user_reset_password", ordinary)).status_code == edit
    assert client.get(url("user_roles", ordinary)).status_code == roles


def test_it_answers_404_for_an_unknown_account(client_for, admins):
    import uuid

    assert client_for(admins.system).get(reverse("accounts:user_detail", args=[uuid.uuid4()])).status_code == 404


def test_it_leaves_the_administrators_accounts_to_the_superuser(client_for, admins):
    system = client_for(admins.system)
    for target in (admins.security, admins.audit, admins.superuser):
        assert system.get(url("user_edit", target)).status_code == 403
        assert system.post(url("user_set_active", target), {"active": "0"}).status_code == 403
        assert system.get(url("user_reset_password", target)).status_code == 403
    assert client_for(admins.superuser).get(url("user_edit", admins.security)).status_code == 200
    assert client_for(admins.security).get(url("user_roles", admins.superuser)).status_code == 403


def test_it_lets_nobody_change_their_own_role_or_account_here(client_for, admins):
    for admin in (admins.system, admins.security, admins.superuser):
        client = client_for(admin)
        assert client.get(url("user_roles", admin)).status_code == 403
        assert client.post(url("user_roles", admin), {"admin_role": "", "is_alliance_admin": "on"}).status_code == 403
        assert client.post(url("user_set_active", admin), {"active": "0"}).status_code == 403
    admins.security.refresh_from_db()
    assert admins.security.admin_role == "security" and not admins.security.is_alliance_admin


def test_it_lists_and_searches_users(client_for, admins, ordinary):
    client = client_for(admins.system)
    page = client.get(url("user_list"), {"q": "ZHANG"})
    assert [u.username for u in page.context["object_list"]] == ["zhangwei"]
    assert page["Cache-Control"] == "no-store"
    by_role = client.get(url("user_list"), {"role": "audit"})
    assert [u.username for u in by_role.context["object_list"]] == ["auditor"]
    partial = client.get(url("user_list"), {"q": "zhang"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table")
    assert "<html" not in partial.content.decode() and "zhangwei" in partial.content.decode()


def test_it_lists_users_with_a_constant_number_of_queries(client_for, admins):
    client = client_for(admins.system)
    client.get(url("user_list"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("user_list"), {"per_page": 50}).status_code == 200
        return len(ctx)

    few = count()
    for i in range(30):
        make_user(f"user{i}", person=Person.objects.create(name=f"党员{i}"))
    assert count() == few


def test_it_creates_a_user_who_must_change_the_initial_password(client_for, admins, client):
    person = Person.objects.create(name="陈设计")
    response = client_for(admins.system).post(
        url("user_create"),
        {"username": "ChenSheji", "last_name": "陈", "first_name": "设计", "email": "chen@example.cn", "person": person.uuid,
         "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302
    user = User.objects.get(username="ChenSheji")
    assert response.url == user.get_absolute_url()
    assert user.must_change_password and user.person == person and user.check_password(NEW)
    entry = Record.objects.get(action=Action.CREATE, object_type="accounts.user", object_id=str(user.pk))
    assert entry.actor == admins.system
    assert entry.changes["email"] == ["", "c****@example.cn"]
    login = log_in(client, "chensheji", NEW)
    assert client.get(login.url).url.startswith(reverse("accounts:password_change"))


def test_it_refuses_a_duplicate_name_in_any_case_and_a_weak_password(client_for, admins, ordinary):
    response = client_for(admins.system).post(url("user_create"), {"username": "ZhangWei", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "username" in errors and "password2" in errors
    assert User.objects.filter(username__iexact="zhangwei").count() == 1


def test_it_shows_form_errors_to_htmx_requests_with_status_200(client_for, admins, ordinary):
    response = client_for(admins.system).post(
        url("user_create"), {"username": "zhangwei", "password1": NEW, "password2": NEW}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert response.context["form"].errors["username"]


def test_it_edits_an_account_and_records_the_masked_change(client_for, admins, ordinary):
    response = client_for(admins.system).post(
        url("user_edit", ordinary), {"username": "zhangwei", "last_name": "张", "first_name": "伟", "email": "wei@example.cn"}
    )
    assert response.status_code == 302
    ordinary.refresh_from_db()
    assert ordinary.email == "wei@example.cn"
    entry = Record.objects.filter(action=Action.UPDATE, object_id=str(ordinary.pk)).latest("pk")
    assert entry.changes["email"] == ["z****@example.cn", "w****@example.cn"]
    assert entry.changes["last_name"] == ["", "张"]


def test_it_deactivates_and_reactivates_an_account(client_for, admins, ordinary, client):
    session = client_for(ordinary)
    system = client_for(admins.system)
    assert system.post(url("user_set_active", ordinary), {"active": "0"}).status_code == 302
    ordinary.refresh_from_db()
    assert not ordinary.is_active
    assert session.get(reverse("accounts:profile")).status_code == 302  # the open session ends too
    assert log_in(client, "zhangwei").status_code == 200
    entry = Record.objects.get(action=Action.ROLE_CHANGE, object_id=str(ordinary.pk))
    assert entry.changes == {"is_active": [True, False]} and entry.actor == admins.system
    system.post(url("user_set_active", ordinary), {"active": "1"})
    assert log_in(client, "zhangwei").status_code == 302


def test_it_resets_a_password_and_forces_a_change(client_for, admins, ordinary, client):
    session = client_for(ordinary)
    response = client_for(admins.system).post(url("user_reset_password", ordinary), {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    ordinary.refresh_from_db()
    assert ordinary.must_change_password and ordinary.check_password(NEW)
    assert session.get(reverse("accounts:profile")).status_code == 302
    entry = Record.objects.get(action=Action.PASSWORD_CHANGE)
    assert entry.changes == {"reason": "reset_by_admin"} and entry.actor == admins.system and entry.object_id == str(ordinary.pk)
    assert client.get(log_in(client, "zhangwei", NEW).url).url.startswith(reverse("accounts:password_change"))


def test_it_lets_the_security_admin_change_roles_and_records_it(client_for, admins, ordinary):
    response = client_for(admins.security).post(url("user_roles", ordinary), {"is_alliance_admin": "on", "admin_role": ""}, REMOTE_ADDR="10.2.3.4")
    assert response.status_code == 302
    ordinary.refresh_from_db()
    assert ordinary.is_alliance_admin
    entry = Record.objects.get(action=Action.ROLE_CHANGE)
    assert entry.changes == {"is_alliance_admin": [False, True]}
    assert entry.actor == admins.security and entry.ip == "10.2.3.4" and entry.object_type == "accounts.user"


def test_it_explains_the_separation_of_the_three_admins_on_the_form(client_for, admins, ordinary):
    ordinary.is_alliance_admin = True
    ordinary.save()
    response = client_for(admins.security).post(url("user_roles", ordinary), {"is_alliance_admin": "on", "admin_role": "audit"})
    assert response.status_code == 200
    assert "三员分立" in str(response.context["form"].errors["admin_role"])
    ordinary.refresh_from_db()
    assert ordinary.admin_role == ""


def test_it_enforces_the_separation_in_the_database(db, ordinary):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=ordinary.pk).update(is_alliance_admin=True, admin_role="system")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=ordinary.pk).update(admin_role="root")


def test_it_shows_the_users_menu_to_the_account_admins_only(client_for, world, admins):
    def labels(user):
        menu = dict((key, items) for key, _, items in client_for(user).get("/").context["main_menu"])
        return [name for name, _ in menu["admin"]]

    assert "用户" in labels(admins.system)
    assert "用户" in labels(admins.security)
    assert "用户" not in labels(world.alliance_admin)
    assert "用户" not in labels(world.member)


def test_it_records_the_password_nowhere(client_for, admins):
    client_for(admins.system).post(url("user_create"), {"username": "lisi", "password1": NEW, "password2": NEW})
    assert User.objects.filter(username="lisi").exists()
    assert not any(NEW in r.canonical().decode() for r in Record.objects.all())
    assert PASSWORD


def test_it_filters_users_by_status(client_for, admins, ordinary):
    ordinary.is_active = False
    ordinary.save()
    client = client_for(admins.system)
    inactive = client.get(url("user_list"), {"status": "inactive"}).context["object_list"]
    assert [u.username for u in inactive] == ["zhangwei"]
    active = {u.username for u in client.get(url("user_list"), {"status": "active"}).context["object_list"]}
    assert "zhangwei" not in active and "sysadmin" in active
