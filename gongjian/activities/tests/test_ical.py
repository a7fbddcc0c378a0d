"""iCalendar feeds, parsed back with the icalendar package as a calendar app would."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from gongjian.activities import ical

from .helpers import make_activity, make_people, make_speaker

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_it_publishes_a_valid_feed_for_an_organization(world, client):
    hosted = make_activity(world.own_org, title="“熔·融”理论宣讲：党的二十大精神", venue="示例学院报告厅", co_hosts=[world.foreign_org])
    cohosted = make_activity(world.foreign_org, title="广富林街道圆桌交流", co_hosts=[world.own_org], kind="roundtable")
    invited = make_activity(world.foreign_org, title="街道主题党日", invited_orgs=[world.own_org], kind="party_day")
    unrelated = make_activity(world.foreign_org, title="无关活动")
    response = client.get(ical.organization_feed_url(world.own_org))
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert str(calendar["X-WR-CALNAME"]) == world.own_org.name
    found = events(calendar)
    assert set(found) == {hosted.title, cohosted.title, invited.title}
    assert unrelated.title not in found
    event = found[hosted.title]
    assert str(event["UID"]) == f"{hosted.uuid}@gongjian"
    assert event.decoded("DTSTART") == hosted.starts_at
    assert event.decoded("DTEND") == hosted.ends_at
    assert str(event["LOCATION"]) == "示例学院报告厅"
    assert str(event["URL"]).endswith(hosted.get_absolute_url())
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event


def test_it_publishes_a_persons_registrations_and_talks_but_not_cancelled_ones(world, client):
    person = world.member.person
    going = make_activity(world.own_org, title="专题联学")
    dropped = make_activity(world.own_org, title="取消报名的活动")
    going.register(person)
    dropped.register(person).cancel()
    speaker = make_speaker()
    talk = make_activity(world.own_org, title="沈教授宣讲", speakers=[speaker])
    assert set(events(parse(client.get(ical.person_feed_url(person))))) == {going.title}
    assert set(events(parse(client.get(ical.person_feed_url(speaker))))) == {talk.title}


def test_it_marks_a_cancelled_activity_as_cancelled(world, client):
    activity = make_activity(world.own_org, title="被取消的活动")
    activity.cancel()
    event = events(parse(client.get(ical.organization_feed_url(world.own_org))))[activity.title]
    assert str(event["STATUS"]) == "CANCELLED"


def test_it_leaves_out_archived_and_long_past_activities(world, client):
    archived = make_activity(world.own_org, title="已归档")
    archived.archive()
    make_activity(world.own_org, title="两年前", starts_in=timedelta(days=-800))
    recent = make_activity(world.own_org, title="上个月", starts_in=timedelta(days=-30))
    assert set(events(parse(client.get(ical.organization_feed_url(world.own_org))))) == {recent.title}


def test_it_refuses_a_feed_without_the_right_token(world, client):
    url = reverse("activities:ical_organization", kwargs={"uuid": world.own_org.uuid, "token": "0" * 32})
    assert client.get(url).status_code == 404
    # A token for one organization does not open another's feed.
    other = reverse("activities:ical_organization", kwargs={"uuid": world.foreign_org.uuid, "token": ical.feed_token("org", world.own_org.uuid)})
    assert client.get(other).status_code == 404
    # Nor does an organization token open a person's feed.
    person = reverse("activities:ical_person", kwargs={"uuid": world.member.person.uuid, "token": ical.feed_token("org", world.member.person.uuid)})
    assert client.get(person).status_code == 404


def test_it_shows_the_feed_address_on_my_activities(world, client_for):
    response = client_for(world.member).get(reverse("activities:mine"))
    assert ical.person_feed_url(world.member.person) in response.content.decode()


def test_it_shows_the_organization_feed_only_inside_scope(world, client_for):
    url = reverse("activities:organization", args=[world.own_org.uuid])
    assert ical.organization_feed_url(world.own_org) in client_for(world.org_admin).get(url).content.decode()
    assert client_for(world.outsider).get(url).status_code == 404


def test_it_keeps_the_feed_query_count_flat(world, client, django_assert_max_num_queries):
    people = make_people(world.own_branch, 2)
    for n in range(12):
        activity = make_activity(world.own_org, co_hosts=[world.foreign_org])
        activity.register(people[n % 2])
    with django_assert_max_num_queries(3):
        parse(client.get(ical.organization_feed_url(world.own_org)))
