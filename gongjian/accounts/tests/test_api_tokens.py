"""API tokens and the second factor (SECURITY.md item 4).

A token is issued once and then used without a session, so the second factor a
role requires is checked on every token request, and a token does not survive
a change of the role, the activation or the password it was issued under.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from gongjian.accounts.models import User
from gongjian.accounts.tokens import TwoFactorTokenAuthentication
from gongjian.audit.models import Action, Record
from gongjian.lib.testing import make_user
from gongjian.orgs.models import Membership, Person

from .helpers import log_in

ME = "/api/v1/accounts/users/me/"
PEOPLE = "/api/v1/orgs/people/"
USERS = "/api/v1/accounts/users/"
CREATE = reverse("accounts:api_token")
TOTP_REQUIRED = "该账户需先启用双因素认证（TOTP）后才能使用 API 令牌。"

# Each role that requires TOTP, as the model fields that grant it.
TOTP_ROLES = {
    "alliance_admin": {"is_alliance_admin": True},
    "system_admin": {"admin_role": "system"},
    "security_admin": {"admin_role": "security"},
    "audit_admin": {"admin_role": "audit"},
    "superuser": {"is_superuser": True, "is_staff": True},
}
ADMIN_ROLES = [name for name in TOTP_ROLES if name.endswith("_admin") and name != "alliance_admin"]


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def issue(user) -> str:
    return Token.objects.create(user=user).key


def confirm_authenticator(user):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def promote(user, fields):
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    user.save()


def revocations(user):
    return Record.objects.filter(action=Action.API_TOKEN, object_id=str(user.pk), changes__event="revoked")


def test_it_accepts_an_org_admins_token(world):
    key = issue(world.org_admin)
    assert not world.org_admin.requires_two_factor
    response = token_client(key).get(ME)
    assert response.status_code == 200 and response.json()["username"] == "orgadmin"


@pytest.mark.parametrize("role", list(TOTP_ROLES))
def test_it_revokes_an_org_admins_token_on_promotion(world, role):
    key = issue(world.org_admin)
    # Even with an authenticator, a token issued under the old role does not carry over.
    confirm_authenticator(world.org_admin)
    promote(world.org_admin, TOTP_ROLES[role])
    assert not Token.objects.filter(user=world.org_admin).exists()
    response = token_client(key).get(ME)
    assert response.status_code == 401
    assert token_client(key).get(PEOPLE).status_code == 401


@pytest.mark.parametrize("role", ["alliance_admin", *ADMIN_ROLES])
def test_it_revokes_the_token_when_the_security_admin_changes_the_role(world, admins, api_for, role):
    key = issue(world.org_admin)
    response = api_for(admins.security).post(f"{USERS}{world.org_admin.uuid}/roles/", TOTP_ROLES[role], format="json")
    assert response.status_code == 200, response.json()
    assert token_client(key).get(ME).status_code == 401
    entry = revocations(world.org_admin).get()
    assert entry.actor == admins.security
    assert entry.changes == {"event": "revoked", "reason": "role_change"}


@pytest.mark.parametrize("role", list(TOTP_ROLES))
def test_it_refuses_a_token_of_a_totp_role_without_a_confirmed_authenticator(db, role):
    user = make_user("promoted", **TOTP_ROLES[role])
    # A pending enrolment (scanned, never confirmed with a code) is not a second factor.
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    client = token_client(issue(user))
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["detail"] == TOTP_REQUIRED
    assert response["WWW-Authenticate"] == "Token"
    assert client.get(PEOPLE).status_code == 401


def test_it_keeps_the_alliance_admins_people_closed_without_an_authenticator(world):
    Person.objects.create(name="手机党员", phone="13800138000")
    client = token_client(issue(world.alliance_admin))
    response = client.get(PEOPLE)
    assert response.status_code == 401
    assert "13800138000" not in response.content.decode()
    confirm_authenticator(world.alliance_admin)
    assert client.get(PEOPLE).status_code == 200


@pytest.mark.parametrize("role", list(TOTP_ROLES))
def test_it_accepts_a_token_of_a_totp_role_with_a_confirmed_authenticator(db, role):
    user = make_user("enrolled", **TOTP_ROLES[role])
    confirm_authenticator(user)
    response = token_client(issue(user)).get(ME)
    assert response.status_code == 200 and response.json()["username"] == "enrolled"


def test_it_refuses_the_token_again_once_the_second_factor_is_reset(db):
    user = make_user("alliance", is_alliance_admin=True)
    confirm_authenticator(user)
    client = token_client(issue(user))
    assert client.get(ME).status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    assert client.get(ME).json()["detail"] == TOTP_REQUIRED


@pytest.mark.parametrize("role", list(TOTP_ROLES))
def test_it_revokes_the_token_on_demotion(db, role):
    user = make_user("demoted", **TOTP_ROLES[role])
    confirm_authenticator(user)
    key = issue(user)
    assert token_client(key).get(ME).status_code == 200
    promote(user, {"is_alliance_admin": False, "admin_role": "", "is_superuser": False, "is_staff": False})
    assert not Token.objects.filter(user=user).exists()
    assert token_client(key).get(ME).status_code == 401


@pytest.mark.parametrize(("field", "value"), [("is_staff", True), ("person", None)])
def test_it_revokes_the_token_on_other_changes_the_trail_calls_a_role_change(world, field, value):
    key = issue(world.org_admin)
    setattr(world.org_admin, field, value)
    world.org_admin.save()
    assert token_client(key).get(ME).status_code == 401


def test_it_keeps_the_token_across_profile_edits_logins_and_membership_changes(world, client):
    # Memberships give scope, not the second-factor requirement, and the scope is read
    # afresh on every request: a new or ended membership leaves the token alone.
    user = world.org_admin
    key = issue(user)
    user.email = "orgadmin@example.cn"
    user.save()
    log_in(client, "orgadmin")
    membership = Membership.objects.get(person=user.person)
    membership.role = Membership.Role.MEMBER
    membership.save()
    Membership.objects.create(person=user.person, organization=world.foreign_org, role=Membership.Role.ADMIN)
    assert token_client(key).get(ME).status_code == 200
    assert not revocations(user).exists()


def test_it_records_the_revocation_in_the_audit_trail(world):
    key = issue(world.org_admin)
    promote(world.org_admin, {"is_alliance_admin": True})
    role_change = Record.objects.get(action=Action.ROLE_CHANGE, object_id=str(world.org_admin.pk))
    revoked = revocations(world.org_admin).get()
    assert revoked.pk > role_change.pk
    assert revoked.changes == {"event": "revoked", "reason": "role_change"}
    assert revoked.object_type == "accounts.user"
    # The trail names the event, never the secret.
    assert key not in revoked.canonical().decode()


def test_it_records_no_revocation_when_there_was_no_token(world):
    promote(world.org_admin, {"is_alliance_admin": True})
    assert not revocations(world.org_admin).exists()


def test_it_revokes_the_token_when_the_system_admin_disables_the_account(world, admins, api_for, client_for):
    through_api, through_page = make_user("viaapi"), make_user("viapage")
    keys = [issue(through_api), issue(through_page)]
    assert api_for(admins.system).post(f"{USERS}{through_api.uuid}/set-active/", {"is_active": False}, format="json").status_code == 200
    client_for(admins.system).post(reverse("accounts:user_set_active", args=[through_page.uuid]), {"active": "0"})
    for user, key in zip((through_api, through_page), keys, strict=True):
        assert not Token.objects.filter(key=key).exists()
        assert revocations(user).get().changes == {"event": "revoked", "reason": "deactivated"}
    # Enabled again, the account needs a new token.
    client_for(admins.system).post(reverse("accounts:user_set_active", args=[through_page.uuid]), {"active": "1"})
    assert token_client(keys[1]).get(ME).status_code == 401


def test_it_revokes_the_token_of_a_dormant_account_the_command_disables(db):
    user = make_user("dormant")
    key = issue(user)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=120))
    call_command("list_dormant_accounts", "--disable", stdout=StringIO())
    assert not Token.objects.filter(key=key).exists()
    entry = revocations(user).get()
    assert entry.changes == {"event": "revoked", "reason": "deactivated"}
    assert entry.actor_name == "list_dormant_accounts"


def test_it_revokes_the_token_when_an_admin_resets_the_password(db, admins, api_for, client_for):
    new = "Songjiang-G60-Kechuang"
    through_api, through_page = make_user("viaapi"), make_user("viapage")
    keys = [issue(through_api), issue(through_page)]
    response = api_for(admins.system).post(f"{USERS}{through_api.uuid}/reset-password/", {"password": new}, format="json")
    assert response.status_code == 200
    response = client_for(admins.system).post(
        reverse("accounts:user_reset_password", args=[through_page.uuid]), {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    for user, key in zip((through_api, through_page), keys, strict=True):
        assert token_client(key).get(ME).status_code == 401
        entry = revocations(user).get()
        assert entry.changes == {"event": "revoked", "reason": "password_reset"}
        assert entry.actor == admins.system


def test_it_refuses_to_create_a_token_without_a_verified_second_factor(client, db):
    make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    response = client.post(CREATE, {"action": "create"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor_setup"))
    assert not Token.objects.exists()


@pytest.fixture
def no_account_policy(settings):
    """The view must hold on its own, not only behind the middleware that usually sends such a session away."""
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith(".AccountPolicyMiddleware")]


def test_it_refuses_to_create_a_token_for_an_account_without_an_authenticator(client, db, no_account_policy):
    make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    response = client.post(CREATE, {"action": "create"}, follow=False)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor_setup"))
    assert not Token.objects.exists()
    assert not Record.objects.filter(action=Action.API_TOKEN).exists()


def test_it_refuses_to_create_a_token_in_a_session_that_skipped_the_code(client, db, no_account_policy):
    user = make_user("alliance", is_alliance_admin=True)
    confirm_authenticator(user)
    old = issue(user)
    log_in(client, "alliance")
    response = client.post(CREATE, {"action": "create"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor_verify"))
    # Refused, so the old token is neither replaced nor revoked.
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [old]


def test_it_lets_a_session_without_a_verified_code_still_revoke_its_token(client, db, no_account_policy):
    user = make_user("alliance", is_alliance_admin=True)
    confirm_authenticator(user)
    issue(user)
    log_in(client, "alliance")
    client.post(CREATE, {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()


def test_it_creates_a_working_token_in_a_verified_session(client_for, db):
    user = make_user("alliance", is_alliance_admin=True)
    response = client_for(user).post(CREATE, {"action": "create"})
    assert response.status_code == 200
    assert token_client(response.context["new_token"]).get(ME).status_code == 200


def test_it_checks_tokens_with_the_second_factor_and_describes_them_in_the_schema(db):
    assert api_settings.DEFAULT_AUTHENTICATION_CLASSES[0] is TwoFactorTokenAuthentication
    schema = SchemaGenerator().get_schema(request=None, public=True)
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["name"] == "Authorization" and "Token" in scheme["description"]
    assert {"tokenAuth": []} in schema["paths"][ME]["get"]["security"]
