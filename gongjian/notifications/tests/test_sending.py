"""notify(): stored in-app, emailed once after commit, or kept for the digest."""

import pytest
from django.core import mail
from django.db import transaction

from gongjian.notifications.models import EmailMode, Notification, NotificationPreference
from gongjian.notifications.sending import notify
from gongjian.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db

# An existing kind with a plain context: the daily digest's templates render from a list of notices.
KIND = "notifications_digest"


def context(**extra):
    return {"notices": [], "count": 0, "site_url": "http://x", **extra}


def test_it_stores_a_notice_and_emails_it_after_commit(world, mailable, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [notice] = notify([mailable], KIND, context(), url="/notifications/")
        assert mail.outbox == [], "nothing leaves before the transaction commits"
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == [mailable.email] and message.subject == notice.title
    assert "每日通知汇总" in notice.title
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    notice.refresh_from_db()
    assert notice.emailed_at is not None and not notice.digest_pending and notice.read_at is None
    assert notice.url == "/notifications/" and notice.kind == KIND


def test_it_never_emails_a_notice_twice(world, mailable, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [notice] = notify([mailable], KIND, context())
    assert send_notification_email.call(notice.pk, "") is False
    assert len(mail.outbox) == 1


def test_it_deduplicates_recipients_and_skips_inactive_users(world, mailable, immediate_tasks, django_capture_on_commit_callbacks):
    world.org_admin.is_active = False
    world.org_admin.save()
    with django_capture_on_commit_callbacks(execute=True):
        notices = notify([mailable, mailable, world.org_admin, None], KIND, context())
    assert [n.recipient for n in notices] == [mailable]


def test_it_holds_digest_users_mail_and_skips_off_users(world, mailable, immediate_tasks, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=mailable, email_mode=EmailMode.DIGEST)
    world.outsider.email = "street@example.cn"
    world.outsider.save()
    NotificationPreference.objects.create(user=world.outsider, email_mode=EmailMode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        notify([mailable, world.outsider], KIND, context())
    assert mail.outbox == []
    assert Notification.objects.get(recipient=mailable).digest_pending
    assert not Notification.objects.get(recipient=world.outsider).digest_pending


def test_it_uses_the_persons_email_when_the_account_has_none(world, immediate_tasks, django_capture_on_commit_callbacks):
    person = world.member.person
    person.email = "person@example.cn"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.member], KIND, context())
    assert mail.outbox[0].to == ["person@example.cn"]


def test_it_renders_in_chinese_whatever_the_request_language(world, mailable, immediate_tasks, django_capture_on_commit_callbacks):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        [notice] = notify([mailable], KIND, context())
    assert "每日通知汇总" in notice.title


def test_it_leaves_nothing_behind_when_the_caller_rolls_back(world, mailable, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify([mailable], KIND, context())
            transaction.set_rollback(True)
    assert mail.outbox == [] and not Notification.objects.exists()


def test_it_queues_email_in_the_database_by_default(world, mailable, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        notify([mailable], KIND, context())
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="gongjian.notifications.tasks.send_notification_email").count() == 1
