"""The notifications API: your own notices only, mark read, email preference."""

import pytest

from gongjian.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def notice(user, title="通知"):
    return Notification.objects.create(recipient=user, kind="activities_reminder", title=title, body="正文", url="/activities/")


def test_it_lists_only_the_callers_notices(world, api_for):
    mine = notice(world.member)
    theirs = notice(world.outsider)
    results = api_for(world.member).get("/api/v1/notifications/").json()["results"]
    assert [n["uuid"] for n in results] == [str(mine.uuid)]
    assert api_for(world.member).get(f"/api/v1/notifications/{theirs.uuid}/").status_code == 404
    assert api_for(world.alliance_admin).get(f"/api/v1/notifications/{mine.uuid}/").status_code == 404, "not even the alliance admin"


def test_it_filters_unread_and_marks_read(world, api_for):
    first, second = notice(world.member, "一"), notice(world.member, "二")
    client = api_for(world.member)
    response = client.post(f"/api/v1/notifications/{first.uuid}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    assert [n["uuid"] for n in client.get("/api/v1/notifications/", {"unread": "1"}).json()["results"]] == [str(second.uuid)]
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/", {"unread": "1"}).json()["results"] == []
    assert api_for(world.outsider).post(f"/api/v1/notifications/{second.uuid}/read/").status_code == 404


def test_it_reads_and_writes_the_email_preference(world, api_for):
    client = api_for(world.member)
    assert client.get("/api/v1/notifications/preference/").json()["email_mode"] == "immediate"
    assert client.put("/api/v1/notifications/preference/", {"email_mode": "digest"}, format="json").status_code == 200
    assert NotificationPreference.objects.get(user=world.member).email_mode == "digest"
    assert client.patch("/api/v1/notifications/preference/", {"email_mode": "never"}, format="json").status_code == 400


def test_it_refuses_anonymous_callers(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


def test_it_describes_the_email_preference_to_options(world, api_for):
    # OPTIONS asked the notices' viewset for an object by UUID that this URL has not: a 500.
    response = api_for(world.member).options("/api/v1/notifications/preference/")
    assert response.status_code == 200
    assert set(response.json()["actions"]["PUT"]) == {"email_mode", "last_digest_at"}
