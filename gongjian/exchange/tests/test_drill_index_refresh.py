"""Fault drill: a worker killed in the middle of refreshing the matching index (issue 13).

The refresh runs in a real child process, as the task worker runs it, and is killed with SIGKILL:
at a controlled point (it holds the index's lock and has handed tantivy part of the documents), and
at arbitrary moments of a loop of rebuilds and catch-ups, which lands kills inside commits, pointer
switches and the removal of old generations. Afterwards searches still answer from a whole index,
the next refresh (another process) finishes, it leaves one complete generation and nothing
half-written beside it, and the suggestions are right.
"""

import fcntl
import json
import re
import signal
import time

import pytest
from django.utils import timezone

from gongjian.exchange.matching import store, suggestions_for_need
from gongjian.exchange.matching.engine import MatchIndex
from gongjian.exchange.models import Resource
from gongjian.lib.testing_processes import needs_postgres, python

pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]

FILLERS = 1500  # enough rows that a rebuild takes a moment, so a kill can land inside it

# The child refreshes the index as refresh_match_index does. STALL holds it at a controlled point: the
# writer holds the index's lock and tantivy has part of the documents.
STALL = """
import sys, time
from pathlib import Path
from gongjian.exchange.matching import store

kind, mode, after, marker = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
read = store.documents

def documents(kind, pks=None):
    for n, doc in enumerate(read(kind, pks)):
        if n == after:
            marker.write_text(str(n))
            time.sleep(300)
        yield doc

store.documents = documents
store.rebuild(kind) if mode == "rebuild" else store.sync(kind)
"""

# Rebuilds and full catch-ups, round after round, until killed; the marker counts the rounds.
CHURN = """
import sys
from pathlib import Path
from gongjian.exchange.matching import store
from gongjian.exchange.models import Resource

kind, marker = sys.argv[1], Path(sys.argv[2])
every = list(Resource.objects.open().values_list("pk", flat=True))
for n in range(10_000):
    store.rebuild(kind) if n % 2 else store.sync(kind, pks=every)
    marker.write_text(str(n + 1))
"""

REFRESH = "from gongjian.exchange.tasks import refresh_match_index\nprint(refresh_match_index.call('resources'))"


@pytest.fixture
def index_root(settings, tmp_path):
    settings.MATCH_INDEX_DIR = str(tmp_path / "match_index")
    store.forget()
    yield store.location()
    store.forget()


@pytest.fixture
def booths(make_need):
    return make_need(
        title="采样亭个性化改造设计", description="街道 25 个采样亭闲置，想改造成党群服务点，需要分别出设计方案。", publish=True
    )


@pytest.fixture
def fillers(world, design):
    now = timezone.now()
    rows = [
        Resource(
            organization=world.own_branch,
            title=f"社区志愿服务队 第{n}组",
            description=f"每周可安排 {n % 9 + 1} 名志愿者参加社区环境整治和敬老助残活动。",
            category=design,
            status="published",
            published_at=now,
            capacity=n % 9 + 1,
        )
        for n in range(FILLERS)
    ]
    return Resource.objects.bulk_create(rows, batch_size=500)


def designers(make_resource, n=""):
    return make_resource(
        title=f"学生设计团队承接采样亭改造设计{n}", description="20 名学生设计师承接公共设施改造设计，一亭一方案。", publish=True
    )


def child(tmp_path, code, *args, name):
    return python(tmp_path, code, *args, name=name, MATCH_INDEX_DIR=store.location().parent)


def refresh_in_another_process(tmp_path):
    """What the next task does after the kill; it must finish, not wait on the dead writer's lock."""
    worker = child(tmp_path, REFRESH, name="next-refresh").start()
    worker.wait_for(lambda: not worker.alive(), "end of the next refresh")
    assert worker.process.returncode == 0, worker.output()
    return int(worker.output().split()[-1])


