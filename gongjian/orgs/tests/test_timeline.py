import datetime

import pytest
from django.utils import timezone

from gongjian.orgs import timeline

pytestmark = pytest.mark.django_db


class FakeConfig:
    """Stands in for another app's AppConfig that contributes to the timeline."""

    label = "fake"

    def __init__(self, entries):
        self.entries = entries
        self.calls = []

    def org_timeline(self, organization, user):
        self.calls.append((organization, user))
        return self.entries


@pytest.fixture
def with_config(monkeypatch):
    def install(config):
        real = timeline.contributors()
        monkeypatch.setattr(timeline, "contributors", lambda: [*real, config])
        return config

    return install


def test_it_merges_every_apps_entries_newest_first(world, with_config):
    fake = with_config(
        FakeConfig(
            [
                {"date": datetime.date(2023, 3, 8), "kind": "activity", "title": "两会精神专题联学", "url": "/a/1/", "track": "study"},
                {"date": timezone.now() + datetime.timedelta(days=30), "kind": "agreement", "title": "共建协议到期", "url": "/b/1/"},
                {"date": datetime.datetime(2023, 3, 8, 9, 0), "kind": "activity", "title": "上午的活动", "url": "/a/2/", "track": ""},
            ]
        )
    )
    entries = timeline.collect(world.own_org, world.org_admin)
    assert fake.calls == [(world.own_org, world.org_admin)]
    titles = [entry["title"] for entry in entries]
    # Future first, then the orgs app's own entries (created today), then March: 9:00 after midnight of the same day.
    assert titles[0] == "共建协议到期"
    assert titles[-2:] == ["上午的活动", "两会精神专题联学"]
    fake_entries = [entry for entry in entries if entry["source"] == "fake"]
    assert fake_entries[0]["track"] == ""  # a missing track defaults to ""
    assert {"fake", "orgs"} <= {entry["source"] for entry in entries}


def test_it_includes_the_organizations_own_milestones(world):
    from gongjian.orgs.models import Membership

    Membership.objects.filter(person=world.member.person).update(joined_on=datetime.date(2023, 2, 1))
    entries = [entry for entry in timeline.collect(world.own_branch, world.org_admin) if entry["source"] == "orgs"]
    kinds = [entry["kind"] for entry in entries]
    assert kinds == ["organization", "membership"]
    assert "支部党员" in entries[1]["title"]
    children = [
        entry for entry in timeline.collect(world.own_org, world.org_admin) if entry["source"] == "orgs" and entry["track"] == "build"
    ]
    assert [entry["url"] for entry in children] == [world.own_branch.get_absolute_url()]


def test_it_limits_the_number_of_entries(world, with_config):
    with_config(FakeConfig([{"date": datetime.date(2023, 1, d), "kind": "k", "title": str(d), "url": ""} for d in range(1, 20)]))
    assert len(timeline.collect(world.own_org, world.org_admin, limit=5)) == 5


def test_it_names_the_app_that_returns_a_malformed_entry(world, with_config):
    with_config(FakeConfig([{"date": datetime.date(2023, 1, 1), "title": "无类型"}]))
    with pytest.raises(ValueError, match="fake.org_timeline returned an entry without kind, url"):
        timeline.collect(world.own_org, world.org_admin)


def test_it_renders_contributed_entries_on_the_timeline_tab(world, client_for, with_config):
    with_config(
        FakeConfig([{"date": datetime.date(2023, 3, 8), "kind": "activity", "title": "两会精神专题联学", "url": "/a/1/", "track": "study"}])
    )
    html = client_for(world.org_admin).get(world.own_org.get_absolute_url() + "?tab=timeline").content.decode()
    assert '<a href="/a/1/">两会精神专题联学</a>' in html
    assert "理论联学" in html and "2023-03-08" in html
