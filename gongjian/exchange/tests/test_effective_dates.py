"""Steps entered after the fact (补录): publishing, claiming and accepting needs and resources take an effective date.

Rule: never in the future; published_at ≥ the previous step, claimed_at ≥ published_at,
decided_at ≥ claimed_at. The stamps and the events hold the effective date; the events'
recorded_at, the claim's created_at and the audit records hold the real time.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.audit.models import Action, Record
from gongjian.exchange.models import Claim, ClaimEvent, Need, NeedEvent, Resource, ResourceEvent

from .conftest import refused

API = "/api/v1/exchange"
FUTURE = "生效日期不能晚于现在。"
D = datetime.date

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def old_need(world, make_need):
    """A 2023 need of the street's, entered today and published on 2023-03-01."""
    need = make_need(title="往年需求：社区微更新设计")
    need.publish(world.outsider, effective_at=D(2023, 3, 1))
    return need


@pytest.fixture
def old_claim(world, old_need):
    return old_need.claim(world.own_org, by=world.org_admin, message="我院可承接", effective_at=D(2023, 3, 10))


# --- Publishing ------------------------------------------------------------------------------


def test_it_publishes_now_by_default(world, make_need):
    need = make_need()
    before = timezone.now()
    need.publish(world.outsider)
    need.refresh_from_db()
    event = NeedEvent.objects.get(need=need, to_status="published")
    assert before <= need.published_at <= timezone.now()
    assert before <= event.created_at <= timezone.now() and before <= event.recorded_at <= timezone.now()


def test_it_stores_a_past_publication_and_counts_the_first_claim_window_from_it(world, make_need, pair):
    pair(world.foreign_org, world.own_org)
    need = make_need()
    need.publish(world.outsider, effective_at=D(2023, 3, 1))
    need.refresh_from_db()
    assert need.published_at == at(2023, 3, 1)
    assert need.priority_until == D(2023, 3, 15)
    event = NeedEvent.objects.get(need=need, to_status="published")
    assert event.created_at == at(2023, 3, 1) and timezone.localdate(event.recorded_at) == timezone.localdate()
    audit = Record.objects.get(action=Action.PUBLISH, object_type="exchange.need", object_id=str(need.pk))
    assert audit.changes["effective_at"] == [None, at(2023, 3, 1).isoformat()]
    assert audit.actor == world.outsider and timezone.localdate(audit.created_at) == timezone.localdate()


def test_it_refuses_a_future_publication(world, make_need, make_resource):
    need, resource = make_need(), make_resource()
    for item, by in ((need, world.outsider), (resource, world.org_admin)):
        with pytest.raises(ValidationError) as error:
            item.publish(by, effective_at=tomorrow())
        assert error.value.message_dict == {"effective_at": [FUTURE]}
    assert Need.objects.get(pk=need.pk).status == "draft" and Resource.objects.get(pk=resource.pk).status == "draft"


def test_it_refuses_republishing_a_resource_before_it_was_closed(world, make_resource):
    resource = make_resource()
    resource.publish(world.org_admin, effective_at=D(2023, 3, 1))
    resource.close(world.org_admin)
    closed_at = ResourceEvent.objects.get(resource=resource, to_status="closed").created_at
    with pytest.raises(ValidationError) as error:
        resource.publish(world.org_admin, effective_at=D(2023, 4, 1))
    label = timezone.localtime(closed_at).strftime("%Y-%m-%d %H:%M")
    assert error.value.message_dict == {"effective_at": [f"这一步的日期不能早于上一步（{label}）。"]}
    resource.publish(world.org_admin)
    resource.refresh_from_db()
    # Published again without a date: it keeps its first publication.
    assert resource.published_at == at(2023, 3, 1)


# --- Claiming --------------------------------------------------------------------------------


def test_it_claims_now_by_default(world, make_need):
    need = make_need(publish=True)
    before = timezone.now()
    claim = need.claim(world.own_org, by=world.org_admin)
    assert before <= claim.claimed_at <= timezone.now()
    assert ClaimEvent.objects.get(claim=claim).created_at == claim.claimed_at


