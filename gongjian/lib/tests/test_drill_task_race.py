"""Fault drill: two task workers racing for the same tasks run each task exactly once (issue 13).

Two real ``manage.py db_worker`` processes, as deploy/systemd/gongjian-worker.service runs them, poll
the database backend every 50 ms. Tasks are enqueued the way the project enqueues its own
(``task.enqueue()``): one alone, then a burst committed at once so that both workers find the same
ready rows. Each run appends a line to a ledger, so a task run twice would show twice: with the
backend's row lock (``select_for_update(skip_locked=True)``) taken away, this test fails on every run.
"""

import time
from collections import Counter

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gongjian.lib.testing_processes import db_worker, needs_postgres, running

from .drill_tasks import count_run

pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]

BURST = 100
FINISH_SECONDS = 60


def finished(expected: int):
    deadline = time.monotonic() + FINISH_SECONDS
    while DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() < expected:
        assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists(), list(
            DBTaskResult.objects.values("exception_class_path", "traceback")
        )
        assert time.monotonic() < deadline, f"tasks still unfinished after {FINISH_SECONDS} s"
        time.sleep(0.1)


def runs(ledger) -> list[tuple[int, int]]:
    return [tuple(int(field) for field in line.split()) for line in ledger.read_text().splitlines()]


def test_it_runs_each_task_once_with_two_workers_polling(tmp_path):
    ledger = tmp_path / "ledger.txt"
    ledger.touch()
    workers = db_worker(tmp_path, "drill-a"), db_worker(tmp_path, "drill-b")
    with running(*workers):
        for worker in workers:
            worker.wait_for(lambda worker=worker: "Starting worker" in worker.output(), "the worker's start")

        count_run.enqueue(str(ledger), 0)
        finished(1)
        time.sleep(0.3)  # several more polls of both workers: a second run would show now
        assert runs(ledger) == [(0, runs(ledger)[0][1])]

        with transaction.atomic():  # the burst appears to both workers at once
            for n in range(1, BURST + 1):
                count_run.enqueue(str(ledger), n)
        finished(BURST + 1)
        time.sleep(0.3)
        pids = {worker.pid for worker in workers}

    counted = Counter(n for n, _pid in runs(ledger))
    assert counted == Counter(range(BURST + 1)), {n: c for n, c in counted.items() if c != 1}
    assert {pid for _n, pid in runs(ledger)} == pids, "both workers took tasks: they really raced"
    for result in DBTaskResult.objects.all():
        assert result.status == TaskResultStatus.SUCCESSFUL and len(result.worker_ids) == 1, (result.pk, result.worker_ids)
    assert {worker_id for result in DBTaskResult.objects.all() for worker_id in result.worker_ids} == {"drill-a", "drill-b"}
