import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.audit.models import Action, Record
from gongjian.lib.testing import PASSWORD, make_user

PROFILE = reverse("accounts:profile")


@pytest.fixture
def signed_in(client, db):
    make_user("zhangwei")
    response = client.post(reverse("accounts:login"), {"username": "zhangwei", "password": PASSWORD})
    assert response.status_code == 302
    return client


def later(minutes):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=minutes))


def test_it_configures_idle_timeout_and_absolute_lifetime_within_policy():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_SECONDS <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY


def test_it_ends_an_idle_session_after_thirty_minutes(signed_in):
    with later(29):
        assert signed_in.get(PROFILE).status_code == 200
    # The request at minute 29 renewed the session; 31 idle minutes after it, it is gone.
    with later(29 + 31):
        response = signed_in.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_keeps_an_active_session_alive(signed_in):
    for minutes in (20, 40, 60):
        with later(minutes):
            assert signed_in.get(PROFILE).status_code == 200


def test_it_ends_a_session_after_twelve_hours_however_active(signed_in):
    session = signed_in.session
    session["started_at"] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = signed_in.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert signed_in.get(PROFILE).status_code == 302


def test_it_starts_the_lifetime_clock_at_login(signed_in):
    assert time.time() - signed_in.session["started_at"] < 60


def test_it_ends_the_session_on_the_server_at_logout_and_refuses_a_replayed_cookie(signed_in):
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=cookie).exists()
    response = signed_in.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replay.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Record.objects.filter(action=Action.LOGOUT).count() == 1


def test_it_logs_out_only_by_post(signed_in):
    assert signed_in.get(reverse("accounts:logout")).status_code == 405
    assert signed_in.get(PROFILE).status_code == 200


def test_it_issues_a_new_session_key_at_login(client, db):
    make_user("zhangwei")
    client.get(reverse("accounts:login"))
    client.cookies[settings.SESSION_COOKIE_NAME] = "fixated-session-key-0123456789ab"
    client.post(reverse("accounts:login"), {"username": "zhangwei", "password": PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != "fixated-session-key-0123456789ab"
