"""The claim pages: the two boxes, who sees which buttons, and refusals shown as messages rather than error pages."""

import pytest
from django.urls import reverse

from gongjian.exchange.models import Claim

pytestmark = pytest.mark.django_db

LIST = reverse("exchange:claim_list")


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def claim(world, make_need):
    return make_need(publish=True).claim(world.own_org, by=world.org_admin, message="我们来做")


def test_it_sorts_claims_into_made_and_received(world, client_for, claim):
    made = client_for(world.org_admin).get(LIST)
    assert list(made.context["object_list"]) == [claim] and made.context["box"] == "mine"
    assert list(client_for(world.org_admin).get(LIST, {"box": "received"}).context["object_list"]) == []
    received = client_for(world.outsider).get(LIST, {"box": "received"})
    assert list(received.context["object_list"]) == [claim] and received.context["pending_received"] == 1
    assert list(client_for(world.outsider).get(LIST).context["object_list"]) == []


def test_it_reads_an_unknown_box_as_mine(world, client_for, claim):
    response = client_for(world.org_admin).get(LIST, {"box": "everything"})
    assert response.context["box"] == "mine" and list(response.context["object_list"]) == [claim]


def test_it_counts_only_pending_received_claims(world, client_for, claim):
    claim.reject(world.outsider, "时间冲突")
    assert client_for(world.outsider).get(LIST).context["pending_received"] == 0


def test_it_offers_deciding_to_the_owner_and_withdrawing_to_the_claimant(world, client_for, claim):
    owner = client_for(world.outsider).get(claim.get_absolute_url()).context
    assert owner["can_decide"] and not owner["can_withdraw"] and owner["reject_form"] is not None
    claimant = client_for(world.org_admin).get(claim.get_absolute_url()).context
    assert claimant["can_withdraw"] and not claimant["can_decide"] and claimant["projects"] == []


def test_it_offers_nothing_once_decided(world, client_for, claim):
    claim.reject(world.outsider, "时间冲突")
    for user in (world.outsider, world.org_admin):
        context = client_for(user).get(claim.get_absolute_url()).context
        assert not context["can_decide"] and not context["can_withdraw"]
    page = client_for(world.org_admin).get(claim.get_absolute_url()).content.decode()
    assert "时间冲突" in page, "the claimant reads why"


def test_it_offers_to_join_only_projects_the_decider_leads(world, client_for, make_need, enterprise):
    org, admin = enterprise
    theirs = make_need("企业的需求", organization=org, publish=True).claim(world.own_org, by=world.org_admin).accept(admin)
    own = (
        make_need("学院的需求", organization=world.own_org, publish=True)
        .claim(world.foreign_org, by=world.outsider)
        .accept(world.org_admin)
    )
    claim = make_need(publish=True).claim(world.own_org, by=world.org_admin)
    projects = client_for(world.outsider).get(claim.get_absolute_url()).context["projects"]
    assert own in projects and theirs not in projects


def test_it_explains_withdrawing_a_decided_claim(world, client_for, claim):
    claim.reject(world.outsider, "时间冲突")
    response = client_for(world.org_admin).post(reverse("exchange:claim_withdraw", args=[claim.uuid]), follow=True)
    assert response.status_code == 200 and messages_of(response) == ["该认领已是“已拒绝”状态。"]
    claim.refresh_from_db()
    assert claim.status == "rejected"


def test_it_withdraws_a_pending_claim_from_the_page(world, client_for, claim):
    response = client_for(world.org_admin).post(reverse("exchange:claim_withdraw", args=[claim.uuid]), follow=True)
    assert messages_of(response) == ["已撤回认领。"]
    claim.refresh_from_db()
    assert claim.status == "withdrawn" and claim.decided_by == world.org_admin


def test_it_explains_a_claim_form_error_on_the_claims_tab(world, client_for, make_need, enterprise):
    org, _admin = enterprise
    need = make_need(publish=True)
    response = client_for(world.org_admin).post(reverse("exchange:need_claim", args=[need.uuid]), {"organization": str(org.uuid)})
    assert response.status_code == 302 and response["Location"] == f"{need.get_absolute_url()}?tab=claims"
    assert not Claim.objects.exists()


def test_it_refuses_the_claimant_as_its_own_partner_on_the_page(world, client_for, make_need):
    need = make_need(publish=True)
    data = {"organization": str(world.own_org.uuid), "partners": [str(world.own_org.uuid)]}
    response = client_for(world.org_admin).post(reverse("exchange:need_claim", args=[need.uuid]), data, follow=True)
    assert messages_of(response) == ["认领单位不能同时作为联合领办单位。"]
    assert not Claim.objects.exists()


def test_a_withdrawn_claim_no_longer_shows_the_claimant_the_phone(world, client_for, make_need):
    need = make_need(publish=True, contact_phone="13800138000")
    claim = need.claim(world.own_org, by=world.org_admin)
    url = reverse("exchange:need_contact", args=[need.uuid])
    assert client_for(world.org_admin).get(url).status_code == 200
    claim.withdraw(world.org_admin)
    assert client_for(world.org_admin).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 200, "the owner always may"
