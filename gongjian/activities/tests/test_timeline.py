"""The organization timeline hook: hosted, co-hosted and attended activities, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.lib.access import scope_for

from .helpers import make_activity, make_people

pytestmark = pytest.mark.django_db


def timeline(organization, user):
    return apps.get_app_config("activities").org_timeline(organization, user)


def test_it_lists_hosted_co_hosted_and_attended_activities_newest_first(world):
    hosted = make_activity(world.own_branch, title="支部主办", starts_in=timedelta(days=-3))
    cohosted = make_activity(world.own_org, title="学院主办、支部协办", co_hosts=[world.own_branch], starts_in=timedelta(days=-2))
    attended = make_activity(world.own_org, title="支部党员参加", starts_in=timedelta(days=1), invite_alliance=True)
    attended.register(world.member.person)
    make_activity(world.own_org, title="无关")
    entries = timeline(world.own_branch, world.alliance_admin)
    assert [(e["title"], e["role"]) for e in entries] == [
        (attended.title, "attended"),
        (cohosted.title, "co_hosted"),
        (hosted.title, "hosted"),
    ]
    first = entries[0]
    assert first["kind"] == "activity" and first["track"] == "study" and first["url"] == attended.get_absolute_url()
    assert first["date"] == attended.starts_at


def test_it_leaves_out_cancelled_registrations_and_archived_activities(world):
    dropped = make_activity(world.own_org, title="取消报名", invite_alliance=True)
    dropped.register(world.member.person).cancel()
    archived = make_activity(world.own_branch, title="已归档")
    archived.archive()
    assert timeline(world.own_branch, world.alliance_admin) == []


def test_it_shows_only_what_the_viewer_may_see(world):
    private = make_activity(world.foreign_org, title="街道内部活动", co_hosts=[world.own_branch])
    assert [e["title"] for e in timeline(world.own_branch, world.member)] == [private.title]
    make_activity(world.foreign_org, title="街道主办，支部党员报名", invite_alliance=False).registrations.create(
        person=world.member.person, organization=world.own_branch, status=S.REGISTERED, code="ABCDEF"
    )
    titles = [e["title"] for e in timeline(world.own_branch, world.org_admin)]
    assert private.title in titles
    # The registration makes it visible to the member through their own registration only.
    assert "街道主办，支部党员报名" in [e["title"] for e in timeline(world.own_branch, world.member)]


def test_it_runs_in_a_fixed_number_of_queries(world):
    people = make_people(world.own_branch, 2)
    user = world.org_admin
    scope_for(user)  # computed once per request anyway

    def add(count):
        for n in range(count):
            activity = make_activity(world.own_org, co_hosts=[world.own_branch] if n % 2 else [])
            for person in people:
                activity.register(person)

    add(2)
    timeline(world.own_branch, user)
    with CaptureQueriesContext(connection) as small:
        assert len(timeline(world.own_branch, user)) == 2
    add(30)
    with CaptureQueriesContext(connection) as large:
        assert len(timeline(world.own_branch, user)) == 32
    assert len(large.captured_queries) == len(small.captured_queries) == 2


def test_it_feeds_the_shared_timeline(world):
    from gongjian.orgs.timeline import collect

    activity = make_activity(world.own_branch, title="支部主办")
    entries = [e for e in collect(world.own_branch, world.org_admin) if e["source"] == "activities"]
    assert [e["title"] for e in entries] == [activity.title]


def test_it_renders_the_timeline_page(world, client_for):
    activity = make_activity(world.own_branch, title="支部主办")
    url = reverse("activities:organization_timeline", args=[world.own_branch.uuid])
    assert activity.title in client_for(world.org_admin).get(url).content.decode()
    assert client_for(world.outsider).get(url).status_code == 404
