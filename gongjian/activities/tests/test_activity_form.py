"""The activity form on its own: a removed limit lets the waitlist in, the online link, errors on their fields."""

import pytest
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.forms import ActivityForm

from .helpers import make_activity, make_people
from .test_views import form_data

pytestmark = pytest.mark.django_db


def edit_data(world, activity, **overrides):
    data = form_data(world, title=activity.title, **overrides)
    data["starts_at"] = timezone.localtime(activity.starts_at).strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = timezone.localtime(activity.ends_at).strftime("%Y-%m-%dT%H:%M")
    return data


@pytest.fixture
def full(world):
    """Two places taken, two people waiting."""
    activity = make_activity(world.own_org, capacity=2, waitlist_enabled=True)
    for person in make_people(world.own_branch, 4):
        activity.register(person)
    return activity


def statuses(activity):
    return sorted(activity.registrations.values_list("status", flat=True))


def save(world, activity, **overrides):
    form = ActivityForm(edit_data(world, activity, **overrides), instance=activity, user=world.org_admin)
    assert form.is_valid(), form.errors
    return form.save()


def test_it_lets_everyone_waiting_in_when_the_limit_is_removed(world, full):
    save(world, full, capacity="")
    assert statuses(full) == [S.REGISTERED] * 4


def test_it_assumes_https_for_an_online_link_without_a_scheme(world):
    form = ActivityForm(form_data(world, online_url="meeting.example.cn/room/1"), user=world.org_admin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["online_url"] == "https://meeting.example.cn/room/1"


def test_it_refuses_the_host_as_its_own_co_host(world):
    form = ActivityForm(form_data(world, co_hosts=[world.own_org.uuid]), user=world.org_admin)
    assert not form.is_valid()
    assert "co_hosts" in form.errors
