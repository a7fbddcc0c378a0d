"""The chain's head is stamped outside the database, so removing the newest records (or all) shows."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongjian.audit import anchor, bulk
from gongjian.audit.models import Action, Record
from gongjian.audit.recording import record

pytestmark = pytest.mark.django_db(transaction=True)  # the stamp is written when the record commits


def raw_delete(*pks):
    # What someone with the database's rights could do behind the application.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM audit_record WHERE id IN ({', '.join(['%s'] * len(pks))})", pks)


def verify():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_it_stamps_the_newest_committed_record(settings):
    records = [record(Action.EXPORT, changes={"n": i}, actor_name="tester") for i in range(3)]
    head = json.loads(settings.AUDIT_HEAD_FILE.read_text())
    assert (head["pk"], head["mac"]) == (records[-1].pk, records[-1].mac)
    assert oct(settings.AUDIT_HEAD_FILE.stat().st_mode & 0o777) == "0o600"
    assert "OK: 3 records verified" in verify()


def test_it_notices_the_newest_records_removed():
    records = [record(Action.EXPORT, changes={"n": i}, actor_name="tester") for i in range(4)]
    raw_delete(records[-1].pk, records[-2].pk)
    with pytest.raises(CommandError, match=f"record {records[-1].pk}, stamped as the head .* is gone"):
        verify()


def test_it_notices_every_record_removed():
    records = [record(Action.EXPORT, changes={"n": i}, actor_name="tester") for i in range(2)]
    raw_delete(*(r.pk for r in records))
    with pytest.raises(CommandError, match="the newest records were removed"):
        verify()


def test_it_notices_a_missing_or_forged_stamp(settings):
    record(Action.EXPORT, actor_name="tester")
    settings.AUDIT_HEAD_FILE.unlink()
    with pytest.raises(CommandError, match="no head stamp"):
        verify()
    newest = Record.objects.order_by("-pk").first()
    settings.AUDIT_HEAD_FILE.write_text(json.dumps({"pk": newest.pk, "mac": newest.mac, "at": "2023-01-01T00:00:00", "sig": "0" * 64}))
    with pytest.raises(CommandError, match="not signed with this site's audit key"):
        verify()


def test_it_follows_bulk_appends():
    bulk.append([bulk.entry(Action.IMPORT, changes={"n": i}, actor_name="importer") for i in range(5)])
    newest = Record.objects.order_by("-pk").first()
    assert anchor.read()["pk"] == newest.pk
    assert "OK: 5 records verified" in verify()


def test_a_later_stamp_is_never_moved_back(settings):
    first, second = (record(Action.EXPORT, actor_name="tester") for _ in range(2))
    anchor.advance(first.pk, first.mac)  # a worker whose commit finished last, but wrote first
    assert anchor.read()["pk"] == second.pk


def test_reanchoring_after_a_restore_accepts_the_shorter_trail():
    records = [record(Action.EXPORT, changes={"n": i}, actor_name="tester") for i in range(3)]
    raw_delete(records[-1].pk)
    with pytest.raises(CommandError):
        verify()
    out = io.StringIO()
    call_command("verify_audit", "--reanchor", stdout=out)
    assert "OK: 2 records verified" in out.getvalue()
