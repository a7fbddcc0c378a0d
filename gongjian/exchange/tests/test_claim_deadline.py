"""A published need past its deadline takes no claims, even before the nightly expire_listings moves it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.exchange.models import Need

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(make_need):
    need = make_need(publish=True, deadline=days(3))
    Need.objects.filter(pk=need.pk).update(deadline=days(-1))
    need.refresh_from_db()
    return need


def test_it_refuses_a_claim_after_the_deadline(world, lapsed):
    with pytest.raises(ValidationError) as e:
        lapsed.claim(world.own_org, by=world.org_admin)
    assert e.value.messages == ["该需求已过截止日期，不再接受认领。"]
    assert not lapsed.claims.exists()


def test_it_still_takes_a_claim_on_the_deadline_day(world, make_need):
    need = make_need(publish=True, deadline=days(0))
    claim = need.claim(world.own_org, by=world.org_admin)
    assert claim.status == "pending"


def test_it_takes_a_claim_entered_afterwards_for_a_day_before_the_deadline(world, make_need):
    need = make_need(publish=True, deadline=days(5))
    Need.objects.filter(pk=need.pk).update(published_at=timezone.now() - datetime.timedelta(days=10), deadline=days(-2))
    need.refresh_from_db()
    claim = need.claim(world.own_org, by=world.org_admin, effective_at=timezone.now() - datetime.timedelta(days=4))
    assert claim.status == "pending"


def test_the_page_and_the_api_refuse_it_alike(world, lapsed, client_for, api_for):
    page = client_for(world.org_admin).post(
        reverse("exchange:need_claim", args=[lapsed.uuid]), {"organization": str(world.own_org.uuid), "message": "我们来"}, follow=True
    )
    assert "该需求已过截止日期，不再接受认领。" in page.content.decode()
    response = api_for(world.org_admin).post(f"/api/v1/exchange/needs/{lapsed.uuid}/claim/", {"organization": str(world.own_org.uuid)}, format="json")
    assert response.status_code == 400
    assert "该需求已过截止日期，不再接受认领。" in str(response.json())
    assert not lapsed.claims.exists()
