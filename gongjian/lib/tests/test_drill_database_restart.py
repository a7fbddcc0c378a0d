"""Fault drill: the database restarts under a running server (issue 13, SECURITY.md item 18).

gunicorn serves the site with the production config (one worker, so every request meets the same
persistent connection) on the test database. A PostgreSQL restart looks to the application like
every one of its connections being cut, which ``pg_terminate_backend`` does without touching the
server that other databases share. Three moments are drilled:

* between requests: the next request works (the connection's health is checked before it is reused);
* during a request: that request ends with a clean error page (or the API's error), the next one works;
* while the database refuses connections (the restart is not over yet): clean 500s, fast, in the
  page's and the API's shape; once it is back, requests work again.

Throughout, the gunicorn worker never dies and nothing already committed is lost.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from gongjian.exchange.models import Need
from gongjian.lib.testing_processes import Host, database_url, needs_postgres

pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]

REQUEST_SECONDS = 20
PAGE_500 = "系统出现错误。您已保存的内容不会丢失，请稍后重试。"
API_500 = {"detail": "服务器出现错误。"}
PAGE_400 = "请求未能完成，请返回后重试。"


def cut_connections(*keep) -> int:
    """What a database restart does to the application: every connection to the database ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> ALL(%s)",
            [[connection.connection.info.backend_pid, *keep]],
        )
        return cursor.fetchone()[0]


def refuse_connections(refuse: bool):
    """Make the test database refuse new connections, as one being restarted does (set from the maintenance database)."""
    maintenance = urlunsplit(urlsplit(database_url())._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" ALLOW_CONNECTIONS {"false" if refuse else "true"}')


def wait_for_lock_waiter(seconds=REQUEST_SECONDS) -> int:
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            row = cursor.fetchone()
            if row:
                return row[0]
            assert time.monotonic() < deadline, "the request never reached the locked row"
            time.sleep(0.05)


@pytest.fixture
def host(tmp_path):
    server = Host(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clients(world, host):
    """A signed-in browser session and an API token of the org admin, on the server."""
    browser = Client()
    browser.force_login(world.org_admin)
    session_key = browser.cookies["sessionid"].value
    token = Token.objects.create(user=world.org_admin).key
    return host.session(cookies={"sessionid": session_key}), host.session(token=token), session_key


def get(client, url):
    """A GET that must not hang: a failing database has to fail the request quickly."""
    started = time.monotonic()
    response = client.get(url, timeout=REQUEST_SECONDS, allow_redirects=False)
    assert time.monotonic() - started < 10, f"{url} took {time.monotonic() - started:.1f} s"
    return response


def cut_in_flight(client, url, lock_sql, *params):
    """Send a request that waits on a lock held here, cut every connection while it waits, and return its answer."""
    with psycopg.connect(database_url()) as locker:
        locker.execute(lock_sql, params or None)
        with ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(get, client, url)
            wait_for_lock_waiter()
            assert cut_connections(locker.info.backend_pid) >= 1
            response = in_flight.result(timeout=REQUEST_SECONDS)
        locker.rollback()
    return response


def test_it_recovers_when_the_database_restarts_under_the_server(world, host, clients, design):
    page, api, session_key = clients
    hall = host.url + reverse("exchange:hall")
    needs = host.url + "/api/v1/exchange/needs/"
    kept = Need.objects.create(organization=world.foreign_org, title="重启前已保存的需求", category=design)
    kept.publish()

    assert get(page, hall).status_code == 200 and get(api, needs).status_code == 200
    (worker,) = host.workers()

    # 1. Between requests: the worker's persistent connection is dead, the next request must not fail.
    assert cut_connections() >= 1
    assert get(api, needs).status_code == 200
    assert get(page, hall).status_code == 200

    # 2. During a request: it waits on a lock this test holds when the connection is cut. Mid-view
    #    (reading the needs) it gets the clean 500 page or the API's error; while saving its session
    #    at the end, Django reports an interrupted session, which must be a clean page too. The next
    #    request works.
    response = cut_in_flight(page, hall, "LOCK TABLE exchange_need IN ACCESS EXCLUSIVE MODE")
    assert response.status_code == 500 and PAGE_500 in response.text
    response = cut_in_flight(api, needs, "LOCK TABLE exchange_need IN ACCESS EXCLUSIVE MODE")
    assert response.status_code == 500 and response.json() == API_500
    response = cut_in_flight(page, hall, "SELECT 1 FROM django_session WHERE session_key = %s FOR UPDATE", session_key)
    assert response.status_code == 400 and PAGE_400 in response.text
    assert get(page, hall).status_code == 200

    # 3. While the database is still restarting: new connections are refused. Each request fails at
    #    once with the clean page or the API's error, and works again as soon as the database is back.
    refuse_connections(True)
    try:
        cut_connections()
        response = get(page, hall)
        assert response.status_code == 500 and PAGE_500 in response.text
        response = get(api, needs)
        assert response.status_code == 500 and response.json() == API_500
    finally:
        refuse_connections(False)
    assert get(page, hall).status_code == 200
    assert str(kept.uuid) in {row["uuid"] for row in get(api, needs).json()["results"]}  # committed before: still there

    assert host.workers() == [worker], "the gunicorn worker died and was replaced:\n" + host.output()[-3000:]
