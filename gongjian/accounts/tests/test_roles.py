"""Who may administer whom, as verbs on User (三员分立)."""

import pytest
from django.core.exceptions import ValidationError

from gongjian.accounts.models import User
from gongjian.lib.testing import make_user
from gongjian.orgs.models import Person


@pytest.fixture
def people(admins, world):
    return {
        "system": admins.system,
        "security": admins.security,
        "audit": admins.audit,
        "superuser": admins.superuser,
        "alliance": world.alliance_admin,
        "member": world.member,
    }


@pytest.mark.parametrize(
    "who, manages",
    [
        ("system", {"alliance", "member"}),
        ("security", set()),
        ("audit", set()),
        ("superuser", {"system", "security", "audit", "alliance", "member"}),
        ("alliance", set()),
        ("member", set()),
    ],
)
def test_it_decides_who_manages_which_account(people, who, manages):
    actor = people[who]
    assert {name for name, other in people.items() if actor.may_manage(other)} == manages


@pytest.mark.parametrize(
    "who, changes",
    [
        ("system", set()),
        ("security", {"system", "audit", "alliance", "member"}),
        ("audit", set()),
        ("superuser", {"system", "security", "audit", "alliance", "member"}),
        ("alliance", set()),
    ],
)
def test_it_decides_who_changes_whose_roles(people, who, changes):
    actor = people[who]
    assert {name for name, other in people.items() if actor.may_change_roles_of(other)} == changes


def test_it_names_each_role(people):
    labels = {name: user.role_label() for name, user in people.items()}
    assert labels == {
        "system": "系统管理员",
        "security": "安全管理员",
        "audit": "审计管理员",
        "superuser": "超级用户",
        "alliance": "联盟管理员",
        "member": "",
    }


def test_it_reads_the_audit_trail_only_as_audit_admin_or_superuser(people):
    assert {name for name, user in people.items() if user.may_read_audit} == {"audit", "superuser"}
    assert {name for name, user in people.items() if user.may_view_accounts} == {"system", "security", "audit", "superuser"}


def test_it_refuses_an_admin_role_on_an_alliance_admin_in_clean(db):
    user = User(username="both", password="x", is_alliance_admin=True, admin_role="system")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert list(error.value.message_dict) == ["admin_role"]


def test_it_searches_by_login_name_email_and_person(db):
    make_user("zhangwei", email="zw@example.cn", person=Person.objects.create(name="张伟"))
    make_user("liuyang")
    assert [u.username for u in User.objects.search("张")] == ["zhangwei"]
    assert [u.username for u in User.objects.search("ZW@")] == ["zhangwei"]
    assert User.objects.search("").count() == 2
