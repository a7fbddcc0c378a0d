"""What users type is shown as text: titles, venues and names are escaped on every list and page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gongjian.activities.models import Activity
from gongjian.activities.templatetags.activities import activity_row, local_day, local_minute, status_badge, track_badges
from gongjian.activities.views.activities import attach_row_details, list_queryset
from gongjian.orgs.models import Organization

from .helpers import make_activity

pytestmark = pytest.mark.django_db

EVIL = '<img src=x onerror="alert(1)">'


def test_it_escapes_titles_venues_and_co_host_names_in_list_rows(world, client_for):
    evil_org = Organization.objects.create(name=f"恶意{EVIL}", sector="other", kind="other")
    make_activity(world.own_org, title=f"标题{EVIL}", venue=f"地点{EVIL}", co_hosts=[evil_org])
    body = client_for(world.org_admin).get(reverse("activities:list")).content.decode()
    assert EVIL not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_it_escapes_the_detail_page(world, client_for):
    activity = make_activity(world.own_org, title=f"标题{EVIL}", description=f"简介{EVIL}")
    body = client_for(world.org_admin).get(activity.get_absolute_url()).content.decode()
    assert EVIL not in body


def test_the_row_shows_places_waitlist_status_and_series(world):
    from gongjian.activities.models import Series

    series = Series.objects.create(name="“熔·融”系列理论宣讲", track="study", organization=world.own_org)
    activity = make_activity(world.own_org, capacity=1, series=series, co_hosts=[world.own_branch])
    activity.register(world.member.person)
    activity.register(world.org_admin.person)
    [row] = attach_row_details(list_queryset(world.member).filter(pk=activity.pk), world.member)
    html = str(activity_row(row))
    assert "1 / 1" in html and "候补 1 人" in html
    assert series.name in html
    assert world.own_branch.name in html and world.own_org.name in html
    assert 'data-status="registered"' in html
    assert html.startswith("<tr>") and html.endswith("</tr>")


def test_the_row_marks_a_cancelled_activity_and_leaves_my_status_empty(world):
    activity = make_activity(world.own_org)
    activity.cancel()
    [row] = attach_row_details(list_queryset(world.org_admin).filter(pk=activity.pk), world.org_admin)
    html = str(activity_row(row))
    assert "text-bg-secondary" in html and "data-status" not in html


def test_badges_and_dates_use_the_shanghai_time_zone(world):
    import datetime

    moment = datetime.datetime(2023, 5, 31, 16, 30, tzinfo=datetime.UTC)  # 00:30 on 1 June in Shanghai
    assert local_minute(moment) == "2023-06-01 00:30"
    assert local_day(moment) == "2023-06-01"
    assert local_minute(None) == "" and local_day(None) == ""
    assert status_badge("") == "" and status_badge("bogus") == ""
    assert "text-bg-warning" in status_badge("waitlisted")
    activity = Activity(track="build", kind="research_visit")
    badges = str(track_badges(activity))
    assert "text-bg-primary" in badges and str(Activity.Kind.RESEARCH_VISIT.label) in badges


def test_the_calendar_moves_between_months(world, client_for):
    client = client_for(world.member)
    response = client.get(reverse("activities:calendar"), {"month": "2023-12"})
    assert response.context["previous"] == "2023-11" and response.context["following"] == "2024-01"
    response = client.get(reverse("activities:calendar"), {"month": "2023-01", "track": "build"})
    assert response.context["previous"] == "2022-12" and response.context["track"] == "build"


def test_the_calendar_filters_by_track(world, client_for):
    from django.utils import timezone

    starts = timezone.make_aware(timezone.datetime(2023, 4, 6, 9, 0))
    visit = make_activity(world.own_org, title="调研走访开发区", track="build", kind="research_visit", starts_at=starts)
    lecture = make_activity(world.own_org, title="四月宣讲", track="study", starts_at=starts + timedelta(days=1))
    body = client_for(world.member).get(reverse("activities:calendar"), {"month": "2023-04", "track": "build"}).content.decode()
    assert visit.title in body and lecture.title not in body


def test_the_row_links_to_the_detail_page_and_follows_the_language(world):
    from django.utils import translation

    from gongjian.activities.templatetags.activities import detail_url, label

    activity = make_activity(world.own_org)
    assert detail_url(activity) == activity.get_absolute_url()
    with translation.override("en"):
        assert label(Activity.Track, "study") == "Joint study"
    with translation.override("zh-hans"):
        assert label(Activity.Track, "study") == "理论联学"
    assert label(Activity.Track, "unknown") == "unknown"
