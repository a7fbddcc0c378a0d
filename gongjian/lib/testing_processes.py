"""Real processes for the fault drills: gunicorn hosts, task workers and one-off scripts on the test database.

A drill needs what the test client cannot give: a process that can be killed, a database connection
that can be cut, two hosts with disks of their own. Each child runs against the test database (so
the test commits its rows: ``django_db(transaction=True)``) with the test's own keys, so the
sessions and tokens a test makes work there. Every wait is bounded, and a child is killed with its
whole process group when the test ends, whatever happened.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_SECONDS = 60
STOP_SECONDS = 20

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="child processes share the test database only on PostgreSQL (SQLite's is in memory)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database as a DATABASE_URL for a child process."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db.get('USER') or '', safe='')}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


def child_env(var_dir: Path, **extra) -> dict:
    """The environment of a host or worker whose local files live in var_dir."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="gongjian.settings",
        DATABASE_URL=database_url(),
        VAR_DIR=str(var_dir),
        MATCH_INDEX_DIR="",
        AUDIT_HEAD_FILE=str(settings.AUDIT_HEAD_FILE),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Child:
    """A process in a group of its own, its output in a log file."""

    def __init__(self, argv, env, log: Path):
        self.argv, self.env, self.log = [str(a) for a in argv], env, log
        self.process = None

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            # The argv is built by this module's callers in tests, never from input.
            self.process = subprocess.Popen(  # noqa: S603 - a fixed argv from the tests, no shell
                self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, condition, what: str, seconds: float = START_SECONDS):
        """Poll condition() until it is true; fail with the child's output if it dies or time runs out."""
        deadline = time.monotonic() + seconds
        while True:
            if condition():
                return
            assert self.alive(), f"{self.argv[0]} exited ({self.process.returncode}) before {what}:\n{self.output()[-4000:]}"
            assert time.monotonic() < deadline, f"no {what} within {seconds} s:\n{self.output()[-4000:]}"
            time.sleep(0.1)

    def kill(self, sig=signal.SIGKILL):
        """Signal the whole group (gunicorn's workers too) and reap the leader."""
        if self.alive():
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=STOP_SECONDS)

    def stop(self):
        """SIGTERM, then SIGKILL if it has not ended in time."""
        if not self.alive():
            return
        try:
            self.kill(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)


class Host(Child):
    """One app host: gunicorn with deploy/gunicorn.conf.py on a free loopback port, VAR_DIR of its own."""

    def __init__(self, var_dir: Path, workers: int = 1, **env):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = child_env(var_dir, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=workers, **env)
        super().__init__([GUNICORN, "-c", ROOT / "deploy" / "gunicorn.conf.py"], environment, var_dir / "gunicorn.log")

    def start(self):
        # As a deployment does before it starts the server (docs/deployment.md): with DEBUG off,
        # pages name static files by the hashes in the manifest that collectstatic writes.
        if not (self.var_dir / "static" / "staticfiles.json").exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True, timeout=START_SECONDS
            )
        super().start()
        self.wait_for(self.answers, "answer from gunicorn")
        return self

    def answers(self) -> bool:
        try:
            return requests.get(self.url + "/accounts/login/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def session(self, token: str | None = None, cookies: dict | None = None) -> requests.Session:
        """An HTTP client for this host, signed in by an API token or a session cookie."""
        client = requests.Session()
        if token:
            client.headers["Authorization"] = f"Token {token}"
        for name, value in (cookies or {}).items():
            client.cookies.set(name, value, domain="127.0.0.1")
        return client

    def workers(self) -> list[int]:
        """The pids of gunicorn's worker processes."""
        return [int(pid) for pid in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()]


def db_worker(var_dir: Path, worker_id: str, **env) -> Child:
    """``manage.py db_worker`` as deploy/systemd/gongjian-worker.service runs it, polling fast."""
    argv = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.05", "--worker-id", worker_id]
    return Child(argv, child_env(var_dir, **env), var_dir / f"worker-{worker_id}.log")


def python(var_dir: Path, code: str, *args, name="script", **env) -> Child:
    """A Python script run with Django set up, as a management command would be."""
    prelude = "import django\ndjango.setup()\n"
    return Child([sys.executable, "-c", prelude + code, *args], child_env(var_dir, **env), var_dir / f"{name}.log")


@contextmanager
def running(*children):
    """Start the children in order; stop all of them at the end, whatever happens."""
    with ExitStack() as stack:
        for child in children:
            stack.callback(child.stop)
            child.start()
        yield children


__all__ = ["Child", "Host", "child_env", "database_url", "db_worker", "free_port", "needs_postgres", "python", "running"]
