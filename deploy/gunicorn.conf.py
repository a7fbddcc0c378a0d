"""gunicorn settings for Gongjian behind nginx (docs/deployment.md).

Run from anywhere: ``.venv/bin/gunicorn -c deploy/gunicorn.conf.py``. The GUNICORN_* and FORWARDED_ALLOW_IPS
variables change the values below (an empty one keeps the default); systemd reads them, with Django's own
settings, from /etc/gongjian/gongjian.env.
"""

import os
import re
from pathlib import Path

from gunicorn.glogging import Logger

chdir = str(Path(__file__).resolve().parent.parent)
wsgi_app = "gongjian.wsgi:application"

# nginx proxies to this address; a TCP loopback port (not a Unix socket) keeps REMOTE_ADDR, which
# TRUSTED_PROXIES and forwarded_allow_ips compare against.
bind = [address.strip() for address in (os.environ.get("GUNICORN_BIND") or "127.0.0.1:8001").split(",") if address.strip()]
# Sync workers, two per usable core and one more: requests wait on the database more than on the
# CPU. Each worker holds a database connection: keep workers x hosts under max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * len(os.sched_getaffinity(0)) + 1)
# Long work (imports, reports, index refreshes) runs in the task worker, so a request still running
# after a minute is stuck. nginx waits longer (proxy_read_timeout 75 s), so gunicorn gives up first
# and nginx answers with its 服务暂时不可用 page.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, which bounds the growth of per-process caches.
max_requests = 2000
max_requests_jitter = 200

# gunicorn believes X-Forwarded-Proto only from nginx's address. Django (BEHIND_TLS_PROXY) believes it
# from any peer, which is why gunicorn listens on loopback, where nginx is the only client; the audit
# trail and lockouts believe X-Forwarded-For only from TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# The heartbeat file on tmpfs: on a disk, fchmod can stall a worker (gunicorn's FAQ).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  (gunicorn's heartbeat, not data)
# One control socket per user would be shared by every gunicorn of that user; systemd manages this one.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# No query string, referrer, user agent or client address: searches put phone numbers and names in
# the query string, and nginx's own log keeps the client's address. The request id joins both logs.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %(p)s rid=%({x-request-id}i)s'

# Calendar feeds and check-in pages carry a secret token in the path: anyone holding it reads a
# person's schedule or checks in, so it is masked like a password.
SECRET_PATHS = re.compile(r"(/activities/ical/(?:orgs|people)/[^/]+/)[^/]+(\.ics)$|(/activities/[^/]+/checkin/)[^/]+(/)$")


def mask_path(path):
    return SECRET_PATHS.sub(lambda m: (m[1] or m[3]) + "***" + (m[2] or m[4]), path)


class AccessLogger(Logger):
    """gunicorn's logger, with secret tokens in the path masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = mask_path(atoms["U"])
        return atoms


logger_class = AccessLogger
