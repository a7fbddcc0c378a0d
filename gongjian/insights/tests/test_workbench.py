"""The workbench (工作台): each user's to-do sections, read through the same scoped QuerySets as the list pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as R
from gongjian.activities.models import Registration
from gongjian.activities.models.registration import new_code
from gongjian.activities.tests.helpers import make_activity
from gongjian.agreements.choices import AgreementStatus as G
from gongjian.agreements.models import Agreement, AgreementParty
from gongjian.insights.workbench import AGREEMENT_NEXT, SHOWN, todo, upcoming
from gongjian.notifications.models import Notification
from gongjian.projects.choices import TaskStatus
from gongjian.projects.tests.factories import TaskFactory, active_project

pytestmark = pytest.mark.django_db


def sections(user):
    return {section.key: section for section in todo(user)}


def today_at(hour, days=0):
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    return midnight + datetime.timedelta(days=days, hours=hour)


def agreement_of(org, status, title):
    agreement = Agreement.objects.create(title=title)
    Agreement.objects.filter(pk=agreement.pk).update(status=status)
    AgreementParty.objects.create(agreement=agreement, organization=org, order=0)
    return agreement


def test_it_leaves_out_empty_sections(world):
    assert todo(world.member) == []
    assert todo(world.org_admin) == []


def test_it_shows_the_first_tasks_to_review_and_counts_the_rest(world):
    own, foreign = active_project(world.own_org, title="采样亭改造"), active_project(world.foreign_org, title="街道项目")
    for n in range(SHOWN + 2):
        TaskFactory(
            project=own, title=f"待审任务{n}", status=TaskStatus.SUBMITTED, submitted_at=today_at(8) + datetime.timedelta(minutes=n)
        )
    TaskFactory(project=own, title="进行中任务", status=TaskStatus.CLAIMED)
    TaskFactory(project=foreign, title="街道待审任务", status=TaskStatus.SUBMITTED)

    tasks = sections(world.org_admin)["tasks"]

    assert (tasks.count, len(tasks.items), tasks.more) == (SHOWN + 2, SHOWN, 2)
    assert [title for title, _, _ in tasks.items] == [f"待审任务{n}" for n in range(SHOWN)]
    assert {project for _, project, _ in tasks.items} == {"采样亭改造"}
    assert [title for title, _, _ in sections(world.outsider)["tasks"].items] == ["街道待审任务"]


def test_it_says_what_each_agreement_waits_for_and_skips_finished_ones(world):
    for status in (G.DRAFT, G.SIGNED, G.PUBLISHED, G.PERFORMING, G.EVALUATED, G.TERMINATED):
        agreement_of(world.own_org, status, f"协议-{status}")
    agreement_of(world.foreign_org, G.DRAFT, "街道协议")

    agreements = sections(world.org_admin)["agreements"]

    assert agreements.count == 4
    assert {title: str(step) for title, step, _ in agreements.items} == {
        f"协议-{status}": str(AGREEMENT_NEXT[status]) for status in (G.DRAFT, G.SIGNED, G.PUBLISHED, G.PERFORMING)
    }


def test_it_lists_only_todays_uncancelled_activities_for_check_in(world):
    today = make_activity(world.own_org, title="今天的活动", starts_at=today_at(9))
    make_activity(world.own_org, title="昨天的活动", starts_at=today_at(9, days=-1))
    make_activity(world.own_org, title="明天的活动", starts_at=today_at(9, days=1))
    make_activity(world.own_org, title="取消的活动", starts_at=today_at(10), cancelled_at=timezone.now())
    make_activity(world.foreign_org, title="街道今天的活动", starts_at=today_at(9))

    [item] = sections(world.org_admin)["checkins"].items

    assert item[0] == "今天的活动"
    assert item[2] == reverse("activities:checkin_code", kwargs={"uuid": today.uuid})


def test_it_lists_my_registrations_still_to_come(world):
    me = world.member.person
    rows = {
        "报名的活动": (make_activity(world.own_org, title="报名的活动"), R.REGISTERED),
        "候补的活动": (make_activity(world.own_org, title="候补的活动", starts_in=datetime.timedelta(days=4)), R.WAITLISTED),
        "取消报名的活动": (make_activity(world.own_org, title="取消报名的活动"), R.CANCELLED),
        "已结束的活动": (make_activity(world.own_org, title="已结束的活动", starts_in=datetime.timedelta(days=-3)), R.REGISTERED),
        "被取消的活动": (make_activity(world.own_org, title="被取消的活动", cancelled_at=timezone.now()), R.REGISTERED),
    }
    for activity, status in rows.values():
        Registration.objects.create(activity=activity, person=me, status=status, code=new_code())

    registrations = sections(world.member)["registrations"]

    assert [title for title, _, _ in registrations.items] == ["报名的活动", "候补的活动"]


def test_it_counts_only_my_unread_notifications(world):
    Notification.objects.create(recipient=world.member, kind="test", title="未读通知", url="/activities/")
    Notification.objects.create(recipient=world.member, kind="test", title="已读通知", read_at=timezone.now())
    Notification.objects.create(recipient=world.org_admin, kind="test", title="别人的通知")

    notices = sections(world.member)["notifications"]

    assert notices.count == 1
    assert notices.items[0][0] == "未读通知" and notices.items[0][2] == "/activities/"


def test_it_shows_upcoming_activities_in_order_without_cancelled_ones(world):
    later = make_activity(world.own_org, title="后面的活动", starts_in=datetime.timedelta(days=5))
    sooner = make_activity(world.own_org, title="先到的活动", starts_in=datetime.timedelta(days=1))
    make_activity(world.own_org, title="取消的活动", cancelled_at=timezone.now())
    make_activity(world.own_org, title="过去的活动", starts_in=datetime.timedelta(days=-5))
    assert upcoming(world.member) == [sooner, later]
    assert upcoming(world.member, limit=1) == [sooner]


def test_it_sends_visitors_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_keeps_the_home_pages_queries_flat(world, client_for):
    client = client_for(world.org_admin)
    project = active_project(world.own_org)

    def add(n):
        for _ in range(n):
            TaskFactory(project=project, status=TaskStatus.SUBMITTED)
            make_activity(world.own_org, starts_at=today_at(9))
            Notification.objects.create(recipient=world.org_admin, kind="test", title="通知")

    add(1)
    client.get(reverse("home"))  # warm the session and per-request caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    add(SHOWN + 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("home")).status_code == 200
    # A section past SHOWN items counts the rest with one more query each (tasks, check-ins, notices).
    assert len(many) == len(few) + 3