def test_it_stores_a_past_claim_with_the_real_time_beside_it(world, old_claim):
    old_claim.refresh_from_db()
    assert old_claim.claimed_at == at(2023, 3, 10)
    assert timezone.localdate(old_claim.created_at) == timezone.localdate()
    event = ClaimEvent.objects.get(claim=old_claim)
    assert event.created_at == at(2023, 3, 10) and timezone.localdate(event.recorded_at) == timezone.localdate()
    audit = Record.objects.get(action=Action.CREATE, object_type="exchange.claim", object_id=str(old_claim.pk))
    # The creation record is written at the real time; it names the actor of the request (see the page test).
    assert audit.changes["claimed_at"][1] == str(at(2023, 3, 10)) and timezone.localdate(audit.created_at) == timezone.localdate()


def test_it_refuses_a_claim_before_the_publication_or_in_the_future(world, old_need, make_resource, enterprise):
    with pytest.raises(ValidationError) as error:
        old_need.claim(world.own_org, by=world.org_admin, effective_at=D(2023, 2, 28))
    assert error.value.message_dict == {"effective_at": ["认领日期不能早于发布时间（2023-03-01 00:00）。"]}
    with pytest.raises(ValidationError) as error:
        old_need.claim(world.own_org, by=world.org_admin, effective_at=tomorrow())
    assert error.value.message_dict == {"effective_at": [FUTURE]}
    resource = make_resource(publish=True)
    org, admin = enterprise
    with pytest.raises(ValidationError):
        resource.request(org, by=admin, effective_at=D(2023, 1, 1))
    assert not Claim.objects.exists()


def test_it_judges_the_first_claim_window_on_the_claims_day(world, make_need, pair, enterprise):
    """A back-dated claim inside the paired organizations' window is theirs only, as it was then."""
    org, admin = enterprise
    pair(world.foreign_org, world.own_org)
    need = make_need()
    need.publish(world.outsider, effective_at=D(2023, 3, 1))
    with refused("priority"):
        need.claim(org, by=admin, effective_at=D(2023, 3, 5))
    assert need.claim(org, by=admin, effective_at=D(2023, 3, 20)).claimed_at == at(2023, 3, 20)


# --- Accepting -------------------------------------------------------------------------------


def test_it_accepts_on_a_past_day_and_the_need_follows(world, old_claim, enterprise):
    org, admin = enterprise
    other = Need.objects.get(pk=old_claim.need_id).claim(org, by=admin, effective_at=D(2023, 3, 12))
    old_claim.accept(world.outsider, effective_at=D(2023, 3, 15))
    old_claim.refresh_from_db()
    other.refresh_from_db()
    assert (old_claim.status, old_claim.decided_at) == ("accepted", at(2023, 3, 15))
    # The competing claim is declined by that acceptance, on its day.
    assert (other.status, other.decided_at) == ("rejected", at(2023, 3, 15))
    claimed = NeedEvent.objects.get(need=old_claim.need, to_status="claimed")
    assert claimed.created_at == at(2023, 3, 15) and timezone.localdate(claimed.recorded_at) == timezone.localdate()
    audit = Record.objects.filter(object_type="exchange.claim", object_id=str(old_claim.pk), changes__status=["pending", "accepted"]).get()
    assert audit.changes["effective_at"] == [None, at(2023, 3, 15).isoformat()] and audit.actor == world.outsider


def test_it_accepts_now_by_default(world, old_claim):
    before = timezone.now()
    old_claim.accept(world.outsider)
    assert before <= Claim.objects.get(pk=old_claim.pk).decided_at <= timezone.now()


def test_it_refuses_accepting_before_the_claim_or_in_the_future(world, old_claim):
    with pytest.raises(ValidationError) as error:
        old_claim.accept(world.outsider, effective_at=D(2023, 3, 9))
    assert error.value.message_dict == {"effective_at": ["接受日期不能早于认领时间（2023-03-10 00:00）。"]}
    with pytest.raises(ValidationError) as error:
        old_claim.accept(world.outsider, effective_at=tomorrow())
    assert error.value.message_dict == {"effective_at": [FUTURE]}
    old_claim.refresh_from_db()
    assert old_claim.status == "pending" and Need.objects.get(pk=old_claim.need_id).status == "published"


