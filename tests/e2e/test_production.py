"""The production deployment, booted: gunicorn with deploy/gunicorn.conf.py and production settings.

The site is set up as docs/deployment.md says, in a temporary VAR_DIR: ``collectstatic``, ``migrate`` and
the demo, on a temporary SQLite file, or on a PostgreSQL database of its own when DATABASE_URL is set (CI's
second pass; the database is created and dropped here). gunicorn then serves it on a free loopback port
with DEBUG off, real keys, secure cookies and the TLS-proxy setting. Every request carries
``X-Forwarded-Proto: https`` as nginx's would. The server is stopped at the end whatever happens, and
every wait is bounded.

The checks: the security headers and cookies, the Chinese 404 page, static files through whitenoise, an
access log without query strings or link tokens, a browser journey as college_admin, ``check --deploy``
with the same environment, and the deploy files against docs/deployment.md and the settings.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.host import HSTS_SECONDS, HTTPS, Gunicorn, PostgresDatabase, fetch, free_port, manage, new_keys, production_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMMAND_TIMEOUT = 300
COLLEGE = "示例学院党委"


@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    """The environment of a production host, and its data set up the way the deployment guide does."""
    var = tmp_path_factory.mktemp("production-var")
    port = free_port()
    database = None
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
        database = PostgresDatabase(url, f"{url.rsplit('/', 1)[1]}_production_{os.getpid()}")
        request.addfinalizer(database.drop)
        database_url = database.create()
    else:
        database_url = ""  # the embedded SQLite file under VAR_DIR
    env = production_env(var, port, database_url, new_keys(), workers=2)
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    return {"env": env, "port": port, "var": var, "postgres": database is not None}


@pytest.fixture(scope="module")
def server(site, request):
    """gunicorn as systemd starts it (deploy/systemd/gongjian-web.service), stopped at the end."""
    gunicorn = Gunicorn(site["env"], site["var"] / "gunicorn.log")
    request.addfinalizer(gunicorn.stop)
    gunicorn.start(ready_path="/accounts/login/")
    return {"url": gunicorn.url, "log": gunicorn.log_path}


def test_it_sends_the_security_headers_behind_the_tls_proxy(server):
    status, headers, body = fetch(server["url"], "/accounts/login/")
    assert status == 200 and 'name="username"' in body
    assert headers["Strict-Transport-Security"] == f"max-age={HSTS_SECONDS}; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", csp)
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    csrf_cookie = next(cookie for cookie in headers.get_all("Set-Cookie") if cookie.startswith("csrftoken="))
    assert "; Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie


def test_it_redirects_plain_http_to_https(server):
    status, headers, _body = fetch(server["url"], "/accounts/login/", headers={})
    assert status == 301 and headers["Location"].startswith("https://")


def test_it_answers_a_missing_page_in_chinese_without_the_debug_page(server):
    status, headers, body = fetch(server["url"], "/no-such-page/")
    assert status == 404
    assert "页面或条目不存在，或不在您的权限范围内。" in body
    assert "DEBUG" not in body and "Traceback" not in body and "URLconf" not in body
    assert "Content-Security-Policy" in headers


def test_it_serves_static_files_with_cache_headers(server):
    # With DEBUG off the settings name ManifestStaticFilesStorage: pages link hashed names, which
    # whitenoise lets browsers keep for ten years.
    _status, _headers, body = fetch(server["url"], "/accounts/login/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', body)
    assert any("bootstrap" in url for url in assets) and any("site" in url for url in assets)
    for url in assets:
        status, headers, _content = fetch(server["url"], url)
        assert status == 200, url
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        cache = headers["Cache-Control"]
        assert "immutable" in cache and "max-age=315360000" in cache, (url, cache)


def test_it_keeps_query_strings_and_link_tokens_out_of_the_access_log(server):
    fetch(server["url"], "/orgs/people/?q=13800138000")
    fetch(server["url"], "/activities/ical/people/00000000-0000-4000-8000-000000000000/s3cr3t-t0ken.ics")
    time.sleep(0.5)  # gunicorn writes the line after the response
    log = server["log"].read_text()
    assert '"GET /orgs/people/ HTTP/1.1" 302' in log
    assert "/activities/ical/people/00000000-0000-4000-8000-000000000000/***.ics" in log
    assert "13800138000" not in log and "s3cr3t-t0ken" not in log


def test_it_walks_college_admin_through_the_site(server, browser, browser_context_args):
    from gongjian.orgs.demo import DEMO_PASSWORD

    base = server["url"]
    context = browser.new_context(**browser_context_args, extra_http_headers=HTTPS)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "college_admin")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        session = next(cookie for cookie in context.cookies() if cookie["name"] == "sessionid")
        assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"

        page.goto(f"{base}/insights/")
        expect(page.locator("h1")).to_contain_text(COLLEGE)
        page.goto(f"{base}/orgs/")
        expect(page.locator("main table")).to_contain_text(COLLEGE)
        page.goto(f"{base}/activities/")
        activities = page.locator("main a[href^='/activities/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        detail = next(href for href in activities if re.fullmatch(r"/activities/[0-9a-f-]{36}/", href))
        page.goto(f"{base}{detail}")
        expect(page.locator("h1")).not_to_be_empty()
        assert page.evaluate("() => getComputedStyle(document.querySelector('.navbar')).display") == "flex"  # Bootstrap's CSS applies

        page.locator(".navbar .dropdown-toggle").last.click()
        page.locator("form[action$='/accounts/logout/'] button").click()
        page.wait_for_url(re.compile(r"/accounts/login/"))
        page.goto(f"{base}/")
        page.wait_for_url(re.compile(r"/accounts/login/"))
    finally:
        context.close()


def test_it_passes_the_deploy_check_with_the_same_settings(site):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=site["env"],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    output = result.stdout + result.stderr
    issues = set(re.findall(r"\((\w+\.[EWC]\d+)\)", output))
    # Production runs on PostgreSQL (gongjian.E003); everything else is clean on either database.
    expected = set() if site["postgres"] else {"gongjian.E003"}
    assert issues == expected, output
    assert "WARNINGS" not in output, output


def test_the_deploy_check_warns_when_the_proxy_is_not_trusted(settings):
    from gongjian.lib.checks import check_proxy

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    assert [warning.id for warning in check_proxy(None)] == ["gongjian.W001"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert check_proxy(None) == []


def test_the_deploy_files_agree_with_the_guide_and_the_settings(settings):
    from django.core.management import get_commands

    guide = (ROOT / "docs" / "deployment.md").read_text()
    nginx = (DEPLOY / "nginx" / "gongjian.conf").read_text()
    units = DEPLOY / "systemd"

    # Every timer starts its service, which runs a real command; the guide lists each with its schedule.
    timers = sorted(units.glob("*.timer"))
    assert len(timers) >= 10
    for timer in timers:
        service = timer.with_suffix(".service").read_text()
        command = re.search(r"^ExecStart=/srv/gongjian/\.venv/bin/python manage\.py (.+)$", service, re.M)[1]
        assert command.split()[0] in get_commands(), command
        schedule = re.search(r"^OnCalendar=(.+)$", timer.read_text(), re.M)[1]
        assert f"`{timer.name}`" in guide and f"`{command}`" in guide and f"`{schedule}`" in guide, timer.name
    for unit in ("gongjian-web.service", "gongjian-worker.service"):
        assert (units / unit).is_file() and f"`{unit}`" in guide

    # nginx: the upload limit, gunicorn's address, STATIC_ROOT, and no uploads from disk.
    limit_mib = int(re.search(r"client_max_body_size (\d+)m;", nginx)[1])
    assert limit_mib * 1024 * 1024 > settings.UPLOAD_MAX_BYTES >= (limit_mib - 1) * 1024 * 1024
    assert "server 127.0.0.1:8001;" in nginx and "127.0.0.1:8001" in (DEPLOY / "gunicorn.conf.py").read_text()
    assert "root /srv/gongjian/var;" in nginx and Path(settings.STATIC_ROOT).name == "static"
    assert re.search(r"location /media/ \{\s*return 404;", nginx)
    assert "add_header Strict-Transport-Security" not in nginx  # Django sends it, once
    assert f"client_max_body_size {limit_mib}m" in guide


@pytest.fixture
def vulnerabilities(monkeypatch):
    """deploy/vulnerabilities.py (``make audit``) with pip-audit's answer made up."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("vulnerabilities", DEPLOY / "vulnerabilities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def run(report, error=None):
        monkeypatch.setattr(module, "audit", lambda requirements, service: (report, error))
        return module.main(["vulnerabilities.py", "requirements/runtime.txt"])

    return run


