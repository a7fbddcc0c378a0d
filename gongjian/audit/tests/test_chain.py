from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from gongjian.audit import anchor
from gongjian.audit.models import MIN_RETENTION_DAYS, Action, Outcome, Record, verify_chain
from gongjian.audit.recording import record


@pytest.fixture
def trail(db, django_capture_on_commit_callbacks):
    # Run the commit hooks as a real commit would: they stamp the chain's head (audit/anchor.py).
    with django_capture_on_commit_callbacks(execute=True):
        return [record(Action.EXPORT, changes={"n": i}, actor_name=f"tester{i}") for i in range(5)]


def verify():
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_it_chains_each_record_to_the_one_before(trail):
    assert trail[0].prev_mac == ""
    for before, after in zip(trail, trail[1:], strict=False):
        assert after.prev_mac == before.mac
    assert verify_chain() is None
    assert verify().startswith("OK: 5 records")


def test_it_refuses_to_change_or_delete_records_through_the_application(trail):
    entry = Record.objects.get(pk=trail[2].pk)
    entry.actor_name = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        Record.objects.filter(pk=entry.pk).update(actor_name="someone else")
    with pytest.raises(PermissionError):
        Record.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        Record.objects.all().delete()
    assert Record.objects.count() == 5
    assert verify_chain() is None


def test_it_names_a_record_changed_in_the_database(trail):
    target = trail[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_record SET actor_name = %s WHERE id = %s", ["cover-up", target.pk])
    assert verify_chain().pk == target.pk
    with pytest.raises(CommandError) as error:
        verify()
    assert f"record {target.pk} " in str(error.value)
    assert timezone.localtime(target.created_at).isoformat(timespec="seconds") in str(error.value)


def test_it_notices_a_changed_outcome_or_diff(trail):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_record SET outcome = %s WHERE id = %s", [Outcome.FAILURE, trail[3].pk])
    assert verify_chain().pk == trail[3].pk


def test_it_notices_a_deleted_record_in_the_middle(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_record WHERE id = %s", [trail[2].pk])
    assert verify_chain().pk == trail[3].pk
    with pytest.raises(CommandError, match=f"record {trail[3].pk} "):
        verify()


def test_it_notices_a_deleted_first_record(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_record WHERE id = %s", [trail[0].pk])
    assert verify_chain().pk == trail[1].pk


def test_it_exits_non_zero_from_the_command_line_when_broken(trail):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_record SET object_repr = 'x' WHERE id = %s", [trail[1].pk])
    with pytest.raises(SystemExit) as exit_:
        _run_as_cli()
    assert exit_.value.code != 0


def _run_as_cli():
    from django.core.management import ManagementUtility

    ManagementUtility(["manage.py", "verify_audit"]).execute()


def test_it_verifies_across_batches(trail):
    assert verify_chain(batch_size=2) is None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_record SET changes = %s WHERE id = %s", ['{"n": 99}', trail[4].pk])
    assert verify_chain(batch_size=2).pk == trail[4].pk


def test_it_records_time_with_zone_actor_ip_action_object_and_outcome(db, rf):
    from gongjian.accounts.models import User
    from gongjian.lib.middleware import current_request

    user = User.objects.create(username="actor")
    request = rf.get("/", REMOTE_ADDR="10.8.8.8")
    request.user = user
    token = current_request.set(request)
    try:
        entry = record(Action.VIEW_PERSONAL, user, changes={"phone": "138****8000"})
    finally:
        current_request.reset(token)
    assert entry.created_at.tzinfo is not None
    assert (entry.actor, entry.actor_name, entry.ip) == (user, "actor", "10.8.8.8")
    assert (entry.action, entry.object_type, entry.object_id) == ("view_personal", "accounts.user", str(user.pk))
    assert entry.outcome == Outcome.SUCCESS


def age(records, days):
    """Back-date records with raw SQL and re-seal the chain, as if they were written ``days`` ago."""
    with connection.cursor() as cursor:
        prev = ""
        for entry in Record.objects.order_by("pk"):
            if entry.pk in {r.pk for r in records}:
                entry.created_at = timezone.now() - timedelta(days=days)
            mac = entry.compute_mac(prev)
            cursor.execute("UPDATE audit_record SET created_at = %s, prev_mac = %s, mac = %s WHERE id = %s", [entry.created_at, prev, mac, entry.pk])
            prev = mac
    anchor.reset()  # the re-sealed history ends in a record of new MAC: stamp it as the head
    assert verify_chain() is None


def test_it_purges_only_records_past_the_retention_and_still_verifies(trail):
    age(trail[:3], days=400)
    out = StringIO()
    call_command("purge_audit_records", "--days", "365", stdout=out)
    assert "Purged 3" in out.getvalue()
    remaining = list(Record.objects.order_by("pk"))
    assert [r.pk for r in remaining[:2]] == [trail[3].pk, trail[4].pk]
    assert remaining[-1].action == Action.PURGE and remaining[-1].changes["count"] == 3
    assert verify_chain() is None
    assert verify().startswith("OK")
    # Idempotent: nothing more is old enough.
    call_command("purge_audit_records", "--days", "365", stdout=StringIO())
    assert Record.objects.filter(action=Action.PURGE).count() == 1


def test_it_never_purges_records_younger_than_190_days(trail):
    age(trail[:2], days=MIN_RETENTION_DAYS - 1)
    with pytest.raises(CommandError):
        call_command("purge_audit_records", "--days", "30", stdout=StringIO())
    with pytest.raises(ValueError):
        Record.purge(MIN_RETENTION_DAYS - 1)
    assert Record.purge(MIN_RETENTION_DAYS) == 0
    assert Record.objects.count() == 5


def test_it_still_notices_tampering_after_a_purge(trail):
    age(trail[:2], days=400)
    Record.purge(365)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_record WHERE id = %s", [trail[2].pk])
    assert verify_chain().pk == trail[3].pk
