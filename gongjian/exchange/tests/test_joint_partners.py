"""A joint claim's partners (联合领办) follow it, but neither decide on it nor withdraw it: those belong to owner and claimant."""

import pytest
from django.urls import reverse

from gongjian.exchange.models import Claim

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


@pytest.fixture
def joint(world, make_need, enterprise):
    """The enterprise claims the street's need with own_org as partner."""
    org, admin = enterprise
    return make_need(publish=True).claim(org, by=admin, partners=[world.own_org])


def test_the_partner_finds_it_among_its_own_claims_not_among_those_to_decide(world, joint):
    assert list(Claim.objects.made_by(world.org_admin)) == [joint]
    assert not Claim.objects.decidable_by(world.org_admin).exists()
    assert list(Claim.objects.decidable_by(world.outsider)) == [joint]


def test_the_partner_may_neither_decide_nor_withdraw_on_the_pages(world, client_for, joint):
    client = client_for(world.org_admin)
    context = client.get(joint.get_absolute_url()).context
    assert not context["can_decide"] and not context["can_withdraw"]
    assert client.post(reverse("exchange:claim_accept", args=[joint.uuid])).status_code == 403
    assert client.post(reverse("exchange:claim_reject", args=[joint.uuid]), {"reason": "不参加了"}).status_code == 403
    assert client.post(reverse("exchange:claim_withdraw", args=[joint.uuid])).status_code == 403
    joint.refresh_from_db()
    assert joint.status == "pending"


def test_the_partner_may_neither_decide_nor_withdraw_in_the_api(world, api_for, joint):
    client = api_for(world.org_admin)
    assert client.get(f"{API}/claims/{joint.uuid}/").json()["status"] == "pending"
    assert client.post(f"{API}/claims/{joint.uuid}/accept/", {}, format="json").status_code == 403
    assert client.post(f"{API}/claims/{joint.uuid}/withdraw/").status_code == 403
    joint.refresh_from_db()
    assert joint.status == "pending"


def test_the_partner_joins_the_project_the_acceptance_starts(world, joint, enterprise):
    org, _admin = enterprise
    project = joint.accept(world.outsider)
    assert project.lead == org
    assert set(project.partners.all()) == {world.own_org, world.foreign_org}
