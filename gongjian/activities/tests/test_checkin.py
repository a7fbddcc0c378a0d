"""Check-in: the window, idempotency, short codes, the QR page and the phone page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import Activity, RegistrationEvent

from .helpers import make_activity

pytestmark = pytest.mark.django_db


def registered(world, **fields):
    """A member registered for an activity starting in an hour (check-in opens two hours before)."""
    activity = make_activity(world.own_org, starts_in=fields.pop("starts_in", timedelta(hours=1)), **fields)
    return activity, activity.register(world.member.person)


class TestWindow:
    def test_it_opens_two_hours_before_the_start_and_closes_two_hours_after_the_end(self, world):
        activity = make_activity(world.own_org)
        opens, closes = activity.checkin_window()
        assert opens == activity.starts_at - timedelta(hours=2)
        assert closes == activity.ends_at + timedelta(hours=2)
        assert not activity.is_checkin_open(opens - timedelta(seconds=1))
        assert activity.is_checkin_open(opens) and activity.is_checkin_open(closes)
        assert not activity.is_checkin_open(closes + timedelta(seconds=1))

    def test_it_follows_the_settings(self, world, settings):
        settings.ACTIVITIES_CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
        activity = make_activity(world.own_org)
        assert activity.checkin_window()[0] == activity.starts_at - timedelta(minutes=30)

    def test_it_refuses_check_in_outside_the_window(self, world):
        activity, registration = registered(world, starts_in=timedelta(days=1))
        with pytest.raises(ValidationError) as e:
            registration.check_in()
        assert e.value.code == "window"
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED and registration.checked_in_at is None

    def test_it_refuses_check_in_after_the_window(self, world):
        activity, registration = registered(world)
        late = activity.ends_at + timedelta(hours=2, minutes=1)
        with pytest.raises(ValidationError):
            registration.check_in(now=late)

    def test_it_refuses_check_in_for_a_cancelled_activity(self, world):
        activity, registration = registered(world)
        activity.cancel()
        registration.refresh_from_db()
        with pytest.raises(ValidationError):
            activity.check_in_code(registration.code)


class TestIdempotency:
    def test_it_checks_in_once_and_changes_nothing_the_second_time(self, world):
        activity, registration = registered(world)
        assert registration.check_in(by=world.org_admin) is True
        first_time = registration.checked_in_at
        assert registration.check_in(by=world.org_admin) is False
        registration.refresh_from_db()
        assert registration.status == S.ATTENDED and registration.checked_in_at == first_time
        assert RegistrationEvent.objects.filter(registration=registration, to_status=S.ATTENDED).count() == 1

    def test_it_refuses_a_waitlisted_person(self, world):
        activity = make_activity(world.own_org, starts_in=timedelta(hours=1), capacity=1)
        activity.register(world.org_admin.person)
        waiting = activity.register(world.member.person)
        with pytest.raises(ValidationError) as e:
            waiting.check_in()
        assert e.value.code == "not_registered"

    def test_it_finds_a_registration_by_its_code_in_any_case_and_spacing(self, world):
        activity, registration = registered(world)
        code = registration.code.lower()
        found, changed = activity.check_in_code(f" {code[:3]} {code[3:]} ")
        assert found.pk == registration.pk and changed

    def test_it_refuses_an_unknown_code_or_another_activitys_code(self, world):
        activity, registration = registered(world)
        other = make_activity(world.own_org, starts_in=timedelta(hours=1))
        with pytest.raises(ValidationError):
            other.check_in_code(registration.code)
        with pytest.raises(ValidationError):
            activity.check_in_code("ZZZZZZ" if registration.code != "ZZZZZZ" else "YYYYYY")

    def test_it_counts_check_ins_as_the_default_attendance(self, world):
        activity, registration = registered(world)
        assert activity.attendance() == 0
        registration.check_in()
        assert activity.attendance() == 1
        activity.attendee_count = 35
        assert activity.attendance() == 35


class TestPages:
    def test_it_shows_the_printable_qr_code_only_to_organizers(self, world, client_for):
        activity, _ = registered(world)
        url = reverse("activities:qr", args=[activity.uuid])
        response = client_for(world.org_admin).get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "<svg" in body and activity.checkin_token in body
        assert client_for(world.member).get(url).status_code == 403
        assert client_for(world.outsider).get(url).status_code == 404

    def test_it_lets_a_member_check_in_from_the_qr_page(self, world, client_for):
        activity, registration = registered(world)
        url = reverse("activities:checkin", args=[activity.uuid, activity.checkin_token])
        client = client_for(world.member)
        assert "data-role=\"self-checkin\"" in client.get(url).content.decode()
        response = client.post(url, follow=True)
        registration.refresh_from_db()
        assert registration.status == S.ATTENDED
        assert "已签到" in response.content.decode() or "You are checked in" in response.content.decode()
        client.post(url)
        registration.refresh_from_db()
        assert registration.status == S.ATTENDED

    def test_it_refuses_a_wrong_token(self, world, client_for):
        activity, registration = registered(world)
        url = reverse("activities:checkin", args=[activity.uuid, "not-the-token"])
        assert client_for(world.member).post(url).status_code == 404
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED

    def test_it_does_not_check_in_before_the_window_from_the_page(self, world, client_for):
        activity, registration = registered(world, starts_in=timedelta(days=2))
        url = reverse("activities:checkin", args=[activity.uuid, activity.checkin_token])
        client_for(world.member).post(url)
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED

    def test_it_lets_the_organizer_type_a_code(self, world, client_for):
        activity, registration = registered(world)
        client = client_for(world.org_admin)
        response = client.post(reverse("activities:checkin_code", args=[activity.uuid]), {"code": registration.code.lower()})
        assert response.status_code == 302
        registration.refresh_from_db()
        assert registration.status == S.ATTENDED

    def test_it_refuses_code_check_in_by_a_member(self, world, client_for):
        activity, registration = registered(world)
        response = client_for(world.member).post(reverse("activities:checkin_code", args=[activity.uuid]), {"code": registration.code})
        assert response.status_code == 403
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED

    def test_it_lets_the_organizer_check_in_from_the_list(self, world, client_for):
        activity, registration = registered(world)
        url = reverse("activities:registration_checkin", args=[registration.uuid])
        assert client_for(world.outsider).post(url).status_code == 404
        assert client_for(world.org_admin).post(url).status_code == 302
        registration.refresh_from_db()
        assert registration.status == S.ATTENDED

    def test_it_rotates_nothing_when_the_activity_is_edited(self, world):
        activity, _ = registered(world)
        token = activity.checkin_token
        activity.title = "新标题"
        activity.save()
        assert Activity.objects.get(pk=activity.pk).checkin_token == token and len(token) >= 20

    def test_it_shows_the_window_when_check_in_is_closed(self, world, client_for):
        activity, _ = registered(world, starts_in=timedelta(days=2))
        url = reverse("activities:checkin", args=[activity.uuid, activity.checkin_token])
        body = client_for(world.member).get(url).content.decode()
        assert timezone.localtime(activity.checkin_window()[0]).strftime("%Y-%m-%d %H:%M") in body
        assert "self-checkin" not in body
