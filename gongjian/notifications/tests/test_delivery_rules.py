"""Delivery rules not covered elsewhere: links, addresses, subjects, and a failed or pointless send."""

import pytest
from django.core import mail

from gongjian.notifications.digest import send_digests
from gongjian.notifications.models import EmailMode, Notification, NotificationPreference
from gongjian.notifications.sending import absolute_url, email_address, notify, render_notice
from gongjian.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db

KIND = "notifications_digest"


def context():
    return {"notices": [], "count": 0, "site_url": "http://x"}


def test_it_makes_relative_links_absolute_and_leaves_the_others(settings):
    settings.SITE_URL = "https://dj.example.cn/"
    assert absolute_url("/activities/1/") == "https://dj.example.cn/activities/1/"
    assert absolute_url("https://other.example/x") == "https://other.example/x"
    assert absolute_url("http://other.example/x") == "http://other.example/x"
    assert absolute_url("") == ""


def test_it_prefers_the_account_address_to_the_persons(world):
    world.member.person.email = "person@example.cn"
    world.member.person.save()
    world.member.email = "account@example.cn"
    assert email_address(world.member) == "account@example.cn"
    world.member.email = ""
    assert email_address(world.member) == "person@example.cn"


def test_it_finds_no_address_for_an_account_without_a_person(world):
    from gongjian.lib.testing import make_user

    assert email_address(make_user("nobody")) == ""


def test_it_makes_the_subject_one_line_of_at_most_200_characters(settings, tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "long_subject.txt").write_text("第一行\n\n  第二行\t" + "长" * 300)
    (tmp_path / "emails" / "long_body.txt").write_text("  正文  \n")
    (tmp_path / "emails" / "long_body.html").write_text("<p>正文</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    subject, text, html = render_notice("long", {})
    assert subject.startswith("第一行 第二行 长") and "\n" not in subject and len(subject) == 200
    assert text == "正文" and html == "<p>正文</p>"


def test_it_stores_the_notice_but_neither_sends_nor_queues_without_an_address(world, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world.member, email_mode=EmailMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [notice] = notify([world.member, world.outsider], KIND, context())[:1]
    assert callbacks == [], "no email task when nobody has an address"
    assert notice.recipient == world.member and not notice.digest_pending
    assert Notification.objects.count() == 2


def test_it_does_nothing_for_nobody(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notify([None], KIND, context()) == []


def test_it_releases_the_claim_when_the_email_fails(world, mailable, monkeypatch):
    notice = Notification.objects.create(recipient=mailable, kind=KIND, title="标题", body="正文")

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(OSError):
        send_notification_email.call(notice.pk, "<p>正文</p>")
    notice.refresh_from_db()
    assert notice.emailed_at is None, "a retry may send it"
    monkeypatch.undo()
    assert send_notification_email.call(notice.pk, "") is True
    [message] = mail.outbox
    assert message.alternatives == [], "no HTML part when none was rendered"


def test_it_sends_nothing_for_a_deleted_notice_or_a_recipient_without_address(world):
    assert send_notification_email.call(999_999, "") is False
    notice = Notification.objects.create(recipient=world.member, kind=KIND, title="标题")
    assert send_notification_email.call(notice.pk, "") is False
    notice.refresh_from_db()
    assert notice.emailed_at is None and mail.outbox == []


@pytest.mark.parametrize("reason", ["inactive", "no address"])
def test_the_digest_dequeues_without_mailing_when_it_cannot_reach_the_user(world, mailable, reason):
    NotificationPreference.objects.create(user=mailable, email_mode=EmailMode.DIGEST)
    Notification.objects.create(recipient=mailable, kind=KIND, title="待汇总", digest_pending=True)
    if reason == "inactive":
        mailable.is_active = False
    else:
        mailable.email = ""
    mailable.save()
    assert send_digests() == 0
    assert mail.outbox == [] and not Notification.objects.filter(digest_pending=True).exists()
    assert NotificationPreference.objects.get(user=mailable).last_digest_at is None, "nothing was sent today"


def test_the_digest_carries_each_users_own_notices_only(world, mailable):
    world.outsider.email = "street@example.cn"
    world.outsider.save()
    for user, title in [(mailable, "成员的通知"), (world.outsider, "街道的通知")]:
        Notification.objects.create(recipient=user, kind=KIND, title=title, digest_pending=True)
    assert send_digests() == 2
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "成员的通知" in by_address[mailable.email] and "街道的通知" not in by_address[mailable.email]
    assert "街道的通知" in by_address["street@example.cn"] and "成员的通知" not in by_address["street@example.cn"]
    assert NotificationPreference.objects.filter(last_digest_at__isnull=False).count() == 2, "preferences made on the way"


def test_the_digest_day_turns_at_local_midnight(world, mailable):
    import datetime

    from django.utils import timezone

    NotificationPreference.objects.create(user=mailable, email_mode=EmailMode.DIGEST)
    tz = timezone.get_current_timezone()
    late = datetime.datetime(2026, 3, 1, 23, 50, tzinfo=tz)
    Notification.objects.create(recipient=mailable, kind=KIND, title="深夜的通知", digest_pending=True)
    assert send_digests(now=late) == 1
    Notification.objects.create(recipient=mailable, kind=KIND, title="午夜后的通知", digest_pending=True)
    assert send_digests(now=late + datetime.timedelta(minutes=5)) == 0, "still the same local day"
    assert send_digests(now=late + datetime.timedelta(minutes=15)) == 1, "a new local day, though not yet in UTC"
    assert "午夜后的通知" in mail.outbox[1].body
