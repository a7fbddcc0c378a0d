"""The shared test world: an alliance admin, an org admin, a member and an outsider.

    own_org (college 党委)            <- org_admin administers it
      └─ own_branch (a branch)        <- member belongs here
    foreign_org (a street 党工委)     <- outsider administers it

Every app's permission tests use these four users against own and foreign objects.
"""

from dataclasses import dataclass

from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongjian.accounts.models import User
from gongjian.orgs.models import Membership, Organization, Person, Region

PASSWORD = "Gj-test-Passw0rd!"


@dataclass
class World:
    city: Region
    district: Region
    street: Region
    community: Region
    own_org: Organization
    own_branch: Organization
    foreign_org: Organization
    alliance_admin: User
    org_admin: User
    member: User
    outsider: User

    @property
    def users(self):
        return {"alliance_admin": self.alliance_admin, "org_admin": self.org_admin, "member": self.member, "outsider": self.outsider}


def make_user(username, person=None, **extra) -> User:
    user = User(username=username, person=person, must_change_password=False, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_member(username, name, organization, role=Membership.Role.MEMBER, **extra) -> User:
    person = Person.objects.create(name=name)
    Membership.objects.create(person=person, organization=organization, role=role)
    return make_user(username, person=person, **extra)


def build_world() -> World:
    city = Region.objects.create(name="上海市", level=1)
    district = Region.objects.create(name="松江区", level=2, parent=city)
    street = Region.objects.create(name="广富林街道", level=3, parent=district)
    community = Region.objects.create(name="三新居民区", level=4, parent=street)
    own_org = Organization.objects.create(name="示例学院党委", short_name="示例学院", sector="school", kind="committee", region=district)
    own_branch = Organization.objects.create(
        name="工业设计系教工党支部", sector="school", kind="branch", parent=own_org, region=district
    )
    foreign_org = Organization.objects.create(name="广富林街道党工委", sector="government", kind="working_committee", region=street)
    alliance_admin = make_member("alliance", "联盟管理员", own_org, is_alliance_admin=True)
    org_admin = make_member("orgadmin", "学院管理员", own_org, role=Membership.Role.ADMIN)
    member = make_member("member", "支部党员", own_branch)
    outsider = make_member("outsider", "街道管理员", foreign_org, role=Membership.Role.ADMIN)
    return World(city, district, street, community, own_org, own_branch, foreign_org, alliance_admin, org_admin, member, outsider)


def verify_second_factor(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    return device


def sign_in(client, user):
    """Log a test client in, with a verified second factor where the role requires one."""
    client.force_login(user)
    if user.requires_two_factor:
        device = verify_second_factor(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def api_client_for(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    if user.requires_two_factor:
        # Tokens of such roles work only once an authenticator is confirmed (accounts.tokens).
        verify_second_factor(user)
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


__all__ = ["PASSWORD", "SessionStore", "World", "api_client_for", "build_world", "make_member", "make_user", "sign_in"]