def test_it_accepts_a_resource_request_on_a_past_day(world, make_resource, enterprise):
    org, admin = enterprise
    resource = make_resource()
    resource.publish(world.org_admin, effective_at=D(2023, 2, 1))
    claim = resource.request(org, by=admin, quantity=5, effective_at=D(2023, 2, 10))
    claim.accept(world.org_admin, effective_at=D(2023, 2, 11))
    claim.refresh_from_db()
    assert (claim.claimed_at, claim.decided_at, Resource.objects.get(pk=resource.pk).capacity) == (at(2023, 2, 10), at(2023, 2, 11), 15)


# --- The pages -------------------------------------------------------------------------------


def test_it_offers_the_date_on_publish_claim_and_accept(world, client_for, make_need, old_claim):
    draft = make_need(title="草稿需求")
    today = timezone.localdate().isoformat()
    page = client_for(world.outsider).get(draft.get_absolute_url()).content.decode()
    assert 'name="effective_at"' in page and f'max="{today}"' in page and "生效日期（补录时填写，默认今天）" in page
    claim_page = client_for(world.org_admin).get(old_claim.need.get_absolute_url() + "?tab=claims").content.decode()
    accept_page = client_for(world.outsider).get(old_claim.get_absolute_url()).content.decode()
    for html in (claim_page, accept_page):
        assert 'name="effective_at"' in html and f'max="{today}"' in html


def test_it_publishes_claims_and_accepts_on_past_days_through_the_pages(world, client_for, make_need):
    need = make_need()
    owner, claimant = client_for(world.outsider), client_for(world.org_admin)
    owner.post(reverse("exchange:need_publish", args=[need.uuid]), {"effective_at": "2023-03-01"})
    claimant.post(reverse("exchange:need_claim", args=[need.uuid]), {"organization": world.own_org.uuid, "effective_at": "2023-03-10"})
    claim = Claim.objects.get(need=need)
    owner.post(reverse("exchange:claim_accept", args=[claim.uuid]), {"effective_at": "2023-03-15"})
    need.refresh_from_db()
    claim.refresh_from_db()
    assert (need.published_at, claim.claimed_at, claim.decided_at) == (at(2023, 3, 1), at(2023, 3, 10), at(2023, 3, 15))
    page = owner.get(claim.get_absolute_url()).content.decode()
    assert "2023-03-10" in page and "2023-03-15" in page and f"补录于 {timezone.localdate().isoformat()}" in page
    created = Record.objects.get(action=Action.CREATE, object_type="exchange.claim", object_id=str(claim.pk))
    assert created.actor == world.org_admin and created.changes["claimed_at"][1] == str(at(2023, 3, 10))


def test_it_defaults_to_now_through_the_page(world, client_for, make_need):
    need = make_need()
    client_for(world.outsider).post(reverse("exchange:need_publish", args=[need.uuid]), {"effective_at": ""})
    assert timezone.localdate(Need.objects.get(pk=need.pk).published_at) == timezone.localdate()


@pytest.mark.parametrize(("value", "message"), [("tomorrow", FUTURE), ("2023-02-01", "认领日期不能早于发布时间（2023-03-01 00:00）。")])
def test_it_refuses_a_bad_claim_date_through_the_page(world, client_for, old_need, value, message):
    value = tomorrow().isoformat() if value == "tomorrow" else value
    response = client_for(world.org_admin).post(
        reverse("exchange:need_claim", args=[old_need.uuid]), {"organization": world.own_org.uuid, "effective_at": value}, follow=True
    )
    assert message in response.content.decode()
    assert not Claim.objects.exists()


