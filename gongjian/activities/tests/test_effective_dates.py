"""Check-ins recorded after the fact (补录): an organizer dates a check-in from a sign-in sheet.

Rule: never in the future, never before check-in opened (start minus the window) nor after it
closed, never before the person had a place. checked_in_at, status_changed_at and the event's
``at`` hold the effective time; the event's recorded_at and the audit record hold the real time.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import Activity, Registration, RegistrationEvent
from gongjian.audit.models import Record

from .helpers import make_activity

pytestmark = pytest.mark.django_db

FUTURE = "生效日期不能晚于现在。"


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def past(world):
    """A lecture held three days ago; the member registered the day before it. Returns (activity, registration)."""
    activity = make_activity(world.own_org, starts_in=timedelta(hours=1))
    registration = activity.register(world.member.person)
    starts_at = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    Activity.objects.filter(pk=activity.pk).update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    RegistrationEvent.objects.filter(registration=registration).update(at=starts_at - timedelta(days=1))
    activity.refresh_from_db()
    registration.refresh_from_db()
    return activity, registration


# --- The model -------------------------------------------------------------------------------


def test_it_stamps_a_check_in_at_the_venue_with_now(world):
    activity = make_activity(world.own_org, starts_in=timedelta(hours=1))
    registration = activity.register(world.member.person)
    before = timezone.now()
    assert registration.check_in(by=world.org_admin)
    event = registration.events.get(to_status=S.ATTENDED)
    assert before <= registration.checked_in_at <= timezone.now()
    assert before <= event.at <= timezone.now() and before <= event.recorded_at <= timezone.now()


def test_it_records_a_check_in_after_the_fact(world, past):
    activity, registration = past
    when = activity.starts_at + timedelta(minutes=10)
    before = timezone.now()
    assert registration.check_in(by=world.org_admin, effective_at=when)
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at, registration.status_changed_at) == (S.ATTENDED, when, when)
    event = registration.events.get(to_status=S.ATTENDED)
    assert event.at == when and event.recorded_at >= before
    audit = Record.objects.filter(object_type="activities.registration", object_id=str(registration.pk), changes__status=["registered", "attended"]).get()
    assert audit.changes["effective_at"] == [None, when.isoformat()] and audit.changes["checked_in_at"] == [None, str(when)]
    assert audit.created_at >= before and audit.actor == world.org_admin


def test_it_corrects_a_no_show_who_did_come(world, past):
    activity, registration = past
    assert activity.mark_no_shows(by=world.org_admin) == 1
    registration.refresh_from_db()
    assert registration.check_in(by=world.org_admin, effective_at=activity.starts_at)
    assert Registration.objects.get(pk=registration.pk).status == S.ATTENDED
    assert activity.attendance() == 1


def test_it_changes_nothing_for_someone_already_checked_in(world, past):
    activity, registration = past
    registration.check_in(by=world.org_admin, effective_at=activity.starts_at)
    assert not registration.check_in(by=world.org_admin, effective_at=activity.starts_at + timedelta(minutes=5))
    assert Registration.objects.get(pk=registration.pk).checked_in_at == activity.starts_at


def test_it_refuses_a_check_in_in_the_future(world):
    activity = make_activity(world.own_org, starts_in=timedelta(hours=1))
    registration = activity.register(world.member.person)
    with pytest.raises(ValidationError) as error:
        registration.check_in(by=world.org_admin, effective_at=timezone.now() + timedelta(minutes=30))
    assert error.value.message_dict == {"effective_at": [FUTURE]}


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (-timedelta(hours=2, minutes=1), "签到时间不能早于签到开放时间（{opens}）。"),
        (timedelta(hours=4, minutes=1), "签到时间不能晚于签到截止时间（{closes}）。"),
    ],
)
def test_it_refuses_a_time_outside_the_check_in_window(world, past, offset, message):
    activity, registration = past
    opens, closes = activity.checkin_window()
    with pytest.raises(ValidationError) as error:
        registration.check_in(by=world.org_admin, effective_at=activity.starts_at + offset)
    assert error.value.message_dict == {"effective_at": [message.format(opens=local(opens), closes=local(closes))]}
    assert Registration.objects.get(pk=registration.pk).status == S.REGISTERED


def test_it_refuses_a_time_before_the_person_had_a_place(world, past):
    activity, registration = past
    came_in = activity.starts_at + timedelta(minutes=30)
    RegistrationEvent.objects.filter(registration=registration).update(at=came_in)
    with pytest.raises(ValidationError) as error:
        registration.check_in(by=world.org_admin, effective_at=activity.starts_at + timedelta(minutes=10))
    assert error.value.message_dict == {"effective_at": [f"签到时间不能早于此人获得名额的时间（{local(came_in)}）。"]}


def test_it_refuses_a_cancelled_registration_or_activity(world, past):
    activity, registration = past
    Registration.objects.filter(pk=registration.pk).update(status=S.CANCELLED)
    with pytest.raises(ValidationError):
        registration.check_in(by=world.org_admin, effective_at=activity.starts_at)
    Activity.objects.filter(pk=activity.pk).update(cancelled_at=timezone.now())
    registration.activity.refresh_from_db()
    with pytest.raises(ValidationError):
        registration.check_in(by=world.org_admin, effective_at=activity.starts_at)


def test_it_dates_a_check_in_by_code(world, past):
    activity, registration = past
    found, changed = activity.check_in_code(registration.code, by=world.org_admin, effective_at=activity.starts_at)
    assert changed and Registration.objects.get(pk=found.pk).checked_in_at == activity.starts_at


# --- The page --------------------------------------------------------------------------------


def test_it_offers_a_dated_check_in_once_check_in_has_closed(world, past, client_for):
    activity, registration = past
    page = client_for(world.org_admin).get(reverse("activities:registrations", kwargs={"uuid": activity.uuid})).content.decode()
    assert f'id="effective-checkin-{registration.uuid}"' in page and 'type="datetime-local"' in page
    assert f'min="{timezone.localtime(activity.checkin_window()[0]):%Y-%m-%dT%H:%M}"' in page
    assert "实际签到时间（补录）" in page and "补录签到" in page


def test_it_records_a_check_in_after_the_fact_through_the_page(world, past, client_for):
    activity, registration = past
    when = timezone.localtime(activity.starts_at + timedelta(minutes=10))
    client = client_for(world.org_admin)
    url = reverse("activities:registration_checkin", kwargs={"uuid": registration.uuid})
    client.post(url, {"effective_at": f"{when:%Y-%m-%dT%H:%M}"})
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at) == (S.ATTENDED, when)
    page = client.get(reverse("activities:registrations", kwargs={"uuid": activity.uuid})).content.decode()
    assert f"{when:%Y-%m-%d %H:%M}" in page


@pytest.mark.parametrize("case", ["future", "before_window", "unreadable"])
def test_it_refuses_a_bad_check_in_time_through_the_page(world, past, client_for, case):
    activity, registration = past
    opens = activity.checkin_window()[0]
    value, message = {
        "future": (f"{timezone.localtime() + timedelta(hours=1):%Y-%m-%dT%H:%M}", FUTURE),
        "before_window": (f"{timezone.localtime(opens - timedelta(minutes=1)):%Y-%m-%dT%H:%M}", f"签到时间不能早于签到开放时间（{local(opens)}）。"),
        "unreadable": ("昨天下午", "输入一个有效的日期/时间。"),
    }[case]
    url = reverse("activities:registration_checkin", kwargs={"uuid": registration.uuid})
    page = client_for(world.org_admin).post(url, {"effective_at": value}, follow=True).content.decode()
    assert message in page
    assert Registration.objects.get(pk=registration.pk).status == S.REGISTERED


def test_it_lets_only_organizers_record_a_check_in(world, past, client_for):
    activity, registration = past
    url = reverse("activities:registration_checkin", kwargs={"uuid": registration.uuid})
    response = client_for(world.member).post(url, {"effective_at": f"{timezone.localtime(activity.starts_at):%Y-%m-%dT%H:%M}"})
    assert response.status_code in (403, 404)
    assert Registration.objects.get(pk=registration.pk).status == S.REGISTERED


# --- The API ---------------------------------------------------------------------------------


def test_it_records_a_check_in_after_the_fact_through_the_api(world, past, api_for):
    activity, registration = past
    when = timezone.localtime(activity.starts_at + timedelta(minutes=10))
    response = api_for(world.org_admin).post(f"/api/v1/registrations/{registration.uuid}/check-in/", {"effective_at": when.isoformat()}, format="json")
    assert response.status_code == 200 and response.data["changed"] is True
    assert response.data["registration"]["checked_in_at"] == when.isoformat()


def test_it_records_a_check_in_by_code_after_the_fact_through_the_api(world, past, api_for):
    activity, registration = past
    body = {"code": registration.code, "effective_at": timezone.localtime(activity.starts_at).isoformat()}
    response = api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/check-in/", body, format="json")
    assert response.status_code == 200 and Registration.objects.get(pk=registration.pk).checked_in_at == activity.starts_at


def test_it_refuses_a_dated_self_check_in_through_the_api(world, api_for):
    activity = make_activity(world.own_org, starts_in=timedelta(hours=1))
    registration = activity.register(world.member.person)
    body = {"token": activity.checkin_token, "effective_at": timezone.localtime(activity.starts_at - timedelta(hours=1)).isoformat()}
    assert api_for(world.member).post(f"/api/v1/registrations/{registration.uuid}/check-in/", body, format="json").status_code == 403
    # At the venue without a date it works as before.
    body.pop("effective_at")
    assert api_for(world.member).post(f"/api/v1/registrations/{registration.uuid}/check-in/", body, format="json").status_code == 200


@pytest.mark.parametrize("case", ["future", "after_window", "unreadable"])
def test_it_refuses_bad_times_through_the_api_with_the_message(world, past, api_for, case):
    activity, registration = past
    closes = activity.checkin_window()[1]
    value, message = {
        "future": ((timezone.now() + timedelta(hours=1)).isoformat(), FUTURE),
        "after_window": ((closes + timedelta(minutes=1)).isoformat(), f"签到时间不能晚于签到截止时间（{local(closes)}）。"),
        "unreadable": ("昨天下午", None),
    }[case]
    response = api_for(world.org_admin).post(f"/api/v1/registrations/{registration.uuid}/check-in/", {"effective_at": value}, format="json")
    assert response.status_code == 400 and list(response.data) == ["effective_at"]
    if message:
        assert response.data["effective_at"] == [message]
    assert Registration.objects.get(pk=registration.pk).status == S.REGISTERED


def test_it_documents_the_effective_time_in_the_schema(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path in ("/api/v1/registrations/{uuid}/check-in/", "/api/v1/activities/{uuid}/check-in/"):
        ref = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert "effective_at" in components[ref.rsplit("/", 1)[-1]]["properties"], path
