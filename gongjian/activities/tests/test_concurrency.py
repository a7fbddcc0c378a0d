"""Capacity under concurrent sign-ups: the last place goes to exactly one person.

Real row locks need PostgreSQL; the SQLite run still proves the counting
rules sequentially (its IMMEDIATE transactions serialise writers anyway).
"""

import threading

import pytest
from django.db import connection

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.lib.testing import api_client_for

from .helpers import make_activity, make_people

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections need PostgreSQL")


def run_in_threads(functions):
    """Start all functions together (a barrier releases them at once); return their results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = function()
        except Exception as e:  # collected and asserted on by the test
            results[index] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_place_to_exactly_one_of_many_parallel_requests(world):
    activity = make_activity(world.own_org, capacity=3)
    early = make_people(world.own_branch, 2)
    for person in early:
        activity.register(person)
    racers = make_people(world.own_branch, 8)
    clients = [api_client_for(person.user) for person in racers]
    url = f"/api/v1/activities/{activity.uuid}/register/"
    responses = run_in_threads([lambda c=c: c.post(url, {}, format="json") for c in clients])
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [201] * 8
    outcomes = sorted(r.json()[0]["status"] for r in responses)
    assert outcomes.count(S.REGISTERED) == 1 and outcomes.count(S.WAITLISTED) == 7
    assert activity.registrations.filter(status=S.REGISTERED).count() == 3


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_never_overbooks_when_cancelling_and_registering_race(world):
    activity = make_activity(world.own_org, capacity=2)
    holders = [activity.register(p) for p in make_people(world.own_branch, 2)]
    waiting = [activity.register(p) for p in make_people(world.own_branch, 3)]
    newcomers = make_people(world.own_branch, 4)
    calls = [holder.cancel for holder in holders] + [lambda p=p: activity.register(p) for p in newcomers]
    results = run_in_threads(calls)
    assert not [r for r in results if isinstance(r, Exception)]
    assert activity.registrations.filter(status=S.REGISTERED).count() == 2
    # The freed places went to the waitlist first, in order.
    promoted = set(activity.registrations.filter(status=S.REGISTERED).values_list("pk", flat=True))
    assert promoted == {waiting[0].pk, waiting[1].pk}


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_double_submit_of_the_same_person(world):
    activity = make_activity(world.own_org, capacity=10)
    person = world.member.person
    results = run_in_threads([lambda: activity.register(person) for _ in range(4)])
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert activity.registrations.count() == 1


@pytest.mark.django_db
def test_it_never_overbooks_in_a_long_sequence_of_sign_ups_and_cancellations(world):
    activity = make_activity(world.own_org, capacity=3)
    people = make_people(world.own_branch, 8)
    registrations = [activity.register(p) for p in people]
    for registration in registrations[:4]:
        registration.refresh_from_db()
        if registration.status in (S.REGISTERED, S.WAITLISTED):
            registration.cancel()
        assert activity.places_taken() <= 3
    for person in people[:2]:
        activity.register(person)
        assert activity.places_taken() <= 3
    assert activity.places_taken() == 3
    # Those who waited all along move up before the two who came back after cancelling.
    order = []
    for _ in range(6):
        holder = activity.registrations.filter(status=S.REGISTERED).first()
        order.extend(r.person_id for r in holder.cancel())
        assert activity.places_taken() <= 3
    assert order[-2:] == [people[0].pk, people[1].pk]
