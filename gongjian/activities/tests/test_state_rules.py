"""Registration and activity states: what each state offers, what a second press changes, and the
refusals the page and the API share."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import Activity, Registration, RegistrationEvent, Series

from .helpers import make_activity, make_people

pytestmark = pytest.mark.django_db


class TestRegistrationState:
    def test_it_is_not_yet_open_before_the_window_then_open_then_closed_at_the_start(self, world):
        now = timezone.now()
        activity = make_activity(world.own_org, registration_opens_at=now + timedelta(days=1))
        assert activity.registration_state(now) == "not_yet"
        assert activity.registration_state(now + timedelta(days=1)) == "open"
        assert activity.registration_state(activity.starts_at - timedelta(seconds=1)) == "open"
        assert activity.registration_state(activity.starts_at) == "closed"

    def test_it_says_cancelled_for_a_cancelled_or_an_archived_activity(self, world):
        cancelled, archived = make_activity(world.own_org), make_activity(world.own_org)
        cancelled.cancel(by=world.org_admin)
        archived.archive()
        assert cancelled.registration_state() == "cancelled" and archived.registration_state() == "cancelled"
        with pytest.raises(ValidationError) as refused:
            archived.register(world.member.person)
        assert refused.value.messages == ["该活动不接受报名。"]

    def test_it_refuses_registration_before_the_window_through_the_api(self, world, api_for):
        activity = make_activity(world.own_org, registration_opens_at=timezone.now() + timedelta(days=1))
        response = api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", {}, format="json")
        assert response.status_code == 400 and response.json()["non_field_errors"] == ["报名尚未开始。"]
        assert not Registration.objects.exists()


class TestCounts:
    def test_it_counts_places_and_the_waitlist_but_not_cancelled_registrations(self, world):
        activity = make_activity(world.own_org, capacity=2, starts_in=timedelta(minutes=30))
        first, second, waiting, cancelled = make_people(world.own_branch, 4)
        activity.register(first).check_in(by=world.org_admin)
        activity.register(second)
        activity.register(waiting)
        activity.register(cancelled).cancel(by=world.org_admin)  # waitlisted, then cancelled
        row = Activity.objects.with_counts().get(pk=activity.pk)
        assert (row.taken, row.waiting) == (2, 1)
        assert activity.places_taken() == 2 and activity.checked_in_count() == 1

    def test_it_counts_zero_rather_than_nothing_for_an_activity_without_registrations(self, world):
        make_activity(world.own_org)
        row = Activity.objects.with_counts().get()
        assert (row.taken, row.waiting) == (0, 0)


class TestRegistrationChanges:
    def test_it_undoes_a_check_in_once(self, world):
        activity = make_activity(world.own_org, starts_in=timedelta(minutes=30))
        registration = activity.register(world.member.person)
        registration.check_in(by=world.org_admin)
        assert registration.undo_check_in(by=world.org_admin) is True
        registration.refresh_from_db()
        assert (registration.status, registration.checked_in_at) == (S.REGISTERED, None)
        assert registration.undo_check_in(by=world.org_admin) is False
        steps = list(RegistrationEvent.objects.filter(registration=registration).values_list("from_status", "to_status"))
        assert steps == [("", S.REGISTERED), (S.REGISTERED, S.ATTENDED), (S.ATTENDED, S.REGISTERED)]

    def test_it_refuses_to_cancel_a_place_already_used(self, world):
        activity = make_activity(world.own_org, starts_in=timedelta(minutes=30))
        registration = activity.register(world.member.person)
        registration.check_in(by=world.org_admin)
        with pytest.raises(ValidationError) as refused:
            Registration.objects.get(pk=registration.pk).cancel(by=world.member)
        assert refused.value.messages == ["只有“已报名”或“候补中”的报名可以取消（当前状态：已签到）。"]
        assert Registration.objects.get(pk=registration.pk).status == S.ATTENDED

    def test_it_sends_someone_who_cancelled_and_came_back_to_the_back_of_the_waitlist(self, world):
        activity = make_activity(world.own_org, capacity=1)
        holder, early, late = make_people(world.own_branch, 3)
        held = activity.register(holder)
        activity.register(early).cancel(by=world.org_admin)
        activity.register(late)
        back = activity.register(early)
        assert back.status == S.WAITLISTED
        promoted = Registration.objects.get(pk=held.pk).cancel(by=world.org_admin)
        assert [r.person for r in promoted] == [late]
        assert Registration.objects.get(pk=back.pk).status == S.WAITLISTED


class TestCancellingAnActivity:
    def test_it_cancels_once_and_refuses_the_second_press(self, world, api_for):
        activity = make_activity(world.own_org)
        activity.register(world.member.person)
        client = api_for(world.org_admin)
        url = f"/api/v1/activities/{activity.uuid}/cancel/"
        assert client.post(url, {"reason": "天气原因"}, format="json").status_code == 200
        events = RegistrationEvent.objects.count()
        again = client.post(url, {"reason": "再次取消"}, format="json")
        assert again.status_code == 400 and again.json()["non_field_errors"] == ["该活动已取消。"]
        assert RegistrationEvent.objects.count() == events
        assert Registration.objects.get().status == S.CANCELLED

    def test_it_refuses_cancelling_to_people_who_only_see_the_activity(self, world, api_for):
        activity = make_activity(world.own_org, co_hosts=[world.foreign_org])
        assert api_for(world.outsider).post(f"/api/v1/activities/{activity.uuid}/cancel/", {}, format="json").status_code == 403
        assert api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/no-shows/", {}, format="json").status_code == 403
        assert not Activity.objects.get(pk=activity.pk).is_cancelled

    def test_it_answers_no_shows_before_the_end_with_400(self, world, api_for):
        activity = make_activity(world.own_org)
        activity.register(world.member.person)
        response = api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/no-shows/", {}, format="json")
        assert response.status_code == 400 and response.json()["non_field_errors"] == ["活动结束后才能登记缺席。"]
        assert Registration.objects.get().status == S.REGISTERED


class TestGroupRegistrationApi:
    def test_it_refuses_an_unknown_person_and_registers_nobody(self, world, api_for):
        activity = make_activity(world.own_org)
        body = {
            "organization": str(world.own_branch.uuid),
            "people": [str(world.member.person.uuid), "00000000-0000-0000-0000-000000000000"],
        }
        response = api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/register/", body, format="json")
        assert response.status_code == 400 and response.json()["people"] == ["未知的人员。"]
        assert not Registration.objects.exists()

    def test_it_answers_404_for_an_organization_out_of_sight(self, world, api_for):
        from gongjian.orgs.models import Organization

        hidden = Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")
        activity = make_activity(world.own_org, invite_alliance=True)
        body = {"organization": str(hidden.uuid), "people": [str(world.member.person.uuid)]}
        assert api_for(world.outsider).post(f"/api/v1/activities/{activity.uuid}/register/", body, format="json").status_code == 404
        assert not Registration.objects.exists()


class TestSeries:
    def test_it_keeps_a_series_with_activities_and_deletes_an_empty_one(self, world, api_for):
        used = Series.objects.create(name="熔融系列", track="study", organization=world.own_org)
        empty = Series.objects.create(name="空系列", track="study", organization=world.own_org)
        make_activity(world.own_org, series=used)
        client = api_for(world.org_admin)
        refused = client.delete(f"/api/v1/activity-series/{used.uuid}/")
        assert refused.status_code == 400 and refused.json()["detail"] == "该系列下仍有活动。"
        assert client.delete(f"/api/v1/activity-series/{empty.uuid}/").status_code == 204
        assert list(Series.objects.values_list("name", flat=True)) == ["熔融系列"]

    def test_it_lets_everyone_read_a_series_but_only_its_admins_change_it(self, world, api_for, client_for):
        series = Series.objects.create(name="熔融系列", track="study", organization=world.own_org)
        client = api_for(world.outsider)
        assert client.get(f"/api/v1/activity-series/{series.uuid}/").status_code == 200
        assert client.patch(f"/api/v1/activity-series/{series.uuid}/", {"name": "改名"}, format="json").status_code == 403
        moved = api_for(world.org_admin).patch(
            f"/api/v1/activity-series/{series.uuid}/", {"organization": str(world.foreign_org.uuid)}, format="json"
        )
        assert moved.status_code == 403
        assert client_for(world.outsider).get(reverse("activities:series_edit", kwargs={"uuid": series.uuid})).status_code == 403
        series.refresh_from_db()
        assert (series.name, series.organization) == ("熔融系列", world.own_org)
