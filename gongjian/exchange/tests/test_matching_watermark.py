"""The index's stamp follows organizations too: a host whose index another host's task did not refresh still catches up.

With several hosts (docs/deployment.md) the refresh task runs on one of them; the others learn of changes only
from the stamp. A change to an organization (its sector, region or place in the tree) reaches each of its items'
documents without writing the items, so the stamp carries the organizations' newest updated_at as well.
tests/test_two_hosts.py shows the same with two real hosts on PostgreSQL.
"""

import datetime

import pytest
from django.utils import timezone

from gongjian.exchange.matching import suggestions_for_resource
from gongjian.exchange.models import Need
from gongjian.orgs.models import Organization

pytestmark = pytest.mark.usefixtures("fresh_indexes")


def test_it_reindexes_the_items_of_an_organization_changed_elsewhere(world, make_need, make_resource):
    need = make_need(title="采样亭个性化改造设计", publish=True)  # the street office: government
    designers = make_resource(title="学生设计团队承接采样亭改造设计", publish=True)  # the college: school
    (suggestion,) = suggestions_for_resource(designers)
    assert suggestion.target == need and suggestion.factors["sector"] == 1.0  # 校–政 complement each other

    # Last written long ago: catching up by the items' own updated_at alone would never read it again.
    Need.objects.filter(pk=need.pk).update(updated_at=timezone.now() - datetime.timedelta(days=30))
    suggestions_for_resource(designers)

    # Another host reclassifies the office as a school; its worker refreshed its own index, not this one.
    Organization.objects.filter(pk=world.foreign_org.pk).update(sector="school", updated_at=timezone.now())
    (suggestion,) = suggestions_for_resource(designers)
    assert suggestion.factors["sector"] == pytest.approx(0.3)  # two schools: little to complement
