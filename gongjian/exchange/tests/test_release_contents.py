"""What a list release holds and how it reads: the year's bounds, archived items, default titles, display cells."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongjian.exchange import releases
from gongjian.exchange.models import ListRelease, Need

pytestmark = pytest.mark.django_db

YEAR = 2024


def published_on(need, *moment):
    Need.objects.filter(pk=need.pk).update(published_at=datetime.datetime(*moment, tzinfo=timezone.get_current_timezone()))


def test_it_takes_the_year_from_midnight_to_midnight_local_time(world, make_need):
    first = make_need("元旦零点", publish=True)
    last = make_need("除夕深夜", publish=True)
    before = make_need("前一年的最后一刻", publish=True)
    after = make_need("后一年的第一刻", publish=True)
    published_on(first, YEAR, 1, 1, 0, 0)
    published_on(last, YEAR, 12, 31, 23, 59, 59)
    published_on(before, YEAR - 1, 12, 31, 23, 59, 59)
    published_on(after, YEAR + 1, 1, 1, 0, 0)
    rows = releases.snapshot_rows(YEAR, "needs")
    assert {row["title"] for row in rows} == {"元旦零点", "除夕深夜"}


def test_it_leaves_archived_needs_out(world, make_need):
    kept = make_need("保留", publish=True)
    gone = make_need("已归档", publish=True)
    gone.close(by=world.outsider)
    gone.archive()
    for need in (kept, gone):
        published_on(need, YEAR, 5, 1, 9, 0)
    assert [row["title"] for row in releases.snapshot_rows(YEAR, "needs")] == ["保留"]


def test_it_titles_a_release_by_year_and_list_unless_told(world):
    release = releases.publish(YEAR, "resources", by=world.alliance_admin)
    assert release.title == f"{YEAR} 资源清单" and release.snapshot == []
    named = releases.publish(YEAR, "resources", by=world.alliance_admin, title="联席会议发布")
    assert str(named) == "联席会议发布"


def test_it_stores_featured_identifiers_once_and_sorted(world, make_need):
    need = make_need(publish=True)
    release = releases.publish(timezone.localdate().year, "needs", by=world.alliance_admin, featured=[need.uuid, str(need.uuid)])
    assert release.featured == [str(need.uuid)]


def test_it_refuses_a_year_outside_the_platforms_range(world):
    with pytest.raises(ValidationError):
        releases.publish(1999, "needs", by=world.alliance_admin)
    assert not ListRelease.objects.exists()


def test_it_shows_status_labels_partners_and_the_featured_mark(world):
    release = ListRelease(
        year=YEAR,
        kind="projects",
        snapshot=[
            {
                "title": "共建项目",
                "brand": "",
                "lead": "示例学院党委",
                "partners": ["甲", "乙"],
                "status": "active",
                "status_label": "进行中",
                "progress": None,
                "featured": True,
            }
        ],
    )
    [(_row, cells)] = list(releases.display_rows(release))
    assert cells == ["共建项目", "", "示例学院党委", "甲、乙", "进行中", "", "是"]


def test_it_shows_a_status_it_no_longer_knows_as_stored(world):
    release = ListRelease(
        year=YEAR, kind="needs", snapshot=[{"title": "旧需求", "status": "retired-status"}, {"title": "新需求", "status": "published"}]
    )
    statuses = [cells[6] for _row, cells in releases.display_rows(release)]
    assert statuses == ["retired-status", "已发布"]


def test_it_offers_only_published_items_to_feature(world, make_need, make_resource):
    make_need("草稿需求")
    make_need("已发布需求", publish=True)
    make_resource("草稿资源")
    groups = dict(releases.featured_choices())
    assert [label for _uuid, label in groups["需求"]] == ["已发布需求 · 广富林街道党工委"]
    assert groups["资源"] == []
    assert list(dict(releases.featured_choices("projects"))) == ["项目"]