def lock_is_held(root) -> bool:
    with open(root / "resources" / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def pointer(root) -> dict:
    return json.loads((root / "resources" / store.POINTER).read_text())


def assert_whole(root):
    """One generation, the one the pointer names: it opens, holds every open row and is current with the table."""
    folder = root / "resources"
    generation = pointer(root)["generation"]
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == [generation]
    assert not list(folder.glob("*.tmp")), "a half-written pointer was left behind"
    index = MatchIndex(folder / generation)
    assert index.num_docs == Resource.objects.open().count() == store.db_stamp("resources")[2]
    assert pointer(root)["stamp"] == store.db_stamp("resources")
    return index


def stray_segments(root) -> set[str]:
    """Files of segments the index's meta.json does not name: what a writer killed before its commit leaves."""
    folder = root / "resources" / pointer(root)["generation"]
    meta = json.loads((folder / "meta.json").read_text())
    committed = {segment["segment_id"].replace("-", "") for segment in meta["segments"]}
    return {match[1] for p in folder.iterdir() if (match := re.match(r"([0-9a-f]{32})\.", p.name))} - committed


def assert_suggested(booths, expected, monkeypatch):
    """The booths' best suggestions are the expected ones, answered from the index as the refresh left it (no repair)."""
    store.forget()
    monkeypatch.setattr(store, "sync", lambda *a, **k: pytest.fail("the index on disk was not current"))
    found = [s.target for s in suggestions_for_need(booths)]
    monkeypatch.undo()
    top = found[: len(expected)]  # weaker matches among the fillers may follow
    assert top and set(top) <= set(expected), found


def test_it_recovers_from_a_worker_killed_mid_rebuild(world, booths, fillers, make_resource, index_root, tmp_path, monkeypatch):
    store.rebuild("resources")
    before = pointer(index_root)["generation"]
    newer = designers(make_resource)
    marker = tmp_path / "stalled"
    worker = child(tmp_path, STALL, "resources", "rebuild", FILLERS // 2, marker, name="killed-rebuild").start()
    worker.wait_for(marker.exists, "the rebuild's half-way point")
    assert lock_is_held(index_root)
    worker.kill(signal.SIGKILL)

    # What the kill left: the pointer still names the old, whole generation; the new one is half built.
    assert pointer(index_root)["generation"] == before
    assert len([p for p in (index_root / "resources").iterdir() if p.is_dir()]) == 2
    assert not lock_is_held(index_root)

    assert refresh_in_another_process(tmp_path) == FILLERS + 1
    assert_whole(index_root)
    assert not stray_segments(index_root)
    assert_suggested(booths, [newer], monkeypatch)


def test_it_recovers_from_a_worker_killed_mid_catch_up(world, booths, fillers, make_resource, index_root, tmp_path, monkeypatch):
    store.rebuild("resources")
    newer = [designers(make_resource, n) for n in range(40)]
    marker = tmp_path / "stalled"
    worker = child(tmp_path, STALL, "resources", "sync", 20, marker, name="killed-sync").start()
    worker.wait_for(marker.exists, "the catch-up's half-way point")
    assert lock_is_held(index_root)
    worker.kill(signal.SIGKILL)
    assert not lock_is_held(index_root)

    assert refresh_in_another_process(tmp_path) == FILLERS + 40
    index = assert_whole(index_root)
    assert all(index.contains(resource.pk) for resource in newer)
    assert_suggested(booths, newer, monkeypatch)


@pytest.mark.parametrize("delay", [0.0, 0.2, 0.45])
def test_it_recovers_from_a_worker_killed_at_any_moment(world, booths, fillers, make_resource, index_root, tmp_path, monkeypatch, delay):
    newer = designers(make_resource)
    store.rebuild("resources")
    marker = tmp_path / "rounds"
    worker = child(tmp_path, CHURN, "resources", marker, name="churn").start()
    worker.wait_for(lambda: marker.exists() and int(marker.read_text() or 0) >= 2, "two rounds of refreshing")
    # Rounds take a few hundred milliseconds: these delays land the kill in different phases of one.
    time.sleep(delay)
    worker.kill(signal.SIGKILL)

    assert refresh_in_another_process(tmp_path) == FILLERS + 1
    assert_whole(index_root)
    assert_suggested(booths, [newer], monkeypatch)
    # A kill before a commit can leave segment files no commit names. tantivy never reads them and
    # deletes them at the index's next commit, so they cannot pile up.
    latest = designers(make_resource, "（新）")
    refresh_in_another_process(tmp_path)
    assert_whole(index_root).contains(latest.pk)
    assert not stray_segments(index_root)
