"""What each activity notice says: Chinese subject and body, the right person, the right details."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from gongjian.notifications.models import EmailMode, Notification, NotificationPreference

from .helpers import make_activity, make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecture(world):
    starts = timezone.make_aware(timezone.datetime(2030, 5, 12, 14, 0))
    return make_activity(world.own_org, title="“熔·融”理论宣讲", starts_at=starts, venue="示例学院报告厅", capacity=1)


def test_it_confirms_a_registration_with_time_place_and_code(world, lecture, committed, immediate_tasks):
    person = make_people(world.own_branch, 1)[0]
    with committed():
        registration = lecture.register(person)
    [message] = mail.outbox
    assert message.to == [person.user.email]
    assert message.subject == "【共建平台】报名成功：“熔·融”理论宣讲"
    assert f"{person.name}同志，您好" in message.body
    assert "2030-05-12 14:00–16:00" in message.body  # Asia/Shanghai, not UTC
    assert "示例学院报告厅" in message.body and world.own_org.name in message.body
    assert registration.code in message.body
    assert lecture.get_absolute_url() in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and registration.code in html and "<script" not in html
    notice = Notification.objects.get(recipient=person.user)
    assert notice.kind == "activities_registration_confirmed" and notice.url == lecture.get_absolute_url()
    assert notice.title == message.subject and notice.emailed_at is not None


def test_it_tells_a_waitlisted_person_they_wait(world, lecture, committed, immediate_tasks):
    first, second = make_people(world.own_branch, 2)
    with committed():
        lecture.register(first)
        lecture.register(second)
    message = next(m for m in mail.outbox if m.to == [second.user.email])
    assert "已进入候补" in message.subject and "候补名单" in message.body


def test_it_tells_the_promoted_person_their_code(world, lecture, committed, immediate_tasks):
    first, second = make_people(world.own_branch, 2)
    holder = lecture.register(first)
    waiting = lecture.register(second)
    mail.outbox.clear()
    with committed():
        holder.cancel(by=first.user)
    promoted = next(m for m in mail.outbox if m.to == [second.user.email])
    assert "候补转正" in promoted.subject and waiting.code in promoted.body
    cancelled = next(m for m in mail.outbox if m.to == [first.user.email])
    assert "您已取消" in cancelled.body


def test_it_says_when_an_admin_cancelled_for_the_person(world, lecture, committed, immediate_tasks):
    person = make_people(world.own_branch, 1)[0]
    registration = lecture.register(person)
    mail.outbox.clear()
    with committed():
        registration.cancel(by=world.org_admin)
    assert "组织管理员已为您取消" in mail.outbox[0].body


def test_it_sends_nothing_when_the_registration_rolls_back(world, lecture, committed, immediate_tasks):
    from django.db import transaction

    person = make_people(world.own_branch, 1)[0]
    with committed():
        with transaction.atomic():
            lecture.register(person)
            transaction.set_rollback(True)
    assert mail.outbox == [] and not Notification.objects.exists()


def test_it_keeps_digest_users_mail_for_the_digest(world, lecture, committed, immediate_tasks):
    person = make_people(world.own_branch, 1)[0]
    NotificationPreference.objects.create(user=person.user, email_mode=EmailMode.DIGEST)
    with committed():
        lecture.register(person)
    assert mail.outbox == []
    assert Notification.objects.get(recipient=person.user).digest_pending


def test_it_notifies_in_app_people_without_an_email_address(world, lecture, committed, immediate_tasks):
    with committed():
        lecture.register(world.member.person)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=world.member, kind="activities_registration_confirmed").exists()


def test_it_skips_people_without_an_account(world, lecture, committed, immediate_tasks):
    from gongjian.orgs.models import Membership, Person

    person = Person.objects.create(name="无账号党员")
    Membership.objects.create(person=person, organization=world.own_branch)
    with committed():
        lecture.register(person, by=world.org_admin, organization=world.own_branch)
    assert not Notification.objects.exists()


def test_it_formats_a_multi_day_activity(world, committed, immediate_tasks):
    starts = timezone.make_aware(timezone.datetime(2030, 6, 1, 9, 0))
    activity = make_activity(world.own_org, title="G60交流服务月", starts_at=starts, duration=timedelta(days=2))
    person = make_people(world.own_branch, 1)[0]
    with committed():
        activity.register(person)
    assert "2030-06-01 09:00 – 2030-06-03 09:00" in mail.outbox[0].body
