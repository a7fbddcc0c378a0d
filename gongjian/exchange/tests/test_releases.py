"""Publishing the year's lists as frozen snapshots, featuring core items, exporting them to Excel."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongjian.audit.models import Record
from gongjian.exchange import releases
from gongjian.exchange.models import ListRelease, Need

pytestmark = pytest.mark.django_db


def test_it_freezes_the_years_published_needs(world, make_need):
    booth = make_need(publish=True)
    make_need(title="草稿")
    last_year = make_need(title="去年的", publish=True)
    Need.objects.filter(pk=last_year.pk).update(published_at=timezone.now().replace(year=timezone.now().year - 1))
    release = releases.publish(timezone.localdate().year, "needs", by=world.alliance_admin, featured=[str(booth.uuid)])
    assert [row["title"] for row in release.snapshot] == [booth.title]
    assert release.snapshot[0]["organization"] == "广富林街道党工委" and release.snapshot[0]["featured"] is True
    # Later edits do not rewrite what was announced.
    Need.objects.filter(pk=booth.pk).update(title="改名")
    assert ListRelease.objects.get().snapshot[0]["title"] == booth.title
    assert Record.objects.filter(action="publish", object_type="exchange.listrelease").count() == 1


def test_it_keeps_every_release_and_treats_the_newest_as_current(world, make_need):
    make_need(publish=True)
    year = timezone.localdate().year
    first = releases.publish(year, "needs", by=world.alliance_admin)
    make_need(title="新增需求", publish=True)
    second = releases.publish(year, "needs", by=world.alliance_admin)
    assert ListRelease.objects.latest_for(year, "needs") == second
    assert (len(first.snapshot), len(second.snapshot)) == (1, 2)


def test_it_lists_resources_and_projects(world, make_resource, make_need):
    make_resource(publish=True)
    need = make_need(publish=True)
    project = need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
    project.is_featured = True
    project.save()
    year = timezone.localdate().year
    resources = releases.publish(year, "resources", by=world.alliance_admin)
    assert resources.snapshot[0]["capacity"] == "20 名学生设计师"
    projects = releases.publish(year, "projects", by=world.alliance_admin)
    row = projects.snapshot[0]
    assert (row["title"], row["lead"], row["featured"]) == (project.title, "示例学院党委", True)
    assert row["partners"] == ["广富林街道党工委"] and row["progress"] == 0


def test_it_publishes_and_exports_through_the_pages(world, client_for, make_need):
    need = make_need(publish=True)
    client = client_for(world.alliance_admin)
    response = client.post(
        reverse("exchange:release_create"), {"year": timezone.localdate().year, "kind": "needs", "featured": [str(need.uuid)], "title": "2023 年度需求清单"}
    )
    release = ListRelease.objects.get()
    assert response["Location"] == release.get_absolute_url()
    page = client_for(world.member).get(release.get_absolute_url())
    assert need.title in page.content.decode()
    export = client_for(world.member).get(release.get_absolute_url() + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == need.title and rows[1][-1]
    assert Record.objects.filter(action="export", object_type="exchange.listrelease").count() == 1


def test_it_lets_only_alliance_admins_publish(world, client_for):
    assert client_for(world.org_admin).get(reverse("exchange:release_create")).status_code == 403
    assert client_for(world.org_admin).post(reverse("exchange:release_create"), {"year": 2023, "kind": "needs"}).status_code == 403
    assert client_for(world.member).get(reverse("exchange:release_list")).status_code == 200
    assert not ListRelease.objects.exists()


def test_it_refuses_a_featured_item_that_is_not_offered(world, client_for):
    response = client_for(world.alliance_admin).post(reverse("exchange:release_create"), {"year": 2023, "kind": "needs", "featured": ["nope"]})
    assert response.status_code == 200 and "featured" in response.context["form"].errors
    assert not ListRelease.objects.exists()
