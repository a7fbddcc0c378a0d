"""Two organizations at the same moment: exactly one wins, the other gets a clear refusal.

The threaded tests need real row locks and run on PostgreSQL (CI's PostgreSQL
pass); the sequential versions check the same outcome on any database.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from gongjian.exchange.models import Claim, Need, Resource

needs_postgres = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def race(*calls):
    """Run the calls in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as e:  # the loser's ValidationError is the point of the test
            results[index] = e
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _two_claims(world, make_need, enterprise):
    org, admin = enterprise
    need = make_need(publish=True)
    return need, need.claim(world.own_org, by=world.org_admin), need.claim(org, by=admin)


class TestOnPostgres:
    pytestmark = needs_postgres

    def test_it_accepts_only_one_of_two_simultaneous_acceptances(self, world, make_need, enterprise):
        need, first, second = _two_claims(world, make_need, enterprise)
        a, b = Claim.objects.get(pk=first.pk), Claim.objects.get(pk=second.pk)
        results = race(lambda: a.accept(world.outsider), lambda: b.accept(world.outsider))
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
        assert sorted(Claim.objects.filter(need=need).values_list("status", flat=True)) == ["accepted", "rejected"]
        assert Need.objects.get(pk=need.pk).status == "claimed"
        assert need.events.filter(to_status="claimed").count() == 1

    def test_it_keeps_one_live_claim_when_an_organization_claims_twice_at_once(self, world, make_need):
        need = make_need(publish=True)
        results = race(*(lambda: Need.objects.get(pk=need.pk).claim(world.own_org, by=world.org_admin) for _ in range(2)))
        assert sum(isinstance(r, Claim) for r in results) == 1, results
        assert sum(isinstance(r, ValidationError) for r in results) == 1, results
        assert Claim.objects.filter(need=need).count() == 1

    def test_it_never_hands_out_more_capacity_than_there_is(self, world, make_resource, enterprise):
        org, admin = enterprise
        resource = make_resource(publish=True, capacity=6)
        first = resource.request(world.foreign_org, by=world.outsider, quantity=4)
        second = resource.request(org, by=admin, quantity=4)
        results = race(lambda: first.accept(world.org_admin), lambda: second.accept(world.org_admin))
        assert sum(isinstance(r, ValidationError) for r in results) == 1, results
        assert Resource.objects.get(pk=resource.pk).capacity == 2


class TestSequentially:
    """The same races, one after the other: the loser sees the winner's committed state."""

    pytestmark = pytest.mark.django_db

    def test_it_refuses_the_second_acceptance(self, world, make_need, enterprise):
        need, first, second = _two_claims(world, make_need, enterprise)
        stale = Claim.objects.get(pk=second.pk)
        first.accept(world.outsider)
        with pytest.raises(ValidationError) as e:
            stale.accept(world.outsider)
        assert e.value.code in ("decided", "taken")
        assert sorted(Claim.objects.filter(need=need).values_list("status", flat=True)) == ["accepted", "rejected"]

    def test_it_refuses_accepting_after_the_claimant_withdrew(self, world, make_need, enterprise):
        _need, first, _second = _two_claims(world, make_need, enterprise)
        stale = Claim.objects.get(pk=first.pk)
        first.withdraw(world.org_admin)
        with pytest.raises(ValidationError) as e:
            stale.accept(world.outsider)
        assert e.value.code == "decided"
        assert Need.objects.get(pk=first.need_id).status == "published"
