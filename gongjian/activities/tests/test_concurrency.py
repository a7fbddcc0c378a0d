"""Capacity under concurrent sign-ups: the last place goes to exactly one person.

Real row locks need PostgreSQL; the SQLite run still proves the counting
rules sequentially (its IMMEDIATE transactions serialise writers anyway).
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

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


def race_for_the_last_place(world, activity, racers=8):
    """Two people take places, then ``racers`` more register through the API all at once; their responses."""
    for person in make_people(world.own_branch, 2):
        activity.register(person)
    clients = [api_client_for(person.user) for person in make_people(world.own_branch, racers)]
    url = f"/api/v1/activities/{activity.uuid}/register/"
    responses = run_in_threads([lambda c=c: c.post(url, {}, format="json") for c in clients])
    assert all(not isinstance(r, Exception) for r in responses), responses
    return responses


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_place_to_exactly_one_of_many_parallel_requests(world):
    activity = make_activity(world.own_org, capacity=3)
    responses = race_for_the_last_place(world, activity)
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


def taken_message(n):
    return gettext("%(taken)s people already hold a place; the capacity cannot be lower.") % {"taken": n}


@pytest.fixture
def lowered_capacity_race(world):
    """An activity of 5 places with 2 taken; a sign-up lands after a lower capacity's check, before its save."""
    from unittest import mock

    from gongjian.activities.models import Activity

    activity = make_activity(world.own_org, capacity=5)
    for person in make_people(world.own_branch, 2):
        activity.register(person)
    late = make_people(world.own_branch, 1)[0]
    clean = Activity.full_clean

    def clean_then_someone_registers(self, *args, **kwargs):
        clean(self, *args, **kwargs)
        # The stored capacity is still 5: the newcomer gets a place.
        Activity.objects.get(pk=self.pk).register(late)

    with mock.patch.object(Activity, "full_clean", clean_then_someone_registers):
        yield activity


@pytest.mark.django_db
def test_it_refuses_a_lower_capacity_when_a_place_was_taken_after_its_check(lowered_capacity_race):
    from django.core.exceptions import ValidationError

    activity = lowered_capacity_race
    activity.capacity = 2
    activity.full_clean()  # two places taken when it looked: 2 passes
    with pytest.raises(ValidationError) as e:
        activity.save()
    assert e.value.message_dict["capacity"] == [taken_message(3)]
    activity.refresh_from_db()
    assert activity.capacity == 5 and activity.places_taken() == 3


@pytest.mark.django_db
def test_it_answers_the_api_with_the_capacity_error_instead_of_overbooking(world, api_for, lowered_capacity_race):
    activity = lowered_capacity_race
    response = api_for(world.org_admin).patch(f"/api/v1/activities/{activity.uuid}/", {"capacity": 2}, format="json")
    assert response.status_code == 400 and "capacity" in response.json()
    activity.refresh_from_db()
    assert activity.capacity == 5 and activity.places_taken() == 3


@pytest.mark.django_db
def test_it_shows_the_capacity_error_on_the_edit_form_instead_of_overbooking(world, client_for, lowered_capacity_race):
    from django.urls import reverse

    from .test_views import form_data

    activity = lowered_capacity_race
    when = {key: timezone.localtime(getattr(activity, key)).strftime("%Y-%m-%dT%H:%M") for key in ("starts_at", "ends_at")}
    response = client_for(world.org_admin).post(reverse("activities:edit", args=[activity.uuid]), form_data(world, capacity="2", **when))
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [taken_message(3)]
    activity.refresh_from_db()
    assert activity.capacity == 5 and activity.places_taken() == 3
