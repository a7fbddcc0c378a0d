"""Pages: lists by track, organization and person, the calendar, detail, forms, minutes and the attendance export."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import Activity, Series
from gongjian.audit.models import Action, Record

from .helpers import make_activity, make_people, make_speaker

pytestmark = pytest.mark.django_db


def form_data(world, **overrides):
    start = (timezone.localtime() + timedelta(days=5)).replace(hour=14, minute=0, second=0, microsecond=0)
    data = {
        "title": "“熔·融”理论宣讲：劳模精神进校园",
        "kind": "lecture",
        "track": "study",
        "host": world.own_org.uuid,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "示例学院报告厅",
        "capacity": "80",
        "waitlist_enabled": "on",  # the form renders the checkbox ticked
        "description": "宣讲党的二十大精神",
    }
    data.update(overrides)
    return data


class TestLists:
    @pytest.mark.parametrize("name,track", [("activities:study", "study"), ("activities:build", "build"), ("activities:create_track", "create")])
    def test_it_lists_each_track_separately(self, world, client_for, name, track):
        study = make_activity(world.own_org, title="甲号测试活动", track="study")
        build = make_activity(world.own_org, title="乙号测试活动", track="build", kind="research_visit")
        create = make_activity(world.own_org, title="丙号测试活动", track="create", kind="signing")
        body = client_for(world.member).get(reverse(name)).content.decode()
        expected = {"study": study, "build": build, "create": create}[track]
        assert expected.title in body
        assert all(a.title not in body for a in (study, build, create) if a is not expected)

    def test_it_lists_only_visible_activities(self, world, client_for):
        mine = make_activity(world.own_org, title="学院宣讲")
        theirs = make_activity(world.foreign_org, title="街道活动")
        body = client_for(world.member).get(reverse("activities:list")).content.decode()
        assert mine.title in body and theirs.title not in body

    def test_it_shows_my_status_and_places(self, world, client_for):
        activity = make_activity(world.own_org, capacity=10)
        activity.register(world.member.person)
        body = client_for(world.member).get(reverse("activities:list")).content.decode()
        assert "1 / 10" in body and "text-bg-success" in body

    def test_it_keeps_the_list_query_count_flat(self, world, client_for, django_assert_num_queries):
        client = client_for(world.member)
        people = make_people(world.own_branch, 3)

        def add(count):
            for _ in range(count):
                activity = make_activity(world.own_org, co_hosts=[world.foreign_org], capacity=5)
                for person in people:
                    activity.register(person)

        add(2)
        client.get(reverse("activities:study"))  # session and scope warm-up
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("activities:study"))
        add(25)
        with django_assert_num_queries(len(small.captured_queries)):
            client.get(reverse("activities:study") + "?per_page=50")

    def test_it_filters_by_organization_and_time(self, world, client_for):
        past = make_activity(world.own_org, title="上月活动", starts_in=timedelta(days=-30), co_hosts=[world.own_branch])
        future = make_activity(world.own_org, title="下周活动")
        client = client_for(world.org_admin)
        body = client.get(reverse("activities:list"), {"when": "past"}).content.decode()
        assert past.title in body and future.title not in body
        body = client.get(reverse("activities:list"), {"organization": world.own_branch.uuid}).content.decode()
        assert past.title in body and future.title not in body

    def test_it_returns_only_the_table_to_htmx(self, world, client_for):
        make_activity(world.own_org)
        response = client_for(world.member).get(reverse("activities:list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table")
        assert b"<html" not in response.content and b"<table" in response.content

    def test_it_exports_the_list(self, world, client_for):
        activity = make_activity(world.own_org, title="导出测试")
        response = client_for(world.org_admin).get(reverse("activities:list"), {"export": "xlsx"})
        rows = list(load_workbook(io.BytesIO(response.content)).active.values)
        assert rows[1][0] == activity.title

    def test_it_lists_an_organizations_activities_with_its_feed(self, world, client_for):
        hosted = make_activity(world.own_branch, title="支部活动")
        elsewhere = make_activity(world.own_org, title="学院活动")
        body = client_for(world.org_admin).get(reverse("activities:organization", args=[world.own_branch.uuid])).content.decode()
        assert hosted.title in body and elsewhere.title not in body and ".ics" in body

    def test_it_lists_my_registrations_and_talks(self, world, client_for):
        going = make_activity(world.own_org, title="我报名的活动")
        going.register(world.member.person)
        make_activity(world.own_org, title="没报名的活动")
        body = client_for(world.member).get(reverse("activities:mine")).content.decode()
        assert going.title in body and "没报名的活动" not in body
        assert going.registrations.get().code in body

    def test_it_shows_a_persons_activities_inside_scope_only(self, world, client_for):
        activity = make_activity(world.own_org, title="支部党员的活动")
        registration = activity.register(world.member.person)
        url = reverse("activities:person", args=[world.member.person.uuid])
        body = client_for(world.org_admin).get(url).content.decode()
        assert activity.title in body
        assert registration.code not in body, "only the person sees their own code on this page"
        assert client_for(world.outsider).get(url).status_code == 404


class TestCalendar:
    def test_it_shows_the_month_grid_with_visible_activities(self, world, client_for):
        activity = make_activity(world.own_org, title="五月宣讲", starts_at=timezone.make_aware(timezone.datetime(2023, 5, 12, 9, 30)))
        hidden = make_activity(world.foreign_org, title="别人的活动", starts_at=timezone.make_aware(timezone.datetime(2023, 5, 13, 9, 30)))
        response = client_for(world.member).get(reverse("activities:calendar"), {"month": "2023-05"})
        body = response.content.decode()
        assert "2023-05" in body and activity.title in body and hidden.title not in body
        assert "09:30" in body
        weeks = response.context["weeks"]
        assert weeks[0][0][0].weekday() == 0 and len(weeks[0]) == 7

    def test_it_places_an_activity_on_its_shanghai_date(self, world, client_for):
        # 2023-06-01 00:30 in Shanghai is still 31 May in UTC.
        starts = timezone.make_aware(timezone.datetime(2023, 6, 1, 0, 30))
        activity = make_activity(world.own_org, title="午夜活动", starts_at=starts)
        response = client_for(world.member).get(reverse("activities:calendar"), {"month": "2023-06"})
        days = {day: items for week in response.context["weeks"] for day, items in week}
        assert activity in days[timezone.datetime(2023, 6, 1).date()]

    def test_it_survives_a_bad_month_parameter(self, world, client_for):
        assert client_for(world.member).get(reverse("activities:calendar"), {"month": "2023-13"}).status_code == 200


class TestDetail:
    def test_it_shows_the_activity_to_those_it_reaches(self, world, client_for):
        speaker = make_speaker()
        activity = make_activity(world.own_org, co_hosts=[world.own_branch], speakers=[speaker])
        response = client_for(world.member).get(activity.get_absolute_url())
        body = response.content.decode()
        assert speaker.name in body and "市委党校教授" in body and world.own_branch.name in body
        assert 'data-role="register"' in body and 'id="organizer"' not in body
        assert client_for(world.outsider).get(activity.get_absolute_url()).status_code == 404

    def test_it_shows_organizers_their_tools(self, world, client_for):
        activity = make_activity(world.own_org)
        body = client_for(world.org_admin).get(activity.get_absolute_url()).content.decode()
        assert 'id="organizer"' in body and reverse("activities:qr", args=[activity.uuid]) in body

    def test_it_registers_and_cancels_from_the_page(self, world, client_for):
        activity = make_activity(world.own_org, capacity=1)
        client = client_for(world.member)
        client.post(reverse("activities:register", args=[activity.uuid]))
        registration = activity.registrations.get()
        assert registration.status == S.REGISTERED
        body = client.get(activity.get_absolute_url()).content.decode()
        assert registration.code in body
        client.post(reverse("activities:registration_cancel", args=[registration.uuid]))
        registration.refresh_from_db()
        assert registration.status == S.CANCELLED

    def test_it_shows_a_closed_registration_without_a_button(self, world, client_for):
        activity = make_activity(world.own_org, registration_closes_at=timezone.now() - timedelta(minutes=1))
        body = client_for(world.member).get(activity.get_absolute_url()).content.decode()
        assert 'data-role="register"' not in body
        client_for(world.member).post(reverse("activities:register", args=[activity.uuid]))
        assert not activity.registrations.exists()

    def test_it_refuses_to_cancel_someone_elses_registration(self, world, client_for):
        activity = make_activity(world.own_org)
        registration = activity.register(world.org_admin.person)
        response = client_for(world.member).post(reverse("activities:registration_cancel", args=[registration.uuid]))
        assert response.status_code == 404
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED


class TestForms:
    def test_it_lets_an_org_admin_create_a_lecture_with_co_hosts_and_a_speaker(self, world, client_for):
        speaker = make_speaker()
        data = form_data(world, co_hosts=[world.own_branch.uuid, world.foreign_org.uuid], speakers=[speaker.uuid])
        response = client_for(world.org_admin).post(reverse("activities:add"), data)
        activity = Activity.objects.get(title=data["title"])
        assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
        assert set(activity.co_hosts.all()) == {world.own_branch, world.foreign_org}
        assert list(activity.speakers.all()) == [speaker]
        assert timezone.localtime(activity.starts_at).hour == 14

    def test_it_refuses_a_host_the_admin_does_not_run(self, world, client_for):
        client_for(world.org_admin).post(reverse("activities:add"), form_data(world, host=world.foreign_org.uuid))
        assert not Activity.objects.exists()

    def test_it_refuses_a_speaker_outside_the_expert_pool(self, world, client_for):
        response = client_for(world.org_admin).post(reverse("activities:add"), form_data(world, speakers=[world.member.person.uuid]))
        assert response.status_code == 200 and not Activity.objects.exists()

    def test_it_refuses_creation_to_members(self, world, client_for):
        assert client_for(world.member).get(reverse("activities:add")).status_code == 403
        assert client_for(world.member).post(reverse("activities:add"), form_data(world)).status_code == 403

    def test_it_refuses_editing_to_co_hosts(self, world, client_for):
        activity = make_activity(world.own_org, co_hosts=[world.foreign_org])
        assert client_for(world.outsider).get(reverse("activities:edit", args=[activity.uuid])).status_code == 403

    def test_it_promotes_the_waitlist_when_the_form_raises_the_capacity(self, world, client_for):
        activity = make_activity(world.own_org, capacity=1)
        for person in make_people(world.own_branch, 3):
            activity.register(person)
        data = form_data(world, title=activity.title, capacity="2")
        data["starts_at"] = timezone.localtime(activity.starts_at).strftime("%Y-%m-%dT%H:%M")
        data["ends_at"] = timezone.localtime(activity.ends_at).strftime("%Y-%m-%dT%H:%M")
        response = client_for(world.org_admin).post(reverse("activities:edit", args=[activity.uuid]), data)
        assert response.status_code == 302
        assert activity.places_taken() == 2

    def test_it_saves_sanitised_minutes_shown_on_the_page(self, world, client_for):
        activity = make_activity(world.own_org, starts_in=timedelta(days=-1))
        client = client_for(world.org_admin)
        minutes = "<p>围绕<strong>党的二十大精神</strong>开展研讨。</p><script>alert('x')</script><img src=x onerror=alert(1)>"
        response = client.post(reverse("activities:minutes", args=[activity.uuid]), {"minutes": minutes, "outcomes": "形成调研报告一份", "attendee_count": ""})
        assert response.status_code == 302
        body = client.get(activity.get_absolute_url()).content.decode()
        assert "<strong>党的二十大精神</strong>" in body and "形成调研报告一份" in body
        assert "alert('x')" not in body and "onerror" not in body

    def test_it_refuses_minutes_from_a_member(self, world, client_for):
        activity = make_activity(world.own_org)
        assert client_for(world.member).post(reverse("activities:minutes", args=[activity.uuid]), {"minutes": "x"}).status_code == 403

    def test_it_archives_and_hides_an_activity(self, world, client_for):
        activity = make_activity(world.own_org, title="将归档")
        client_for(world.org_admin).post(reverse("activities:archive", args=[activity.uuid]))
        activity.refresh_from_db()
        assert activity.is_archived
        assert activity.title not in client_for(world.org_admin).get(reverse("activities:list")).content.decode()

    def test_it_cancels_an_activity_from_the_page(self, world, client_for):
        activity = make_activity(world.own_org)
        activity.register(world.member.person)
        client_for(world.org_admin).post(reverse("activities:cancel", args=[activity.uuid]), {"reason": "场地调整"})
        activity.refresh_from_db()
        assert activity.is_cancelled and activity.registrations.get().status == S.CANCELLED


class TestGroupRegistration:
    def test_it_lets_an_org_admin_register_members(self, world, client_for):
        activity = make_activity(world.own_org, capacity=2)
        people = make_people(world.own_branch, 3)
        url = reverse("activities:group_register", args=[activity.uuid])
        client = client_for(world.org_admin)
        page = client.get(url, {"organization": world.own_branch.uuid}).content.decode()
        assert all(p.name in page for p in people)
        response = client.post(url, {"organization": world.own_branch.uuid, "people": [p.uuid for p in people]})
        assert response.status_code == 302
        assert sorted(activity.registrations.values_list("status", flat=True)) == [S.REGISTERED, S.REGISTERED, S.WAITLISTED]
        assert set(activity.registrations.values_list("registered_by", flat=True)) == {world.org_admin.pk}

    def test_it_refuses_members_of_other_organizations(self, world, client_for):
        activity = make_activity(world.own_org, invite_alliance=True)
        url = reverse("activities:group_register", args=[activity.uuid])
        response = client_for(world.org_admin).post(url, {"organization": world.own_branch.uuid, "people": [world.outsider.person.uuid]})
        assert response.status_code == 200 and not activity.registrations.exists()
        assert client_for(world.outsider).post(url, {"organization": world.own_branch.uuid, "people": [world.member.person.uuid]}).status_code == 404

    def test_it_refuses_group_registration_to_members(self, world, client_for):
        activity = make_activity(world.own_org)
        assert client_for(world.member).get(reverse("activities:group_register", args=[activity.uuid])).status_code == 403


class TestAttendance:
    def test_it_exports_who_came_from_which_organization_and_when(self, world, client_for):
        activity = make_activity(world.own_org, starts_in=timedelta(hours=1))
        came, absent = make_people(world.own_branch, 2)
        activity.register(came).check_in()
        activity.register(absent)
        response = client_for(world.org_admin).get(reverse("activities:attendance_export", args=[activity.uuid]))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Cache-Control"] == "no-store"
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
        by_name = {row[0]: row for row in rows[1:]}
        assert by_name[came.name][1] == world.own_branch.name
        assert by_name[came.name][2] == S.ATTENDED.label and by_name[came.name][4] is not None
        assert by_name[absent.name][2] == S.REGISTERED.label and by_name[absent.name][4] is None
        assert Record.objects.filter(action=Action.EXPORT, object_id=str(activity.pk)).exists()

    def test_it_refuses_the_export_to_members(self, world, client_for):
        activity = make_activity(world.own_org)
        assert client_for(world.member).get(reverse("activities:attendance_export", args=[activity.uuid])).status_code == 403

    def test_it_lists_registrations_for_organizers(self, world, client_for):
        activity = make_activity(world.own_org)
        registration = activity.register(world.member.person)
        url = reverse("activities:registrations", args=[activity.uuid])
        body = client_for(world.org_admin).get(url).content.decode()
        assert registration.code in body and world.member.person.name in body
        assert client_for(world.member).get(url).status_code == 403

    def test_it_records_no_shows_after_the_activity(self, world, client_for):
        activity = make_activity(world.own_org)
        activity.register(world.member.person)
        Activity.objects.filter(pk=activity.pk).update(starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1))
        client_for(world.org_admin).post(reverse("activities:no_shows", args=[activity.uuid]))
        assert activity.registrations.get().status == S.NO_SHOW


class TestSeries:
    def test_it_lists_a_series_and_its_activities(self, world, client_for):
        series = Series.objects.create(name="“熔·融”系列理论宣讲", track="study", organization=world.own_org)
        first = make_activity(world.own_org, series=series, title="第一讲")
        body = client_for(world.member).get(reverse("activities:series_list")).content.decode()
        assert series.name in body
        body = client_for(world.member).get(series.get_absolute_url()).content.decode()
        assert first.title in body

    def test_it_lets_org_admins_create_a_series_for_their_organization(self, world, client_for):
        client = client_for(world.org_admin)
        client.post(reverse("activities:series_add"), {"name": "系列宣讲", "track": "study", "organization": world.own_org.uuid})
        assert Series.objects.filter(name="系列宣讲", organization=world.own_org).exists()
        client.post(reverse("activities:series_add"), {"name": "别人的系列", "track": "study", "organization": world.foreign_org.uuid})
        assert not Series.objects.filter(name="别人的系列").exists()


def test_it_filters_by_organization_name(world, client_for):
    hosted = make_activity(world.own_branch, title="支部主办的活动")
    invited = make_activity(world.own_org, title="邀请支部的活动", invited_orgs=[world.own_branch])
    other = make_activity(world.own_org, title="学院自己的活动")
    body = client_for(world.org_admin).get(reverse("activities:list"), {"org_name": "工业设计"}).content.decode()
    assert hosted.title in body and invited.title in body and other.title not in body


def test_it_pages_without_counting_and_counts_on_request(world, client_for):
    for n in range(23):
        make_activity(world.own_org, title=f"分页活动{n:02d}")
    make_activity(world.foreign_org, title="看不到的活动")
    client = client_for(world.member)
    first = client.get(reverse("activities:list"))
    assert len(first.context["object_list"]) == 20 and first.context["page_obj"].has_next()
    second = client.get(reverse("activities:list"), {"page": 2})
    assert len(second.context["object_list"]) == 3 and not second.context["page_obj"].has_next()
    assert second.context["page_obj"].has_previous()
    assert "23" in client.get(reverse("activities:list"), {"count": "1"}).content.decode()
    assert "1" in client.get(reverse("activities:list"), {"count": "1", "q": "分页活动07"}).content.decode()


def test_it_keeps_pages_with_check_in_codes_out_of_caches(world, client_for):
    activity = make_activity(world.own_org)
    activity.register(world.member.person)
    client = client_for(world.member)
    assert client.get(activity.get_absolute_url())["Cache-Control"] == "no-store"
    assert client.get(reverse("activities:mine"))["Cache-Control"] == "no-store"
    other = make_activity(world.own_org)
    assert client.get(other.get_absolute_url()).get("Cache-Control") != "no-store"


def test_it_names_the_co_hosts_on_every_list(world, client_for):
    from gongjian.activities.models import Series

    series = Series.objects.create(name="系列", track="study", organization=world.own_org)
    activity = make_activity(world.own_org, title="协办展示", co_hosts=[world.own_branch, world.foreign_org], series=series)
    client = client_for(world.org_admin)
    for url in (reverse("activities:list"), reverse("activities:organization", args=[world.own_org.uuid]), series.get_absolute_url()):
        body = client.get(url).content.decode()
        assert activity.title in body and world.own_branch.name in body and world.foreign_org.name in body, url
    rows = list(load_workbook(io.BytesIO(client.get(reverse("activities:list"), {"export": "xlsx"}).content)).active.values)
    assert world.foreign_org.name in rows[1][6]