def test_it_refuses_a_bad_date_on_publish_and_accept_through_the_pages(world, client_for, make_need, old_claim):
    owner = client_for(world.outsider)
    draft = make_need(title="草稿需求")
    page = owner.post(reverse("exchange:need_publish", args=[draft.uuid]), {"effective_at": tomorrow().isoformat()}, follow=True)
    assert FUTURE in page.content.decode() and Need.objects.get(pk=draft.pk).status == "draft"
    page = owner.post(reverse("exchange:claim_accept", args=[old_claim.uuid]), {"effective_at": "2023-03-01"}, follow=True)
    assert "接受日期不能早于认领时间（2023-03-10 00:00）。" in page.content.decode()
    page = owner.post(reverse("exchange:claim_accept", args=[old_claim.uuid]), {"effective_at": "2023-02-30"}, follow=True)
    assert "输入一个有效的日期。" in page.content.decode()
    assert Claim.objects.get(pk=old_claim.pk).status == "pending"


# --- The API ---------------------------------------------------------------------------------


def test_it_takes_effective_dates_through_the_api(world, api_for, make_need):
    need = make_need()
    owner, claimant = api_for(world.outsider), api_for(world.org_admin)
    response = owner.post(f"{API}/needs/{need.uuid}/publish/", {"effective_at": "2023-03-01"}, format="json")
    assert response.status_code == 200 and response.data["published_at"] == "2023-03-01T00:00:00+08:00"
    body = {"organization": str(world.own_org.uuid), "effective_at": "2023-03-10T09:30:00+08:00"}
    response = claimant.post(f"{API}/needs/{need.uuid}/claim/", body, format="json")
    assert response.status_code == 201 and response.data["claimed_at"] == "2023-03-10T09:30:00+08:00"
    claim = response.data["uuid"]
    response = owner.post(f"{API}/claims/{claim}/accept/", {"effective_at": "2023-03-10"}, format="json")
    # The same day as the claim: the acceptance follows it within that day.
    assert response.status_code == 200 and response.data["decided_at"] == "2023-03-10T09:30:00+08:00"


def test_it_claims_through_the_claims_endpoint_on_a_past_day(world, api_for, old_need):
    body = {"need": str(old_need.uuid), "organization": str(world.own_org.uuid), "effective_at": "2023-04-01"}
    response = api_for(world.org_admin).post(f"{API}/claims/", body, format="json")
    assert response.status_code == 201 and response.data["claimed_at"] == "2023-04-01T00:00:00+08:00"


@pytest.mark.parametrize(
    ("step", "value", "message"),
    [
        ("publish", "tomorrow", FUTURE),
        ("claim", "2023-02-01", "认领日期不能早于发布时间（2023-03-01 00:00）。"),
        ("accept", "2023-03-09", "接受日期不能早于认领时间（2023-03-10 00:00）。"),
        ("accept", "not a date", None),
    ],
)
def test_it_refuses_bad_dates_through_the_api(world, api_for, make_need, old_claim, step, value, message):
    value = tomorrow().isoformat() if value == "tomorrow" else value
    if step == "publish":
        response = api_for(world.outsider).post(f"{API}/needs/{make_need(title='草稿').uuid}/publish/", {"effective_at": value}, format="json")
    elif step == "claim":
        other = make_need(title="另一个需求")
        other.publish(world.outsider, effective_at=D(2023, 3, 1))
        body = {"organization": str(world.own_org.uuid), "effective_at": value}
        response = api_for(world.org_admin).post(f"{API}/needs/{other.uuid}/claim/", body, format="json")
    else:
        response = api_for(world.outsider).post(f"{API}/claims/{old_claim.uuid}/accept/", {"effective_at": value}, format="json")
    assert response.status_code == 400 and list(response.data) == ["effective_at"]
    if message:
        assert response.data["effective_at"] == [message]


def test_it_documents_the_effective_date_in_the_schema(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path in (f"{API}/needs/{{uuid}}/publish/", f"{API}/needs/{{uuid}}/claim/", f"{API}/claims/{{uuid}}/accept/"):
        ref = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert "effective_at" in components[ref.rsplit("/", 1)[-1]]["properties"], path
