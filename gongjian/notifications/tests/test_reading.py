"""Marking notices read, in the UI and the API: only once, only one's own, and only by POST."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongjian.notifications.models import Notification

pytestmark = pytest.mark.django_db


def notice(user, title="通知", read_at=None):
    return Notification.objects.create(recipient=user, kind="activities_reminder", title=title, url="/activities/", read_at=read_at)


def test_it_lists_only_unread_notices_when_asked(world, client_for):
    notice(world.member, "未读的通知")
    notice(world.member, "已读的通知", read_at=timezone.now())
    response = client_for(world.member).get(reverse("notifications:list"), {"unread": "1"})
    body = response.content.decode()
    assert "未读的通知" in body and "已读的通知" not in body
    assert response.context["unread_count"] == 1 and response.context["unread_only"]


def test_it_keeps_the_first_read_time(world, client_for, api_for):
    earlier = timezone.now() - timedelta(days=3)
    item = notice(world.member, read_at=earlier)
    client_for(world.member).post(reverse("notifications:read", args=[item.uuid]))
    api_for(world.member).post(f"/api/v1/notifications/{item.uuid}/read/")
    client_for(world.member).post(reverse("notifications:read_all"))
    item.refresh_from_db()
    assert item.read_at == earlier


def test_it_returns_to_a_local_next_page(world, client_for):
    item = notice(world.member)
    response = client_for(world.member).post(reverse("notifications:read", args=[item.uuid]), {"next": "/activities/?page=2"})
    assert response["Location"] == "/activities/?page=2"


def test_it_marks_all_of_mine_read_and_leaves_others_alone(world, client_for):
    mine = [notice(world.member), notice(world.member)]
    theirs = notice(world.outsider)
    response = client_for(world.member).post(reverse("notifications:read_all"), follow=True)
    assert "2" in [str(m) for m in response.context["messages"]][0]
    assert all(n.read_at for n in Notification.objects.filter(pk__in=[m.pk for m in mine]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_marks_nothing_read_by_get(world, client_for):
    item = notice(world.member)
    client = client_for(world.member)
    assert client.get(reverse("notifications:read", args=[item.uuid])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert client.get(reverse("notifications:preference")).status_code == 405
    item.refresh_from_db()
    assert item.read_at is None


def test_it_explains_a_refused_preference(world, client_for):
    response = client_for(world.member).post(reverse("notifications:preference"), {"email_mode": "hourly"}, follow=True)
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    assert not world.member.__class__.objects.filter(pk=world.member.pk, notification_preference__isnull=False).exists()


def test_it_lets_the_api_read_all_without_touching_other_users(world, api_for):
    notice(world.member)
    theirs = notice(world.outsider)
    assert api_for(world.member).post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api_for(world.member).post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_refuses_to_write_the_last_digest_time_through_the_api(world, api_for):
    client = api_for(world.member)
    response = client.put(
        "/api/v1/notifications/preference/", {"email_mode": "off", "last_digest_at": "2020-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 200 and response.json()["last_digest_at"] is None


def test_the_api_list_needs_the_same_queries_however_many_notices(world, api_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for(world.member)
    notice(world.member)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/notifications/").status_code == 200
        return len(ctx)

    few = count()
    for n in range(12):
        notice(world.member, f"通知{n}")
    assert count() == few
