"""The chain's head, stamped outside the database (issue: deleting the newest records went unnoticed).

The HMAC chain shows a changed record or a removed middle record, but not a trail cut short:
the records that remain still verify. So every committed append also writes the newest
record's id and MAC, signed with the audit key, to a file on the application host
(``AUDIT_HEAD_FILE``). ``verify_audit`` then checks that this record still exists with that
MAC. Someone who can change the database but not that file, or who lacks the key, can no longer
remove the newest records (or all of them) unseen. See docs/operations.md for what it does not cover.
"""

import fcntl
import hmac
import json
import os
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def _path() -> Path:
    return Path(settings.AUDIT_HEAD_FILE)


def _signature(pk: int, mac: str, at: str) -> str:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), f"head|{pk}|{mac}|{at}".encode(), sha256).hexdigest()


def read() -> dict | None:
    try:
        return json.loads(_path().read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: check() reports it


def advance(pk: int, mac: str) -> None:
    """Move the stamp to record ``pk`` unless a later one is already stamped (workers commit in any order)."""
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read() or {}
        if int(current.get("pk") or 0) >= pk and current.get("sig"):
            return
        at = timezone.now().isoformat(timespec="seconds")
        body = json.dumps({"pk": pk, "mac": mac, "at": at, "sig": _signature(pk, mac, at)})
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(body)
        os.replace(tmp, path)


def reset() -> None:
    """Stamp the database's newest record as the head: after a restore, which legitimately goes back in time."""
    from .models import Record

    _path().unlink(missing_ok=True)
    newest = Record.objects.order_by("-pk").values_list("pk", "mac").first()
    if newest is not None:
        advance(*newest)


def check() -> str | None:
    """What is wrong with the head, or None when the newest stamped record is still there, unchanged."""
    from .models import Record

    head = read()
    if head is None:
        if Record.objects.exists():
            return f"no head stamp at {_path()}: the newest records cannot be checked"
        return None
    try:
        pk, mac, at, sig = int(head["pk"]), str(head["mac"]), str(head["at"]), str(head["sig"])
    except (KeyError, TypeError, ValueError):
        return f"the head stamp at {_path()} is unreadable"
    if not hmac.compare_digest(sig, _signature(pk, mac, at)):
        return f"the head stamp at {_path()} is not signed with this site's audit key"
    stored = Record.objects.filter(pk=pk).values_list("mac", flat=True).first()
    if stored is None:
        return f"record {pk}, stamped as the head on {at}, is gone: the newest records were removed"
    if not hmac.compare_digest(stored, mac):
        return f"record {pk}, stamped as the head on {at}, was replaced"
    return None
