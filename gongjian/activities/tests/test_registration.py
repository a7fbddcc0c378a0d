"""Registration, waitlist, promotion and the registration window."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongjian.activities.access import check_registration
from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import Registration, RegistrationEvent
from gongjian.activities.models.registration import CHECKIN_CODE_ALPHABET
from gongjian.notifications.models import Notification
from gongjian.orgs.models import Membership

from .helpers import make_activity, make_people

pytestmark = pytest.mark.django_db


def statuses(activity):
    return list(activity.registrations.order_by("created_at", "pk").values_list("status", flat=True))


def test_it_registers_until_full_then_waitlists(world):
    activity = make_activity(world.own_org, capacity=2)
    results = [activity.register(p).status for p in make_people(world.own_branch, 4)]
    assert results == [S.REGISTERED, S.REGISTERED, S.WAITLISTED, S.WAITLISTED]
    assert activity.places_taken() == 2


def test_it_has_no_limit_without_a_capacity(world):
    activity = make_activity(world.own_org, capacity=None)
    assert {activity.register(p).status for p in make_people(world.own_branch, 5)} == {S.REGISTERED}


def test_it_issues_short_unambiguous_codes(world):
    activity = make_activity(world.own_org)
    codes = [activity.register(p).code for p in make_people(world.own_branch, 5)]
    assert len(set(codes)) == 5
    for code in codes:
        assert len(code) == 6 and set(code) <= set(CHECKIN_CODE_ALPHABET)
        assert not set(code) & set("0O1IL")


def test_it_refuses_a_second_registration_of_the_same_person(world):
    activity = make_activity(world.own_org)
    person = world.member.person
    activity.register(person)
    with pytest.raises(ValidationError) as e:
        activity.register(person)
    assert person.name in e.value.messages[0]
    assert activity.registrations.count() == 1


def test_it_reuses_the_row_when_someone_registers_again_after_cancelling(world):
    activity = make_activity(world.own_org, capacity=1)
    registration = activity.register(world.member.person)
    registration.cancel()
    again = activity.register(world.member.person)
    assert again.pk == registration.pk and again.status == S.REGISTERED
    assert list(registration.events.values_list("from_status", "to_status")) == [("", S.REGISTERED), (S.REGISTERED, S.CANCELLED), (S.CANCELLED, S.REGISTERED)]


def test_it_closes_registration_when_the_window_ends(world):
    activity = make_activity(world.own_org, registration_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as e:
        activity.register(world.member.person)
    assert e.value.code == "closed"
    assert not activity.registrations.exists()


def test_it_closes_registration_at_the_start_by_default(world):
    activity = make_activity(world.own_org, starts_in=timedelta(minutes=-5))
    assert activity.registration_state() == "closed"
    with pytest.raises(ValidationError):
        activity.register(world.member.person)


def test_it_refuses_registration_before_the_window_opens(world):
    activity = make_activity(world.own_org, registration_opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError) as e:
        activity.register(world.member.person)
    assert e.value.code == "not_open"


def test_it_refuses_registration_for_a_cancelled_activity(world):
    activity = make_activity(world.own_org)
    activity.cancel()
    with pytest.raises(ValidationError) as e:
        activity.register(world.member.person)
    assert e.value.code == "cancelled"


def test_it_counts_the_registration_for_the_persons_organization(world):
    activity = make_activity(world.own_org)
    registration = activity.register(world.member.person, by=world.member)
    assert registration.organization == world.own_branch
    assert registration.registered_by == world.member


class TestPromotion:
    def test_it_promotes_the_first_waitlisted_person_when_a_place_frees_up(self, world, committed, immediate_tasks):
        activity = make_activity(world.own_org, capacity=1)
        first, second, third = make_people(world.own_branch, 3)
        holder = activity.register(first)
        waiting_1, waiting_2 = activity.register(second), activity.register(third)
        mail.outbox.clear()
        with committed():
            promoted = holder.cancel()
        assert [r.pk for r in promoted] == [waiting_1.pk]
        assert statuses(activity) == [S.CANCELLED, S.REGISTERED, S.WAITLISTED]
        assert waiting_2.pk not in [r.pk for r in promoted]
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        assert "候补转正" in subjects[second.user.email]
        assert "报名已取消" in subjects[first.user.email]
        assert third.user.email not in subjects
        assert RegistrationEvent.objects.filter(registration=waiting_1, from_status=S.WAITLISTED, to_status=S.REGISTERED, note="promoted").exists()

    def test_it_does_not_promote_when_a_waitlisted_person_cancels(self, world):
        activity = make_activity(world.own_org, capacity=1)
        first, second, third = make_people(world.own_branch, 3)
        activity.register(first)
        waiting = activity.register(second)
        activity.register(third)
        assert waiting.cancel() == []
        assert statuses(activity) == [S.REGISTERED, S.CANCELLED, S.WAITLISTED]

    def test_it_fills_new_places_from_the_waitlist_when_the_capacity_grows(self, world):
        activity = make_activity(world.own_org, capacity=1)
        for person in make_people(world.own_branch, 4):
            activity.register(person)
        activity.capacity = 3
        activity.save()
        promoted = activity.fill_from_waitlist()
        assert len(promoted) == 2
        assert statuses(activity) == [S.REGISTERED, S.REGISTERED, S.REGISTERED, S.WAITLISTED]

    def test_it_does_not_promote_once_the_activity_has_started(self, world):
        activity = make_activity(world.own_org, capacity=1, starts_in=timedelta(hours=1))
        first, second = make_people(world.own_branch, 2)
        holder = activity.register(first)
        activity.register(second)
        activity.__class__.objects.filter(pk=activity.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
        holder.refresh_from_db()
        assert holder.cancel() == []

    def test_it_refuses_to_cancel_twice_or_after_the_end(self, world):
        activity = make_activity(world.own_org)
        registration = activity.register(world.member.person)
        registration.cancel()
        with pytest.raises(ValidationError):
            registration.cancel()
        past = make_activity(world.own_org, starts_in=timedelta(days=-2))
        old = Registration.objects.create(activity=past, person=world.org_admin.person, code="ABCDEF")
        with pytest.raises(ValidationError):
            old.cancel()


class TestActivityCancellation:
    def test_it_cancels_every_open_registration_and_tells_each_holder(self, world, committed, immediate_tasks):
        activity = make_activity(world.own_org, capacity=1)
        people = make_people(world.own_branch, 2)
        for person in people:
            activity.register(person)
        mail.outbox.clear()
        with committed():
            cancelled = activity.cancel(by=world.org_admin, reason="台风预警")
        assert cancelled.count() == 2
        assert set(statuses(activity)) == {S.CANCELLED}
        assert len(mail.outbox) == 2 and all("台风预警" in m.body and "活动取消" in m.subject for m in mail.outbox)
        with pytest.raises(ValidationError):
            activity.cancel()


class TestNoShows:
    def test_it_marks_everyone_not_checked_in_after_the_end(self, world):
        activity = make_activity(world.own_org, starts_in=timedelta(days=1))
        came, absent = make_people(world.own_branch, 2)
        activity.register(came)
        activity.register(absent)
        activity.__class__.objects.filter(pk=activity.pk).update(
            starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
        )
        activity.refresh_from_db()
        activity.registrations.get(person=came).check_in()
        assert activity.mark_no_shows() == 1
        assert dict(activity.registrations.values_list("person_id", "status")) == {came.pk: S.ATTENDED, absent.pk: S.NO_SHOW}

    def test_it_refuses_no_shows_before_the_end(self, world):
        with pytest.raises(ValidationError):
            make_activity(world.own_org).mark_no_shows()


class TestWhoMayRegisterWhom:
    def test_it_lets_a_member_register_only_themselves(self, world):
        activity = make_activity(world.own_org)
        check_registration(world.member, activity, [world.member.person])
        with pytest.raises(PermissionDenied):
            check_registration(world.member, activity, [world.org_admin.person])

    def test_it_lets_an_org_admin_register_members_of_their_organization_and_below(self, world):
        activity = make_activity(world.own_org)
        check_registration(world.org_admin, activity, [world.member.person], world.own_org)
        check_registration(world.org_admin, activity, [world.member.person], world.own_branch)

    def test_it_refuses_people_who_are_not_members(self, world):
        activity = make_activity(world.own_org)
        with pytest.raises(ValidationError) as e:
            check_registration(world.org_admin, activity, [world.outsider.person], world.own_org)
        assert world.outsider.person.name in e.value.messages[0]

    def test_it_refuses_former_members(self, world):
        activity = make_activity(world.own_org)
        Membership.objects.filter(person=world.member.person).update(left_on=timezone.localdate() - timedelta(days=1))
        with pytest.raises(ValidationError):
            check_registration(world.org_admin, activity, [world.member.person], world.own_org)

    def test_it_refuses_an_organization_the_admin_does_not_run(self, world):
        activity = make_activity(world.own_org, invite_alliance=True)
        with pytest.raises(PermissionDenied):
            check_registration(world.outsider, activity, [world.member.person], world.own_org)

    def test_it_registers_a_group_beyond_capacity_onto_the_waitlist(self, world, committed, immediate_tasks):
        activity = make_activity(world.own_org, capacity=2)
        people = make_people(world.own_branch, 3)
        mail.outbox.clear()
        with committed():
            created = Registration.objects.register_many(activity, people, by=world.org_admin, organization=world.own_branch)
        assert [r.status for r in created] == [S.REGISTERED, S.REGISTERED, S.WAITLISTED]
        assert {r.organization_id for r in created} == {world.own_branch.pk}
        assert sorted(m.subject.split("：")[0] for m in mail.outbox) == ["【共建平台】已进入候补", "【共建平台】报名成功", "【共建平台】报名成功"]
        assert Notification.objects.filter(kind="activities_registration_confirmed").count() == 2

    def test_it_registers_nobody_if_one_of_the_group_is_already_registered(self, world):
        activity = make_activity(world.own_org)
        people = make_people(world.own_branch, 3)
        activity.register(people[1])
        with pytest.raises(ValidationError):
            Registration.objects.register_many(activity, people, organization=world.own_branch)
        assert activity.registrations.count() == 1
