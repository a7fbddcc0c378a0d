"""The in-app list, the unread badge, marking read and the email preference."""

import pytest
from django.urls import reverse

from gongjian.notifications.models import EmailMode, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def notice(user, title="【共建平台】报名成功：宣讲", url="/activities/"):
    return Notification.objects.create(recipient=user, kind="activities_registration_confirmed", title=title, body="正文", url=url)


def test_it_lists_only_my_notices(world, client_for):
    mine = notice(world.member, "我的通知")
    notice(world.outsider, "别人的通知")
    body = client_for(world.member).get(reverse("notifications:list")).content.decode()
    assert mine.title in body and "别人的通知" not in body


def test_it_shows_the_unread_count_in_the_badge(world, client_for):
    notice(world.member)
    notice(world.member)
    client = client_for(world.member)
    assert 'data-role="unread-badge">2<' in client.get(reverse("notifications:badge")).content.decode()
    client.post(reverse("notifications:read_all"))
    assert "unread-badge" not in client.get(reverse("notifications:badge")).content.decode()


def test_it_loads_the_bell_on_every_page(world, client_for):
    body = client_for(world.member).get(reverse("home")).content.decode()
    assert reverse("notifications:badge") in body


def test_it_marks_one_read_and_opens_its_link(world, client_for):
    item = notice(world.member, url="/activities/mine/")
    response = client_for(world.member).post(reverse("notifications:read", args=[item.uuid]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/activities/mine/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_it_never_redirects_off_site(world, client_for):
    item = notice(world.member, url="https://evil.example/")
    response = client_for(world.member).post(reverse("notifications:read", args=[item.uuid]), {"open": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")


def test_it_refuses_to_touch_someone_elses_notice(world, client_for):
    item = notice(world.outsider)
    assert client_for(world.member).post(reverse("notifications:read", args=[item.uuid])).status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_it_saves_the_email_preference(world, client_for):
    client = client_for(world.member)
    client.post(reverse("notifications:preference"), {"email_mode": "digest"})
    assert NotificationPreference.objects.get(user=world.member).email_mode == EmailMode.DIGEST
    client.post(reverse("notifications:preference"), {"email_mode": "spam"})
    assert NotificationPreference.objects.get(user=world.member).email_mode == EmailMode.DIGEST


def test_it_needs_a_login(client):
    assert client.get(reverse("notifications:list")).status_code == 302
    assert client.get(reverse("notifications:badge")).status_code == 302


def test_it_keeps_the_list_query_count_flat(world, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.member)
    notice(world.member)
    client.get(reverse("notifications:list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("notifications:list"))
    for n in range(30):
        notice(world.member, f"通知{n}")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("notifications:list"))
