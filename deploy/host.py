"""A production host on this machine: the environment docs/deployment.md gives, and gunicorn as systemd runs it.

``tests/e2e/test_production.py`` boots it to check the deployment, ``benchmarks/load.py`` to put it under
load. It serves plain HTTP on a loopback port; each request carries ``X-Forwarded-Proto: https`` as nginx's
would. Every wait is bounded, and the server's whole process group is stopped whatever happens.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
HTTPS = {"X-Forwarded-Proto": "https"}
HSTS_SECONDS = 31536000
COMMAND_TIMEOUT = 300
KEY_NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY", "NEWS_SEAL_KEY")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_keys() -> dict:
    """Fresh secret keys, one per setting that docs/deployment.md asks for."""
    return {name: secrets.token_urlsafe(50 if name == "SECRET_KEY" else 32) for name in KEY_NAMES}


def production_env(var_dir, port, database_url, keys, workers=None) -> dict:
    """The variables of /etc/gongjian/gongjian.env for a host at 127.0.0.1:port; an empty database_url means SQLite."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(keys)
    env.update(
        DJANGO_SETTINGS_MODULE="gongjian.settings",
        DEBUG="False",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        # nginx would pass on the browser's https:// origin; a browser on loopback speaks plain HTTP.
        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
        SITE_URL=f"http://127.0.0.1:{port}",
        TRUSTED_PROXIES="127.0.0.1",
        SECURE_COOKIES="True",
        BEHIND_TLS_PROXY="True",
        SECURE_SSL_REDIRECT="True",
        SECURE_HSTS_SECONDS=str(HSTS_SECONDS),
        SECURE_HSTS_PRELOAD="True",
        VAR_DIR=str(var_dir),
        AUDIT_HEAD_FILE="",
        MATCH_INDEX_DIR="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        # Empty: the config's default, two per usable core plus one.
        GUNICORN_WORKERS="" if workers is None else str(workers),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args, timeout=COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
    """``manage.py`` with the host's environment; a failure raises with the command's output."""
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)  # noqa: S603  (no shell)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def fetch(base, path, headers=HTTPS):
    """One request as nginx would pass it on; redirects are not followed."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class PostgresDatabase:
    """A database of its own beside DATABASE_URL's (same server and user)."""

    def __init__(self, url, name):
        self.url = urlsplit(url)
        self.name = name

    def _run(self, sql, params=None):
        import psycopg

        with psycopg.connect(urlunsplit(self.url), autocommit=True) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    @property
    def database_url(self) -> str:
        return urlunsplit(self.url._replace(path=f"/{self.name}"))

    def exists(self) -> bool:
        return bool(self._run("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]))

    def create(self) -> str:
        self.drop()
        self._run(f"CREATE DATABASE \"{self.name}\" ENCODING 'UTF8' TEMPLATE template0")
        return self.database_url

    def drop(self):
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Gunicorn:
    """``gunicorn -c deploy/gunicorn.conf.py`` as deploy/systemd/gongjian-web.service starts it."""

    def __init__(self, env, log_path):
        self.env = env
        self.log_path = Path(log_path)
        self.url = "http://" + env["GUNICORN_BIND"]
        self.process = None
        self._log = None

    def start(self, ready_path="/health/", timeout=60):
        """Start it and wait until ready_path answers 200."""
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603  (fixed argv, no shell)
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(GUNICORN_CONFIG)],
            cwd="/",  # the config finds the project itself
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_path.read_text())
            try:
                if fetch(self.url, ready_path)[0] == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n" + self.log_path.read_text())
            time.sleep(0.5)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
