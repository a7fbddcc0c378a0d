"""Requests for a resource: one pending per organization, again after a decision, and capacity taken only when asked."""

import pytest

from gongjian.audit.models import Record
from gongjian.exchange.models import Claim, Resource

from .conftest import refused

pytestmark = pytest.mark.django_db


def test_it_allows_one_pending_request_per_organization(world, make_resource):
    resource = make_resource(publish=True)
    resource.request(world.foreign_org, by=world.outsider, quantity=2)
    with refused("duplicate"):
        resource.request(world.foreign_org, by=world.outsider, quantity=3)
    assert Claim.objects.count() == 1


def test_it_allows_a_new_request_once_the_last_was_accepted(world, make_resource):
    # Unlike a need, a resource serves the same organization again: another term, more students.
    resource = make_resource(publish=True)
    resource.request(world.foreign_org, by=world.outsider, quantity=2).accept(world.org_admin)
    again = resource.request(world.foreign_org, by=world.outsider, quantity=3)
    again.accept(world.org_admin)
    resource.refresh_from_db()
    assert resource.capacity == 15
    assert Claim.objects.filter(resource=resource, claimant=world.foreign_org, status="accepted").count() == 2


def test_a_request_without_a_quantity_takes_no_capacity(world, make_resource):
    resource = make_resource(publish=True)
    resource.request(world.foreign_org, by=world.outsider).accept(world.org_admin)
    resource.refresh_from_db()
    assert resource.capacity == 20
    assert not Record.objects.filter(
        object_type="exchange.resource", object_id=str(resource.pk), action="update", changes__has_key="capacity"
    ).exists()


def test_it_hands_out_the_last_unit_and_records_the_capacity_taken(world, make_resource):
    resource = make_resource(publish=True, capacity=3)
    resource.request(world.foreign_org, by=world.outsider, quantity=3).accept(world.org_admin)
    assert Resource.objects.get(pk=resource.pk).capacity == 0
    change = Record.objects.filter(
        object_type="exchange.resource", object_id=str(resource.pk), action="update", changes__has_key="capacity"
    ).get()
    assert change.changes == {"capacity": [3, 0]}


def test_it_refuses_accepting_a_request_on_a_closed_resource(world, make_resource):
    resource = make_resource(publish=True)
    claim = resource.request(world.foreign_org, by=world.outsider, quantity=2)
    Resource.objects.filter(pk=resource.pk).update(status="closed")
    with refused("not_open"):
        claim.accept(world.org_admin)
    claim.refresh_from_db()
    assert claim.status == "pending" and Resource.objects.get(pk=resource.pk).capacity == 20
