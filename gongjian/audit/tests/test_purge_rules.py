"""Purging keeps the trail one unbroken chain: only a run of old records from its start goes."""

from io import StringIO

import pytest
from django.core.management import call_command

from gongjian.audit.models import Action, Record, verify_chain
from gongjian.audit.recording import record
from gongjian.audit.tests.test_chain import age

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [record(Action.EXPORT, changes={"n": i}, actor_name=f"tester{i}") for i in range(4)]


def test_it_stops_at_the_first_young_record(trail):
    # A back-dated record after a young one (a clock step, a restore) stays: deleting it would cut the chain.
    age([trail[0], trail[2]], days=400)
    assert Record.purge(365) == 1
    assert list(Record.objects.exclude(action=Action.PURGE).order_by("pk").values_list("pk", flat=True)) == [t.pk for t in trail[1:]]
    assert verify_chain() is None


def test_the_purge_record_keeps_the_link_to_what_went(trail):
    age(trail[:2], days=400)
    last_mac = Record.objects.get(pk=trail[1].pk).mac
    Record.purge(365)
    purge = Record.objects.get(action=Action.PURGE)
    assert purge.changes["through"] == trail[1].pk and purge.changes["anchor"] == last_mac and purge.changes["count"] == 2
    assert purge.actor_name == "purge_audit_records" and purge.actor is None
    assert Record.objects.get(pk=trail[2].pk).prev_mac == last_mac


def test_a_second_purge_chains_from_the_first(trail):
    age(trail[:1], days=400)
    Record.purge(365)
    age([trail[1]], days=400)
    assert Record.purge(365) == 1
    assert Record.objects.filter(action=Action.PURGE).count() == 2
    assert verify_chain() is None


def test_the_command_defaults_to_the_configured_retention(trail, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    age(trail[:1], days=250)
    # The default is read when the command's arguments are defined, i.e. on each call_command.
    out = StringIO()
    call_command("purge_audit_records", stdout=out)
    assert out.getvalue().strip() == "Purged 1 audit records older than 200 days."


def test_it_writes_no_purge_record_when_nothing_is_old_enough(trail):
    assert Record.purge(365) == 0
    assert not Record.objects.filter(action=Action.PURGE).exists()
