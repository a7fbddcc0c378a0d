"""TOTP enrolment and verification, and single-use recovery codes (SECURITY.md item 4).

An account has at most one confirmed authenticator (a TOTPDevice) and one
StaticDevice holding its recovery codes. Enrolling a new authenticator
replaces the old one and issues fresh recovery codes.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongjian.audit.models import Action, Outcome
from gongjian.audit.recording import record

AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page; the same one until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def qr_data_uri(device) -> str:
    # An inline SVG image: the CSP allows data: images, and no secret leaves the server.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def manual_key(device) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def new_recovery_codes(user) -> list[str]:
    """Replace any recovery codes with a fresh set; the caller shows them once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def confirm(request, device, token) -> list[str] | None:
    """Confirm a pending authenticator with its first code.

    On success the new device replaces every older one, this session counts
    as verified and fresh recovery codes are returned; on failure, None.
    """
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(token):
            record(Action.TWO_FACTOR, user, changes={"event": "enrolment"}, outcome=Outcome.FAILURE, request=request)
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    otp_login(request, device)
    record(Action.TWO_FACTOR, user, changes={"event": "enrolment"}, request=request)
    return codes


def verify(request, token):
    """Check a six-digit code or a recovery code for the signed-in user; mark the session verified."""
    user = request.user
    model, method = (TOTPDevice, "totp") if token.isdigit() and len(token) == 6 else (StaticDevice, "recovery_code")
    matched = None
    with transaction.atomic():
        # Row locks stop one code from being accepted twice by concurrent requests.
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(token):
                matched = device
                break
    if matched is None:
        record(Action.TWO_FACTOR, user, changes={"event": "verification", "method": method}, outcome=Outcome.FAILURE, request=request)
        return None
    otp_login(request, matched)
    record(Action.TWO_FACTOR, user, changes={"event": "verification", "method": method}, request=request)
    return matched


def reset(user, by=None):
    """Remove every second factor: the user enrols again at the next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(Action.TWO_FACTOR, user, changes={"event": "reset"}, actor=by)
