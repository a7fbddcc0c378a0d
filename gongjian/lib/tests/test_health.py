"""The health check monitors and load balancers poll (gongjian/lib/health.py)."""

from unittest import mock

from django.db import OperationalError


def test_it_answers_ok_without_a_login_or_a_session(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_it_answers_503_when_the_database_does_not(client, db, caplog):
    with mock.patch("gongjian.lib.health.connection.cursor", side_effect=OperationalError("could not connect to server: host=db password=x")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert b"database unavailable" in response.content
    assert "OperationalError" in caplog.text and "password" not in caplog.text


def test_it_is_not_redirected_to_https_for_a_probe_on_the_loopback_port(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_it_takes_only_safe_methods(client, db):
    assert client.post("/health/").status_code == 405
    assert client.head("/health/").status_code == 200
