import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongjian.accounts import two_factor
from gongjian.audit.models import Action, Outcome, Record
from gongjian.lib.testing import PASSWORD, make_user

from .helpers import log_in, newcomer, totp_code

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


@pytest.fixture(autouse=True)
def no_throttle(settings):
    # django-otp's back-off would otherwise make a right code after a wrong one wait a second.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def enrol(client):
    """Walk the enrolment page as a person with a phone would; return the device and recovery codes."""
    client.get(SETUP)
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(SETUP, {"token": totp_code(device), "next": "/"})
    assert response.status_code == 200
    device.refresh_from_db()
    return device, response.context["codes"]


@pytest.mark.parametrize(
    "extra, required",
    [
        ({"is_superuser": True}, True),
        ({"is_alliance_admin": True}, True),
        ({"admin_role": "system"}, True),
        ({"admin_role": "security"}, True),
        ({"admin_role": "audit"}, True),
        ({}, False),
    ],
)
def test_it_requires_a_second_factor_for_the_admin_roles(db, extra, required):
    assert make_user("someone", **extra).requires_two_factor is required


def test_it_sends_an_admin_without_a_device_to_enrolment_first(client, db):
    make_user("alliance", is_alliance_admin=True)
    response = log_in(client, "alliance")
    assert client.get(response.url).url.startswith(SETUP)
    assert client.get(reverse("accounts:profile")).url.startswith(SETUP)
    api = client.get("/api/v1/accounts/users/me/")
    assert api.status_code == 403
    assert api.json()["action"] == "two_factor_setup"


def test_it_lets_a_member_in_with_a_password_only(client, db):
    make_user("member")
    log_in(client, "member")
    assert client.get("/").status_code == 200
    assert client.get(SETUP).url == reverse("accounts:profile")


def test_it_shows_a_qr_code_and_the_manual_key_for_the_same_pending_device(client, db):
    make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    first = client.get(SETUP)
    second = client.get(SETUP)
    device = TOTPDevice.objects.get()
    assert not device.confirmed
    assert first.context["qr"].startswith("data:image/svg+xml")
    assert first.context["key"] == second.context["key"] == two_factor.manual_key(device)
    assert first["Cache-Control"] == "no-store"
    assert "otpauth" not in first.content.decode()  # the secret is inside the image and the key only


def test_it_enrols_with_a_valid_code_and_shows_ten_recovery_codes_once(client, db):
    user = make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    device, codes = enrol(client)
    assert device.confirmed
    assert len(codes) == len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/").status_code == 200
    assert "recovery_codes" not in client.get(reverse("accounts:profile")).context
    entry = Record.objects.get(action=Action.TWO_FACTOR, outcome=Outcome.SUCCESS)
    assert entry.changes == {"event": "enrolment"}
    assert entry.ip == "127.0.0.1"


def test_it_refuses_a_wrong_enrolment_code(client, db):
    make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    client.get(SETUP)
    device = TOTPDevice.objects.get()
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"
    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").url.startswith(SETUP)
    assert Record.objects.filter(action=Action.TWO_FACTOR, outcome=Outcome.FAILURE).exists()


