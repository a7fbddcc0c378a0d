"""Background jobs that tell a dead worker from a slow one (imports, generated documents).

A job records which process works on it (``host:pid``) and, from a thread of that process, a
heartbeat every few seconds. A busy job has lost its worker when:

* its worker ran on this host and that process no longer exists (the decisive test on a single
  host, and the only one SQLite allows: a long write transaction there blocks every other
  writer, the heartbeat included); or
* its worker ran on another host and its heartbeat is older than ``STALE_AFTER``.

A job that lost its worker ends as failed with a message that says so, and can be retried.
"""

import os
import socket
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.db import OperationalError, connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HEARTBEAT_SECONDS = 10
STALE_AFTER = timedelta(seconds=90)


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


class WorkedJob(models.Model):
    """Fields and checks a background job needs to notice that its worker died."""

    worker = models.CharField(_("worker"), max_length=120, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)

    # Statuses in which a worker holds the job; set by each model.
    WORKING_STATUSES: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def has_lost_its_worker(self, now=None) -> bool:
        if self.status not in self.WORKING_STATUSES or not self.worker:
            return False
        host, _sep, pid = self.worker.rpartition(":")
        if host == socket.gethostname() and pid.isdigit():
            return not process_exists(int(pid))
        now = now or timezone.now()
        return self.heartbeat_at is None or now - self.heartbeat_at > STALE_AFTER

    @contextmanager
    def working(self):
        """Mark this process as the job's worker and beat until the block ends."""
        model = type(self)
        model._base_manager.filter(pk=self.pk).update(worker=this_worker(), heartbeat_at=timezone.now())
        stop = threading.Event()

        def beat():
            try:
                while not stop.wait(HEARTBEAT_SECONDS):
                    try:
                        model._base_manager.filter(pk=self.pk).update(heartbeat_at=timezone.now())
                    except OperationalError:
                        pass  # SQLite is locked by the job's own transaction: the pid test covers this host
            finally:
                connections.close_all()  # this thread's own connections

        thread = threading.Thread(target=beat, name=f"heartbeat-{model._meta.label_lower}-{self.pk}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=HEARTBEAT_SECONDS + 5)
