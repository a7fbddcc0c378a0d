"""How a need ends (fulfilled, expired) for the claims still waiting, and which needs stay open to claims."""

import datetime

import pytest

from gongjian.audit.models import Record
from gongjian.exchange.models import Need

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_need(world, make_need, enterprise):
    """A multiple-claim need with one accepted claim (own_org) and one still pending (the enterprise)."""
    org, admin = enterprise
    need = make_need(claim_mode="multiple", publish=True)
    accepted = need.claim(world.own_org, by=world.org_admin)
    pending = need.claim(org, by=admin)
    accepted.accept(world.outsider)
    need.refresh_from_db()
    return need, accepted, pending


def test_fulfilling_declines_the_claims_still_waiting_and_keeps_the_accepted(world, shared_need):
    need, accepted, pending = shared_need
    need.fulfil(by=world.outsider, satisfaction=4)
    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert accepted.status == "accepted"
    assert (pending.status, pending.reject_reason, pending.decided_by) == ("rejected", "该需求已完成。", world.outsider)
    assert pending.events.filter(to_status="rejected").count() == 1


def test_expiring_declines_the_claims_waiting(world, make_need):
    need = make_need(publish=True, deadline=days(5))
    claim = need.claim(world.own_org, by=world.org_admin)
    Need.objects.filter(pk=need.pk).update(deadline=days(-1))
    need.refresh_from_db()
    need.expire()
    claim.refresh_from_db()
    need.refresh_from_db()
    assert need.status == "expired" and (claim.status, claim.reject_reason) == ("rejected", "该需求已过期。")


def test_a_claimed_need_taking_several_claimants_stays_open(world, shared_need, enterprise):
    need, _accepted, _pending = shared_need
    assert need.status in ("claimed", "in_progress")
    assert need.is_open and need in Need.objects.open()
    need.claim_mode = "single"
    Need.objects.filter(pk=need.pk).update(claim_mode="single")
    assert not need.is_open and need not in Need.objects.open()


def test_an_archived_need_is_not_open_whatever_its_status(world, make_need):
    need = make_need(publish=True)
    need.close(by=world.outsider)
    need.archive()
    Need.objects.filter(pk=need.pk).update(status="published")
    need.refresh_from_db()
    assert not need.is_open and not Need.objects.open().filter(pk=need.pk).exists()


def test_the_hall_waits_for_the_end_of_first_claim(world, make_need, pair):
    pair(world.foreign_org, world.own_org)
    need = make_need(publish=True)
    assert need.priority_until is not None and not need.in_hall
    assert need not in Need.objects.in_hall()
    assert need in Need.objects.in_hall(today=need.priority_until + datetime.timedelta(days=1))
    assert need not in Need.objects.in_hall(today=need.priority_until), "the last day still belongs to the paired"


def test_featuring_is_recorded_with_who_did_it(world, make_need):
    need = make_need(publish=True)
    need.set_featured(True, by=world.alliance_admin)
    need.set_featured(False, by=world.alliance_admin)
    changes = list(
        Record.objects.filter(object_type="exchange.need", object_id=str(need.pk), action="update", changes__has_key="featured")
        .order_by("pk")
        .values_list("changes", "actor")
    )
    assert changes == [({"featured": [False, True]}, world.alliance_admin.pk), ({"featured": [True, False]}, world.alliance_admin.pk)]
    need.refresh_from_db()
    assert need.featured is False


def test_it_finds_needs_anywhere_below_a_region(world, make_need):
    street = make_need("街道的需求", region=world.street, publish=True)
    community = make_need("居民区的需求", region=world.community, publish=True)
    district = make_need("区里的需求", region=world.district, publish=True)
    assert set(Need.objects.in_region(world.street)) == {street, community}
    assert set(Need.objects.in_region(world.district)) == {street, community, district}
