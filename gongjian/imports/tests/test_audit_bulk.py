"""gongjian.audit.bulk: many records at once, in the same HMAC chain as Record.save()."""

import datetime
import uuid

import pytest
from django.db import connection, transaction

from gongjian.audit import bulk
from gongjian.audit.models import Action, Outcome, Record, verify_chain
from gongjian.audit.recording import record


def test_it_appends_records_to_the_chain_between_single_writes(world):
    record(Action.LOGIN, world.alliance_admin, actor=world.alliance_admin)
    entries = [bulk.entry(Action.CREATE, world.own_org, changes={"name": [None, f"组织{i}"]}, actor=world.org_admin) for i in range(5)]
    assert bulk.append(entries, batch_size=2) == 5
    record(Action.LOGOUT, world.alliance_admin, actor=world.alliance_admin)
    assert verify_chain() is None
    last = list(Record.objects.order_by("-pk")[:7])[::-1]
    assert [r.action for r in last] == [Action.LOGIN] + [Action.CREATE] * 5 + [Action.LOGOUT]
    for earlier, later in zip(last, last[1:], strict=False):
        assert later.prev_mac == earlier.mac
    assert last[1].actor == world.org_admin and last[1].object_id == str(world.own_org.pk) and last[1].object_repr == "示例学院党委"


def test_it_stores_changes_in_the_form_they_read_back(world):
    # Dates, UUIDs and tuples are turned into JSON first, or the stored record would not match its MAC.
    changes = {"when": [None, datetime.date(2025, 3, 1)], "id": [None, uuid.UUID(int=7)], "pair": (1, 2)}
    bulk.append([bulk.entry(Action.UPDATE, world.own_org, changes=changes, actor=world.alliance_admin)])
    stored = Record.objects.order_by("-pk").first()
    assert stored.changes == {"when": [None, "2025-03-01"], "id": [None, str(uuid.UUID(int=7))], "pair": [1, 2]}
    assert verify_chain() is None


def test_it_stores_nested_lists_of_plain_values_as_they_are(world):
    # A tag change is [old tags, new tags]; deeper or non-plain values still go through JSON.
    changes = {"tags": [["工业设计"], ["工业设计", "志愿服务"]], "deep": [[[1]]], "mixed": [[None, datetime.date(2025, 3, 1)]]}
    plain = {"tags": changes["tags"]}
    assert bulk._stored_form(plain) is plain  # no JSON round trip needed
    bulk.append([bulk.entry(Action.UPDATE, world.own_org, changes=changes, actor=world.alliance_admin)])
    stored = Record.objects.order_by("-pk").first()
    assert stored.changes == {"tags": [["工业设计"], ["工业设计", "志愿服务"]], "deep": [[[1]]], "mixed": [[None, "2025-03-01"]]}
    assert verify_chain() is None


def test_it_records_the_source_address_and_outcome_given(world):
    bulk.append([bulk.entry(Action.IMPORT, actor=world.alliance_admin, ip="10.0.0.7", outcome=Outcome.FAILURE, object_repr="名单.xlsx")])
    stored = Record.objects.order_by("-pk").first()
    assert (stored.ip, stored.outcome, stored.object_repr, stored.actor_name) == ("10.0.0.7", "failure", "名单.xlsx", "alliance")


def test_it_leaves_the_chain_intact_when_the_transaction_rolls_back(world):
    count = Record.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk.append([bulk.entry(Action.CREATE, world.own_org, actor=world.alliance_admin) for _ in range(3)])
        raise RuntimeError
    assert Record.objects.count() == count
    bulk.append([bulk.entry(Action.CREATE, world.own_org, actor=world.alliance_admin)])
    assert verify_chain() is None


def test_it_refuses_a_record_that_was_already_saved(world):
    saved = record(Action.LOGIN, world.alliance_admin, actor=world.alliance_admin)
    with pytest.raises(PermissionError):
        bulk.append([saved])


def test_a_tampered_bulk_record_breaks_the_chain(world):
    bulk.append([bulk.entry(Action.CREATE, world.own_org, changes={"name": [None, "甲"]}, actor=world.alliance_admin) for _ in range(3)])
    middle = Record.objects.order_by("-pk")[1]
    # The append-only manager refuses updates; raw SQL plays the attacker.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_record SET object_repr = %s WHERE id = %s", ["乙", middle.pk])
    assert verify_chain().pk == middle.pk


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers hold real locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_and_single_appends_keep_one_chain():
    import threading

    from gongjian.lib.testing import build_world

    world = build_world()
    errors = []

    def bulk_writer(n):
        try:
            for _ in range(5):
                bulk.append([bulk.entry(Action.CREATE, world.own_org, changes={"n": [None, n]}, actor=world.alliance_admin) for _ in range(20)])
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            connection.close()

    def single_writer():
        try:
            for _ in range(20):
                record(Action.LOGIN, world.alliance_admin, actor=world.alliance_admin)
        except Exception as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=bulk_writer, args=(n,)) for n in range(3)] + [threading.Thread(target=single_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Record.objects.filter(action=Action.CREATE, object_type="orgs.organization", changes__has_key="n").count() == 300
    assert verify_chain() is None
