"""Small helpers shared by the account tests."""

import time

from django.urls import reverse
from django_otp.oath import TOTP

from gongjian.lib.testing import PASSWORD, make_user


def newcomer(username="newcomer", **extra):
    """An account whose password an administrator set (must change it first)."""
    user = make_user(username, **extra)
    user.must_change_password = True
    user.save()
    return user


def totp_code(device, steps_ahead=0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})
