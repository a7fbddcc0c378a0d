"""send_reminders: 24 hours before, once per registration."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gongjian.activities.reminders import send_reminders
from gongjian.notifications.models import Notification

from .helpers import make_activity, make_people

pytestmark = pytest.mark.django_db


def test_it_reminds_registered_people_of_activities_within_24_hours(world, committed, immediate_tasks):
    soon = make_activity(world.own_org, title="明天的宣讲", starts_in=timedelta(hours=20), capacity=1)
    later = make_activity(world.own_org, title="下周的宣讲", starts_in=timedelta(days=7))
    going, waiting = make_people(world.own_branch, 2)
    soon.register(going)
    soon.register(waiting)
    later.register(going)
    mail.outbox.clear()
    with committed():
        assert send_reminders() == 1
    [message] = mail.outbox
    assert message.to == [going.user.email]
    assert "活动提醒" in message.subject and soon.title in message.subject
    registration = soon.registrations.get(person=going)
    assert registration.code in message.body and "24 小时内" in message.body
    assert registration.reminded_at is not None
    assert soon.registrations.get(person=waiting).reminded_at is None, "the waitlist is not reminded"


def test_it_sends_each_reminder_once_however_often_it_runs(world, committed, immediate_tasks):
    activity = make_activity(world.own_org, starts_in=timedelta(hours=5))
    activity.register(world.member.person)
    with committed():
        assert send_reminders() == 1
        assert send_reminders() == 0
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 reminders sent" in out.getvalue()
    assert Notification.objects.filter(kind="activities_reminder").count() == 1


def test_it_skips_cancelled_activities_and_cancelled_registrations(world):
    cancelled = make_activity(world.own_org, starts_in=timedelta(hours=5))
    cancelled.register(world.member.person)
    cancelled.cancel()
    other = make_activity(world.own_org, starts_in=timedelta(hours=5))
    other.register(world.org_admin.person).cancel()
    assert send_reminders() == 0


def test_it_does_not_remind_after_the_start(world):
    activity = make_activity(world.own_org, starts_in=timedelta(hours=5))
    activity.register(world.member.person)
    assert send_reminders(now=timezone.now() + timedelta(hours=6)) == 0
    assert send_reminders(now=timezone.now()) == 1


def test_the_command_reports_what_it_sent(world):
    activity = make_activity(world.own_org, starts_in=timedelta(hours=2))
    activity.register(world.member.person)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "1 reminders sent" in out.getvalue()
