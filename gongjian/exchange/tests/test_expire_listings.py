import io

import pytest
from django.core.management import call_command

from gongjian.exchange.models import Need, Resource

from .conftest import days

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("expire_listings", *args, stdout=out)
    return out.getvalue()


def test_it_expires_needs_and_closes_resources_past_their_dates_once(world, make_need, make_resource):
    late = make_need(publish=True, deadline=days(2))
    claim = late.claim(world.own_org, by=world.org_admin)  # made before the deadline, still waiting after it
    Need.objects.filter(pk=late.pk).update(deadline=days(-1))
    current = make_need(title="还在期限内", publish=True, deadline=days(3))
    draft = make_need(title="草稿", deadline=days(-5))
    gone = make_resource(publish=True, available_until=days(-1))
    assert "Expired 1 needs, closed 1 resources." in run()
    assert Need.objects.get(pk=late.pk).status == "expired"
    assert (Need.objects.get(pk=current.pk).status, Need.objects.get(pk=draft.pk).status) == ("published", "draft")
    assert Resource.objects.get(pk=gone.pk).status == "closed"
    claim.refresh_from_db()
    assert claim.status == "rejected"
    assert "Expired 0 needs, closed 0 resources." in run()


def test_it_changes_nothing_on_a_dry_run(make_need):
    late = make_need(publish=True, deadline=days(-1))
    assert "Expired 1 needs" in run("--dry-run")
    assert Need.objects.get(pk=late.pk).status == "published"
