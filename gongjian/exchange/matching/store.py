"""Where the match indexes live and how they stay current.

Two indexes: "resources" (open resources, asked by needs) and "needs" (open needs, asked by resources).
Each lives on disk under VAR_DIR/match_index/<database>/<kind>/<generation>/ (or MATCH_INDEX_DIR),
where the task worker writes and every web process reads the same files. A test database kept in
memory gets an index in memory, so parallel test runs never share one.

Version: every index records the stamp of the table it was built from (row count, newest
updated_at, open rows) and the newest updated_at of the organizations. Every write to a need or resource
changes that stamp, including status moves done with UPDATE and archiving, and so does every save of an
organization, so it is a version counter kept by the database itself. Each search compares the stamps
(one statement) and catches up when they differ, so a process always answers from current data;
normally the background task (signals.py → tasks.py) has caught up already and the search only pays the
comparison. This is also how several hosts, each with its own index on local disk, stay current with
one database: the task runs on one host, the others catch up at their next search (docs/deployment.md).

Catching up re-indexes the rows changed since the index's stamp (minus CATCH_UP_WINDOW, for
transactions that committed late), the items of organizations changed since, and the rows a signal named. If rows disappeared (the count went
down) or the index holds another number of items than the table has open rows, it rebuilds.
One writer at a time: a file lock per index.
"""

import datetime
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gongjian.exchange.models import Need, Resource
from gongjian.orgs.models import Organization, Region

from .engine import Doc, MatchIndex, document_grams, document_terms, leading_number, place_names
from .factors import AREA_LEVEL, KIND_CODE, LEVELS, SECTOR_CODE

KINDS = ("resources", "needs")
CATCH_UP_WINDOW = datetime.timedelta(minutes=10)
POINTER = "CURRENT.json"
BUILD_HEAP = 256_000_000
REBUILD_ABOVE = 5000  # changed rows past which catching up rebuilds instead


def model_for(kind: str):
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}")
    return Resource if kind == "resources" else Need


def database_slug() -> str:
    db = connection.settings_dict
    identity = f"{connection.vendor}|{db.get('NAME')}|{db.get('HOST')}|{db.get('PORT')}"
    return hashlib.sha1(identity.encode()).hexdigest()[:12]  # noqa: S324 - a directory name, not security


def location() -> Path | None:
    """Directory of this database's indexes, or None for an index in memory."""
    configured = getattr(settings, "MATCH_INDEX_DIR", None)
    if not configured and getattr(connection, "is_in_memory_db", lambda: False)():
        return None
    root = Path(configured) if configured else Path(settings.VAR_DIR) / "match_index"
    return root / database_slug()