def test_it_asks_for_a_code_at_every_login_once_enrolled(client, db):
    make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    device, _ = enrol(client)
    client.post(reverse("accounts:logout"))
    response = log_in(client, "alliance")
    assert client.get(response.url).url.startswith(VERIFY)
    assert client.post(VERIFY, {"token": "000000"}).status_code == 200
    assert client.get("/").status_code == 302
    # The enrolment code is spent; the next period's code works.
    response = client.post(VERIFY + "?next=/accounts/profile/", {"token": totp_code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"
    assert client.get("/").status_code == 200
    methods = list(Record.objects.filter(action=Action.TWO_FACTOR).values_list("changes__event", "outcome"))
    assert ("verification", "failure") in methods and ("verification", "success") in methods


def test_it_refuses_a_code_used_before(client, db):
    make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    device, _ = enrol(client)
    client.post(reverse("accounts:logout"))
    log_in(client, "alliance")
    response = client.post(VERIFY, {"token": totp_code(device)})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_it_accepts_each_recovery_code_once(client, db):
    user = make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    _, codes = enrol(client)
    client.post(reverse("accounts:logout"))
    log_in(client, "alliance")
    response = client.post(VERIFY, {"token": codes[3].upper()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert two_factor.recovery_codes_left(user) == 9
    client.post(reverse("accounts:logout"))
    log_in(client, "alliance")
    assert client.post(VERIFY, {"token": codes[3]}).status_code == 200
    assert client.get("/").status_code == 302
    assert client.post(VERIFY, {"token": codes[4]}).status_code == 302
    entry = Record.objects.filter(action=Action.TWO_FACTOR, outcome=Outcome.SUCCESS).latest("pk")
    assert entry.changes == {"event": "verification", "method": "recovery_code"}


def test_it_keeps_setup_and_recovery_codes_closed_until_the_second_factor_is_passed(client, db):
    user = make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    _, codes = enrol(client)
    # Someone with the password only, in a new session:
    intruder = Client()
    log_in(intruder, "alliance")
    assert intruder.get(SETUP).url.startswith(VERIFY)
    assert intruder.post(SETUP, {"token": "123456"}).url.startswith(VERIFY)
    assert intruder.post(reverse("accounts:recovery_codes")).url.startswith(VERIFY)
    assert intruder.get(reverse("accounts:password_change")).url.startswith(VERIFY)
    assert intruder.post(reverse("accounts:api_token"), {"action": "create"}).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_it_asks_for_the_second_factor_before_an_initial_password_change(client, db):
    user = newcomer("alliance", is_alliance_admin=True)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    response = log_in(client, "alliance")
    assert client.get(response.url).url.startswith(VERIFY)
    assert client.get(reverse("accounts:password_change")).url.startswith(VERIFY)


def test_it_enrols_after_the_initial_password_change(client, db):
    newcomer("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    assert client.get("/").url.startswith(reverse("accounts:password_change"))
    new = "Songjiang-G60-Kechuang"
    response = client.post(reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert client.get(response.url).url.startswith(SETUP)


def test_it_makes_new_recovery_codes_and_voids_the_old_ones(client, db):
    user = make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    _, old_codes = enrol(client)
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert tokens == {code.replace("-", "") for code in new_codes}
    assert Record.objects.filter(action=Action.TWO_FACTOR, changes__event="recovery_codes").exists()


def test_it_replaces_the_authenticator_when_a_verified_user_enrols_again(client, db):
    user = make_user("alliance", is_alliance_admin=True)
    log_in(client, "alliance")
    old, _ = enrol(client)
    page = client.get(SETUP)
    assert page.context["replacing"]
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"token": totp_code(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_it_lets_the_system_admin_reset_a_lost_second_factor(client_for, admins, db):
    user = make_user("alliance", is_alliance_admin=True)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    two_factor.new_recovery_codes(user)
    response = client_for(admins.system).post(reverse("accounts:user_reset_two_factor", args=[user.uuid]))
    assert response.status_code == 302
    assert not two_factor.has_authenticator(user)
    assert two_factor.recovery_codes_left(user) == 0
    entry = Record.objects.get(action=Action.TWO_FACTOR, changes__event="reset")
    assert entry.actor == admins.system and entry.object_id == str(user.pk)
    client = Client()
    response = log_in(client, "alliance")
    assert client.get(response.url).url.startswith(SETUP)


def test_it_slows_down_guessing_of_codes(client, db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after one wrong guess, so a slow machine cannot outwait it
    user = make_user("alliance", is_alliance_admin=True)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    log_in(client, "alliance")
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"
    client.post(VERIFY, {"token": wrong})
    # Right after a wrong guess even the right code waits out the back-off.
    assert client.post(VERIFY, {"token": totp_code(device)}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_it_issues_the_configured_number_of_recovery_codes(db, settings):
    settings.RECOVERY_CODE_COUNT = 4
    user = make_user("alliance", is_alliance_admin=True)
    codes = two_factor.new_recovery_codes(user)
    assert len(codes) == 4
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    assert two_factor.new_recovery_codes(user) != codes
    assert two_factor.recovery_codes_left(user) == 4


def test_it_gives_a_manual_key_that_matches_the_device(db):
    from base64 import b32decode

    user = make_user("alliance", is_alliance_admin=True)
    device = two_factor.pending_device(user)
    assert two_factor.pending_device(user) == device
    key = two_factor.manual_key(device)
    assert b32decode(key.replace(" ", "")) == device.bin_key
    assert all(len(group) == 4 for group in key.split())


def test_it_rejects_codes_of_the_wrong_shape_before_checking_them(client, db):
    user = make_user("alliance", is_alliance_admin=True)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    log_in(client, "alliance")
    for token in ("12345", "abc!def", "", "x" * 17):
        response = client.post(VERIFY, {"token": token})
        assert response.status_code == 200 and response.context["form"].errors["token"]
    assert not Record.objects.filter(action=Action.TWO_FACTOR).exists()
