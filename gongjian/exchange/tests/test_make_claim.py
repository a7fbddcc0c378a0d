"""Need.make_claim and Resource.make_claim: the one claim path of the page and the API."""

import pytest
from django.core.exceptions import ValidationError

from gongjian.exchange.models import Claim

API = "/api/v1/exchange"


def test_it_claims_a_need_jointly_and_requests_a_quantity_of_a_resource(world, make_need, make_resource, enterprise):
    partner, _admin = enterprise
    need, resource = make_need(publish=True), make_resource(publish=True)
    claim = need.make_claim(world.own_org, by=world.org_admin, partners=[partner], message="联合领办")
    assert (claim.need, claim.claimant, list(claim.partners.all())) == (need, world.own_org, [partner])
    request = resource.make_claim(world.foreign_org, by=world.outsider, quantity=5)
    assert (request.resource, request.quantity, list(request.partners.all())) == (resource, 5, [])


def test_it_refuses_a_quantity_on_a_need_and_partners_on_a_resource(world, make_need, make_resource, enterprise):
    partner, _admin = enterprise
    need, resource = make_need(publish=True), make_resource(publish=True)
    with pytest.raises(ValidationError) as refused:
        need.make_claim(world.own_org, by=world.org_admin, quantity=3)
    assert "quantity" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        resource.make_claim(world.foreign_org, by=world.outsider, partners=[partner])
    assert "partners" in refused.value.message_dict
    assert not Claim.objects.exists()


def test_it_answers_the_api_with_the_same_rules(world, api_for, make_resource, enterprise):
    partner, _admin = enterprise
    resource = make_resource(publish=True)
    body = {"organization": str(world.foreign_org.uuid), "partners": [str(partner.uuid)]}
    response = api_for(world.outsider).post(f"{API}/resources/{resource.uuid}/request/", body, format="json")
    assert response.status_code == 400 and "联合领办仅适用于需求" in response.json()["partners"][0]
    del body["partners"]
    assert api_for(world.outsider).post(f"{API}/resources/{resource.uuid}/request/", body, format="json").status_code == 201


def test_it_claims_through_the_page_with_the_same_path(world, client_for, make_need):
    from django.urls import reverse

    need = make_need(publish=True)
    response = client_for(world.org_admin).post(
        reverse("exchange:need_claim", args=[need.uuid]), {"organization": str(world.own_org.uuid), "message": "我们来"}
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    assert (claim.need, claim.claimant, claim.message) == (need, world.own_org, "我们来")