def db_stamp(kind: str) -> list:
    """[rows, newest updated_at, open rows] of the table, and the newest updated_at of the organizations.

    Read before every suggestion, so in one statement whose SQL is compiled once per process and
    database (the text of a query, not rows): compiling the ORM aggregate each time cost more than the
    ranking it guards.
    """
    key = (connection.alias, connection.settings_dict.get("NAME"), kind)
    if key not in _stamp_sql:
        _stamp_sql[key] = stamp_statement(model_for(kind))
    sql, params = _stamp_sql[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows, newest, open_rows, newest_org = cursor.fetchone()
    return [rows, _moment(newest), open_rows, _moment(newest_org)]


_stamp_sql: dict[tuple, tuple[str, tuple]] = {}


def stamp_statement(model) -> tuple[str, tuple]:
    quote = connection.ops.quote_name
    table, updated = quote(model._meta.db_table), quote(model._meta.get_field("updated_at").column)
    open_sql, open_params = model.objects.open().values("pk").query.sql_with_params()
    orgs, org_updated = quote(Organization._meta.db_table), quote(Organization._meta.get_field("updated_at").column)
    sql = (
        f"SELECT COUNT(*), MAX({updated}), (SELECT COUNT(*) FROM ({open_sql}) o), "  # noqa: S608 - names quoted from the models, the open() subquery compiled by the ORM
        f"(SELECT MAX({org_updated}) FROM {orgs}) FROM {table}"
    )
    return sql, tuple(open_params)


def _moment(value) -> str:
    """An updated_at as the ORM would read it (SQLite hands back text, PostgreSQL an aware datetime), in ISO format."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat()


# --------------------------------------------------------------------------- documents


def region_slots(path: str, levels: dict[int, int]) -> tuple[int, ...]:
    """Region ids by level (city, district, street, community) from a materialized path."""
    slots = [0] * LEVELS
    parts = [int(p) for p in (path or "").strip("/").split("/") if p]
    for depth, pk in enumerate(parts):
        level = levels.get(pk, depth + 1)
        if 1 <= level <= LEVELS:
            slots[level - 1] = pk
    return tuple(slots)


def region_info(paths=None) -> dict[int, tuple[int, str]]:
    """Level and name of every region (or of those on the given paths), by primary key."""
    rows = Region.objects.all()
    if paths is not None:
        ids = {int(p) for path in paths for p in (path or "").strip("/").split("/") if p}
        if not ids:
            return {}
        rows = rows.filter(pk__in=ids)
    return {pk: (level, name) for pk, level, name in rows.values_list("pk", "level", "name")}


def places_on(path: str, info: dict[int, tuple[int, str]]) -> tuple[str, ...]:
    """Names of the regions on a path, to leave out of the item's text (engine.place_names)."""
    return place_names(info[int(p)][1] for p in (path or "").strip("/").split("/") if p and int(p) in info)


def unit_of(org_path: str, org_id: int) -> int:
    """The top organization of a branch's tree (示例学院党委 for 工业设计系教工党支部)."""
    first = (org_path or "").strip("/").split("/")[0]
    return int(first) if first else org_id


def documents(kind: str, pks=None):
    """Index documents for the open needs or resources (optionally only those in pks)."""
    rows = model_for(kind).objects.open()
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    amount = "capacity" if kind == "resources" else "scale"
    info = region_info()
    levels = {pk: level for pk, (level, _name) in info.items()}
    area = "service_area" if kind == "resources" else "seeks"  # needs have no service area: any column as a stand-in
    fields = ("pk", "title", "description", "category_id", "region__path", "organization_id")
    fields += ("organization__sector", "organization__path", "organization__region__path", amount, "seeks", "offers", area)
    for row in rows.values_list(*fields).iterator(chunk_size=2000):
        pk, title, description, category, path, org, sector, org_path, org_region_path, size, seeks, offers, reach = row
        places = places_on(path or org_region_path, info)
        yield Doc(
            pk=pk,
            terms=document_terms(title, description, places),
            grams=document_grams(title, description, places),
            category=category or 0,
            regions=region_slots(path or org_region_path, levels),
            sector=SECTOR_CODE.get(sector, 0),
            capacity=size if kind == "resources" else leading_number(size),
            org=org,
            unit=unit_of(org_path, org),
            seeks=KIND_CODE.get(seeks, 0),
            offers=KIND_CODE.get(offers, 0),
            area_level=AREA_LEVEL.get(reach, 0) if kind == "resources" else 0,
        )


# --------------------------------------------------------------------------- the index of each process


@dataclass
class Slot:
    index: MatchIndex
    generation: str
    stamp: list
    pointer_mtime: int = 0


_slots: dict[tuple, Slot] = {}
_lock = threading.RLock()


def _key(kind, root):
    return (str(root), kind)


def _pointer(root: Path, kind: str) -> Path:
    return root / kind / POINTER


def _load(kind: str, root: Path | None) -> Slot | None:
    """This process's index, reopened or reloaded if another process wrote a newer one."""
    slot = _slots.get(_key(kind, root))
    if root is None:
        return slot
    pointer = _pointer(root, kind)
    try:
        mtime = pointer.stat().st_mtime_ns
    except FileNotFoundError:
        _slots.pop(_key(kind, root), None)
        return None
    if slot is not None and slot.pointer_mtime == mtime:
        return slot
    meta = json.loads(pointer.read_text())
    path = root / kind / meta["generation"]
    if not path.is_dir():
        return None
    if slot is None or slot.generation != meta["generation"]:
        slot = Slot(MatchIndex(path), meta["generation"], meta["stamp"], mtime)
    else:
        slot.index.reload()  # same generation, a newer commit
        slot.stamp, slot.pointer_mtime = meta["stamp"], mtime
    _slots[_key(kind, root)] = slot
    return slot


def _publish(kind: str, root: Path | None, slot: Slot) -> Slot:
    if root is not None:
        pointer = _pointer(root, kind)
        scratch = pointer.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_text(json.dumps({"generation": slot.generation, "stamp": slot.stamp}))
        os.replace(scratch, pointer)  # readers see the old pointer or the new one, never half of one
        slot.pointer_mtime = pointer.stat().st_mtime_ns
        _sweep(kind, root, slot.generation)
    _slots[_key(kind, root)] = slot
    return slot


def _sweep(kind: str, root: Path, generation: str):
    """Remove every generation but the current one, and pointers a killed writer left half-written.

    Only the lock holder calls this, so nothing else is being built: what is left is an older index or
    the remains of a writer killed mid-build (fault drill, exchange/tests/test_drill_index_refresh.py).
    Readers that still map an old generation keep their open files; new readers follow the pointer.
    """
    for path in (root / kind).iterdir():
        if path.is_dir() and path.name != generation:
            shutil.rmtree(path, ignore_errors=True)
        elif path.suffix == ".tmp":
            path.unlink(missing_ok=True)


@contextmanager
def writing(kind: str, root: Path | None):
    """One writer per index across processes (a file lock) and threads."""
    with _lock:
        if root is None:
            yield
            return
        (root / kind).mkdir(parents=True, exist_ok=True)
        with open(root / kind / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _rebuild(kind: str, root: Path | None) -> Slot:
    stamp = db_stamp(kind)  # before reading rows: a write during the build makes the next search catch up
    generation = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    index = MatchIndex(root / kind / generation if root else None, create=True)
    index.write(documents(kind), heap=BUILD_HEAP)
    return _publish(kind, root, Slot(index, generation, stamp))


def rebuild(kind: str) -> Slot:
    """Build the index from scratch into a new generation and switch every process to it."""
    root = location()
    with writing(kind, root):
        return _rebuild(kind, root)


def sync(kind: str, pks=(), orgs=()) -> Slot:
    """Catch the index up with the database: rows changed since its stamp, plus pks and the items of orgs."""
    root = location()
    with writing(kind, root):
        slot = _load(kind, root)
        stamp = db_stamp(kind)
        if slot is None or len(slot.stamp) != len(stamp) or not slot.stamp[1] or stamp[0] < slot.stamp[0]:
            return _rebuild(kind, root)
        model = model_for(kind)
        changed = set(pks)
        if orgs:
            changed.update(model._base_manager.filter(organization_id__in=list(orgs)).values_list("pk", flat=True))
        if stamp != slot.stamp:
            since = datetime.datetime.fromisoformat(slot.stamp[1]) - CATCH_UP_WINDOW
            changed.update(model._base_manager.filter(updated_at__gte=since).values_list("pk", flat=True))
        if stamp[3] != slot.stamp[3] and slot.stamp[3]:
            # An organization's sector, region and place in the tree are part of each item it posted. The
            # signal names them to the worker's host only; other hosts learn of the change here.
            since = datetime.datetime.fromisoformat(slot.stamp[3]) - CATCH_UP_WINDOW
            changed.update(model._base_manager.filter(organization__updated_at__gte=since).values_list("pk", flat=True))
        if len(changed) > REBUILD_ABOVE:
            return _rebuild(kind, root)  # a bulk import: one pass beats a huge IN list
        if changed:
            slot.index.write(documents(kind, changed), delete=changed)
        if slot.index.num_docs != stamp[2]:
            # Rows the catch-up cannot see: deleted without trace, or indexed inside a transaction that rolled back.
            return _rebuild(kind, root)
        slot.stamp = stamp
        return _publish(kind, root, slot)


def current_index(kind: str) -> MatchIndex:
    """The index to search, current with the database."""
    root = location()
    with _lock:
        slot = _load(kind, root)
        if slot is None:
            return sync(kind).index
        stamp = db_stamp(kind)
        if slot.stamp != stamp or slot.index.num_docs != stamp[2]:
            slot = sync(kind)
        return slot.index


def current_slot(kind: str) -> Slot | None:
    """This process's index of kind as it stands, without comparing stamps (for inspection and tests)."""
    with _lock:
        return _load(kind, location())


def forget():
    """Drop this process's indexes (tests, or after moving the index directory)."""
    with _lock:
        _slots.clear()
