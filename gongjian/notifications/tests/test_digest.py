"""send_digests: one email a day with the unread notices, never twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gongjian.notifications.digest import send_digests
from gongjian.notifications.models import EmailMode, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest_user(mailable):
    NotificationPreference.objects.create(user=mailable, email_mode=EmailMode.DIGEST)
    return mailable


def queue(user, title, url="/activities/", read=False):
    return Notification.objects.create(
        recipient=user, kind="activities_reminder", title=title, body="…", url=url, digest_pending=True, read_at=timezone.now() if read else None
    )


def test_it_sends_one_digest_listing_the_unread_notices(world, digest_user):
    first = queue(digest_user, "【共建平台】报名成功：“熔·融”理论宣讲")
    second = queue(digest_user, "【共建平台】活动提醒：圆桌交流", url="/activities/x/")
    queue(digest_user, "已读过的通知", read=True)
    assert send_digests() == 1
    [message] = mail.outbox
    assert message.to == [digest_user.email]
    assert message.subject == "【共建平台】每日通知汇总（2 条）"
    assert first.title in message.body and second.title in message.body and "已读过的通知" not in message.body
    assert "http://127.0.0.1:8000/activities/x/" in message.body
    assert "<ol>" in message.alternatives[0][0]
    assert not Notification.objects.filter(digest_pending=True).exists()
    first.refresh_from_db()
    assert first.emailed_at is not None


def test_it_is_idempotent_within_a_day(world, digest_user):
    queue(digest_user, "第一条")
    assert send_digests() == 1
    queue(digest_user, "同一天稍后的一条")
    assert send_digests() == 0, "one digest per day"
    assert len(mail.outbox) == 1
    tomorrow = timezone.now() + timedelta(days=1)
    assert send_digests(now=tomorrow) == 1
    assert "同一天稍后的一条" in mail.outbox[1].body
    assert send_digests(now=tomorrow) == 0


def test_it_sends_nothing_when_everything_was_read_in_the_app(world, digest_user):
    queue(digest_user, "已读", read=True)
    assert send_digests() == 0
    assert mail.outbox == [] and not Notification.objects.filter(digest_pending=True).exists()


def test_it_keeps_the_notices_queued_when_sending_fails(world, digest_user, settings, monkeypatch):
    queue(digest_user, "发送失败的通知")

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(OSError):
        send_digests()
    assert Notification.objects.filter(digest_pending=True).count() == 1
    monkeypatch.undo()
    assert send_digests() == 1


def test_the_command_runs_the_digest(world, digest_user):
    queue(digest_user, "命令行发送")
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "1 digests sent" in out.getvalue() and len(mail.outbox) == 1
    call_command("send_digests", stdout=out)
    assert len(mail.outbox) == 1
    queue(digest_user, "强制发送")
    call_command("send_digests", "--force", stdout=out)
    assert len(mail.outbox) == 2
