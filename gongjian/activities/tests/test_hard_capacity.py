"""Hard capacity: an activity without a waitlist refuses registrations beyond its places (名额已满)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.forms import ActivityForm
from gongjian.activities.models import Activity, Registration

from .helpers import make_activity, make_people
from .test_concurrency import race_for_the_last_place, run_in_threads

FULL = "名额已满，本活动不设候补。"
WAITING = "候补名单中还有 %(n)s 人；请先取消他们的报名，再关闭候补。"

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections need PostgreSQL")


def chinese(error):
    with translation.override("zh-hans"):
        return [str(m) for m in error.messages]


def full_activity(world, capacity=2, **fields):
    """An activity without a waitlist whose places are all taken."""
    activity = make_activity(world.own_org, capacity=capacity, waitlist_enabled=False, **fields)
    for person in make_people(world.own_branch, capacity):
        activity.register(person)
    return activity


@pytest.mark.django_db
class TestModel:
    def test_it_keeps_the_waitlist_by_default(self, world):
        activity = make_activity(world.own_org, capacity=1)
        assert activity.waitlist_enabled
        assert [activity.register(p).status for p in make_people(world.own_branch, 2)] == [S.REGISTERED, S.WAITLISTED]

    def test_it_refuses_a_registration_beyond_capacity_in_chinese(self, world):
        activity = full_activity(world)
        late = make_people(world.own_branch, 1)[0]
        with pytest.raises(ValidationError) as e:
            activity.register(late)
        assert e.value.code == "full" and chinese(e.value) == [FULL]
        assert activity.registrations.count() == 2
        assert not activity.registrations.filter(status=S.WAITLISTED).exists()

    def test_it_gives_a_freed_place_to_the_next_person_who_registers(self, world):
        activity = full_activity(world)
        activity.registrations.first().cancel()
        late = make_people(world.own_branch, 1)[0]
        assert activity.register(late).status == S.REGISTERED
        assert activity.places_taken() == 2

    def test_it_refuses_someone_coming_back_after_cancelling_when_full(self, world):
        activity = make_activity(world.own_org, capacity=1, waitlist_enabled=False)
        leaving, staying = make_people(world.own_branch, 2)
        first = activity.register(leaving)
        first.cancel()
        activity.register(staying)
        with pytest.raises(ValidationError) as e:
            activity.register(leaving)
        assert e.value.code == "full"
        first.refresh_from_db()
        assert first.status == S.CANCELLED

    def test_it_still_says_already_registered_to_a_duplicate_on_a_full_activity(self, world):
        activity = full_activity(world, capacity=1)
        holder = activity.registrations.get().person
        with pytest.raises(ValidationError) as e:
            activity.register(holder)
        assert e.value.code == "duplicate"

    def test_it_has_no_limit_without_a_capacity(self, world):
        activity = make_activity(world.own_org, capacity=None, waitlist_enabled=False)
        assert {activity.register(p).status for p in make_people(world.own_branch, 4)} == {S.REGISTERED}

    def test_it_refuses_turning_the_waitlist_off_while_people_wait(self, world):
        activity = make_activity(world.own_org, capacity=1)
        holder, waiting = [activity.register(p) for p in make_people(world.own_branch, 2)]
        activity.waitlist_enabled = False
        with pytest.raises(ValidationError) as e:
            activity.full_clean()
        with translation.override("zh-hans"):
            assert e.value.message_dict["waitlist_enabled"] == [WAITING % {"n": 1}]
        # The save checks again under the row lock, even without clean().
        with pytest.raises(ValidationError) as e:
            activity.save()
        assert "waitlist_enabled" in e.value.message_dict
        activity.refresh_from_db()
        assert activity.waitlist_enabled

    def test_it_turns_the_waitlist_off_once_nobody_waits(self, world):
        activity = make_activity(world.own_org, capacity=1)
        holder, waiting = [activity.register(p) for p in make_people(world.own_branch, 2)]
        waiting.cancel()
        activity.waitlist_enabled = False
        activity.full_clean()
        activity.save()
        activity.refresh_from_db()
        assert not activity.waitlist_enabled
        # Turning it back on is always allowed; the next person waits again.
        activity.waitlist_enabled = True
        activity.save()
        assert activity.register(make_people(world.own_branch, 1)[0]).status == S.WAITLISTED

    def test_it_refuses_turning_it_off_when_someone_joined_the_waitlist_after_the_check(self, world):
        from unittest import mock

        activity = make_activity(world.own_org, capacity=1)
        activity.register(make_people(world.own_branch, 1)[0])
        late = make_people(world.own_branch, 1)[0]
        clean = Activity.full_clean

        def clean_then_someone_joins_the_waitlist(self, *args, **kwargs):
            clean(self, *args, **kwargs)
            Activity.objects.get(pk=self.pk).register(late)

        activity.waitlist_enabled = False
        with mock.patch.object(Activity, "full_clean", clean_then_someone_joins_the_waitlist):
            activity.full_clean()
        with pytest.raises(ValidationError) as e:
            activity.save()
        assert "waitlist_enabled" in e.value.message_dict
        activity.refresh_from_db()
        assert activity.waitlist_enabled and activity.registrations.filter(status=S.WAITLISTED).count() == 1


@pytest.mark.django_db
class TestGroupRegistration:
    def test_it_refuses_a_group_larger_than_the_free_places_as_a_whole(self, world):
        activity = make_activity(world.own_org, capacity=3, waitlist_enabled=False)
        activity.register(make_people(world.own_branch, 1)[0])
        group = make_people(world.own_branch, 3)
        with pytest.raises(ValidationError) as e:
            Registration.objects.register_many(activity, group, by=world.org_admin, organization=world.own_branch)
        assert e.value.code == "full"
        assert chinese(e.value) == ["仅剩 2 个名额，不够 3 人报名；本活动不设候补。"]
        assert activity.registrations.count() == 1

    def test_it_registers_a_group_that_fits_exactly(self, world):
        activity = make_activity(world.own_org, capacity=3, waitlist_enabled=False)
        created = Registration.objects.register_many(activity, make_people(world.own_branch, 3), organization=world.own_branch)
        assert [r.status for r in created] == [S.REGISTERED] * 3

    def test_it_shows_the_refusal_on_the_group_page(self, world, client_for):
        activity = make_activity(world.own_org, capacity=1, waitlist_enabled=False)
        people = make_people(world.own_branch, 2)
        url = reverse("activities:group_register", args=[activity.uuid])
        response = client_for(world.org_admin).post(url, {"organization": world.own_branch.uuid, "people": [p.uuid for p in people]})
        assert response.status_code == 200
        assert "仅剩 1 个名额，不够 2 人报名；本活动不设候补。" in response.content.decode()
        assert not activity.registrations.exists()


def edit_data(world, activity, **overrides):
    from .test_views import form_data

    when = {key: timezone.localtime(getattr(activity, key)).strftime("%Y-%m-%dT%H:%M") for key in ("starts_at", "ends_at")}
    data = form_data(world, title=activity.title, capacity=str(activity.capacity), **when)
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestForm:
    def test_it_offers_the_option_ticked_on_a_new_activity(self, world):
        form = ActivityForm(user=world.org_admin)
        assert form["waitlist_enabled"].value() is True
        assert 'name="waitlist_enabled"' in str(form["waitlist_enabled"]) and "checked" in str(form["waitlist_enabled"])

    def test_it_creates_an_activity_without_a_waitlist(self, world, client_for):
        from .test_views import form_data

        data = form_data(world)
        del data["waitlist_enabled"]  # an unticked checkbox is not posted
        response = client_for(world.org_admin).post(reverse("activities:add"), data)
        assert response.status_code == 302
        assert Activity.objects.get(title=data["title"]).waitlist_enabled is False

    def test_it_refuses_turning_the_waitlist_off_while_people_wait(self, world, client_for):
        activity = make_activity(world.own_org, capacity=1)
        for person in make_people(world.own_branch, 3):
            activity.register(person)
        data = edit_data(world, activity)
        del data["waitlist_enabled"]
        response = client_for(world.org_admin).post(reverse("activities:edit", args=[activity.uuid]), data)
        assert response.status_code == 200
        assert response.context["form"].errors["waitlist_enabled"] == [WAITING % {"n": 2}]
        activity.refresh_from_db()
        assert activity.waitlist_enabled


@pytest.mark.django_db
class TestPages:
    def test_it_shows_fully_booked_instead_of_the_waitlist_button(self, world, client_for):
        activity = full_activity(world, capacity=1)
        body = client_for(world.member).get(activity.get_absolute_url()).content.decode()
        assert 'data-role="full"' in body and "名额已满" in body
        assert 'data-role="register"' not in body and "加入候补" not in body

    def test_it_hides_group_registration_when_fully_booked(self, world, client_for):
        activity = full_activity(world, capacity=1)
        body = client_for(world.org_admin).get(activity.get_absolute_url()).content.decode()
        assert reverse("activities:group_register", args=[activity.uuid]) not in body

    def test_it_offers_the_waitlist_when_it_is_on(self, world, client_for):
        activity = make_activity(world.own_org, capacity=1)
        activity.register(make_people(world.own_branch, 1)[0])
        body = client_for(world.member).get(activity.get_absolute_url()).content.decode()
        assert "加入候补" in body and 'data-role="full"' not in body

    def test_it_offers_registration_while_places_are_free(self, world, client_for):
        activity = make_activity(world.own_org, capacity=2, waitlist_enabled=False)
        activity.register(make_people(world.own_branch, 1)[0])
        body = client_for(world.member).get(activity.get_absolute_url()).content.decode()
        assert 'data-role="register"' in body and 'data-role="full"' not in body

    def test_it_refuses_a_posted_registration_with_the_message(self, world, client_for):
        activity = full_activity(world, capacity=1)
        client = client_for(world.member)
        response = client.post(reverse("activities:register", args=[activity.uuid]), follow=True)
        assert FULL in response.content.decode()
        assert not activity.registrations.filter(person=world.member.person).exists()


@pytest.mark.django_db
class TestApi:
    def test_it_answers_409_with_the_chinese_message(self, world, api_for):
        activity = full_activity(world, capacity=1)
        response = api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", {}, format="json")
        assert response.status_code == 409
        assert response.json() == {"detail": FULL}
        assert activity.registrations.count() == 1

    def test_it_refuses_a_group_that_does_not_fit(self, world, api_for):
        activity = make_activity(world.own_org, capacity=1, waitlist_enabled=False)
        people = make_people(world.own_branch, 2)
        data = {"people": [str(p.uuid) for p in people], "organization": str(world.own_branch.uuid)}
        response = api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/register/", data, format="json")
        assert response.status_code == 409 and response.json()["detail"] == "仅剩 1 个名额，不够 2 人报名；本活动不设候补。"
        assert not activity.registrations.exists()

    def test_it_reads_and_writes_the_option(self, world, api_for):
        from .test_api import payload

        response = api_for(world.org_admin).post("/api/v1/activities/", payload(world, waitlist_enabled=False), format="json")
        assert response.status_code == 201 and response.json()["waitlist_enabled"] is False
        response = api_for(world.org_admin).post("/api/v1/activities/", payload(world, title="默认有候补"), format="json")
        assert response.json()["waitlist_enabled"] is True

    def test_it_refuses_turning_the_waitlist_off_while_people_wait(self, world, api_for):
        activity = make_activity(world.own_org, capacity=1)
        for person in make_people(world.own_branch, 2):
            activity.register(person)
        response = api_for(world.org_admin).patch(f"/api/v1/activities/{activity.uuid}/", {"waitlist_enabled": False}, format="json")
        assert response.status_code == 400
        assert response.json()["waitlist_enabled"] == [WAITING % {"n": 1}]
        activity.refresh_from_db()
        assert activity.waitlist_enabled

    def test_it_documents_the_409_in_the_schema(self, client):
        schema = client.get("/api/schema/?format=json").json()
        answer = schema["paths"]["/api/v1/activities/{uuid}/register/"]["post"]["responses"]["409"]
        assert answer["description"] == "本活动不设候补，且剩余名额不足：未为任何人报名。"
        assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        fields = schema["components"]["schemas"]["Activity"]["properties"]
        assert fields["waitlist_enabled"]["type"] == "boolean"


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_place_to_exactly_one_and_refuses_the_others(world):
    activity = make_activity(world.own_org, capacity=3, waitlist_enabled=False)
    responses = race_for_the_last_place(world, activity)
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {FULL}
    assert activity.registrations.filter(status=S.REGISTERED).count() == 3
    assert activity.registrations.count() == 3


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_never_leaves_anyone_waiting_when_the_waitlist_is_turned_off_in_a_race(world):
    for _round in range(5):
        activity = make_activity(world.own_org, capacity=1)
        activity.register(make_people(world.own_branch, 1)[0])
        newcomer = make_people(world.own_branch, 1)[0]

        def turn_off():
            fresh = Activity.objects.get(pk=activity.pk)
            fresh.waitlist_enabled = False
            fresh.save()

        results = run_in_threads([turn_off, lambda: activity.register(newcomer)])
        activity.refresh_from_db()
        waiting = activity.registrations.filter(status=S.WAITLISTED).count()
        # Exactly one of the two wins, whichever came first under the lock.
        if activity.waitlist_enabled:
            assert waiting == 1 and isinstance(results[0], ValidationError) and "waitlist_enabled" in results[0].message_dict
        else:
            assert waiting == 0 and isinstance(results[1], ValidationError) and results[1].code == "full"