def test_make_audit_never_reports_a_check_it_did_not_make(vulnerabilities, capsys):
    django = {"name": "django", "version": "5.2.19", "vulns": []}
    unknown = {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited: nh3 (0.3.8)"}
    vulnerable = {"name": "pillow", "version": "13.0.0", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["13.0.1"]}]}

    assert vulnerabilities(None, "Failed to resolve the vulnerability service") == 2
    assert "NOT CHECKED" in capsys.readouterr().out
    assert vulnerabilities({"dependencies": [unknown], "fixes": []}) == 2
    out = capsys.readouterr().out
    assert "NOT CHECKED" in out and "nh3" in out and "no known vulnerabilities" not in out.lower()
    assert vulnerabilities({"dependencies": [django, unknown], "fixes": []}) == 2
    assert "NOT CHECKED" in capsys.readouterr().out
    assert vulnerabilities({"dependencies": [django, vulnerable, unknown], "fixes": []}) == 1
    assert "VULNERABLE: pillow 13.0.0: PYSEC-0000-1 (fixed in: 13.0.1)" in capsys.readouterr().out
    assert vulnerabilities({"dependencies": [django], "fixes": []}) == 0
    assert "OK: all 1 pinned packages checked against pypi: no known vulnerabilities." in capsys.readouterr().out
