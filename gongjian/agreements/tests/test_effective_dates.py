"""Steps entered after the fact (补录): every stamped step of an agreement, and honours, take an effective date.

Rule: never in the future; signed_on ≥ drafted_on, published_at ≥ signed_on,
performing from ≥ published_at, evaluation ≥ performing. The stamps and the event hold
the effective date; the event's recorded_at and the audit record hold the real time.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Agreement, AgreementEvent, Honor
from gongjian.audit.models import Action, Record

from .conftest import make_agreement

BASE = "/api/v1/agreements/agreements/"
D = datetime.date


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def past_draft(world):
    """A draft entered today about 2023: negotiation began on 2023-01-10."""
    agreement = make_agreement(world, start=D(2023, 4, 1), end=D(2025, 3, 31))
    Agreement.objects.filter(pk=agreement.pk).update(drafted_on=D(2023, 1, 10))
    agreement.refresh_from_db()
    return agreement


def event(agreement, status):
    return AgreementEvent.objects.get(agreement=agreement, to_status=status)


# --- The model's verbs -----------------------------------------------------------------


def test_it_defaults_every_step_to_now(world, draft):
    before = timezone.now()
    for verb in ("sign", "publish", "start_performing", "evaluate"):
        getattr(draft, verb)(world.org_admin)
    draft.refresh_from_db()
    assert draft.signed_on == timezone.localdate()
    assert before <= draft.published_at <= timezone.now()
    for status in (S.SIGNED, S.PUBLISHED, S.PERFORMING, S.EVALUATED):
        row = event(draft, status)
        assert before <= row.created_at <= timezone.now() and before <= row.recorded_at <= timezone.now()


def test_it_stores_past_dates_in_the_stamps_and_the_history(world, past_draft):
    past_draft.sign(world.org_admin, signed_on=D(2023, 3, 15))
    past_draft.publish(world.org_admin, effective_at=D(2023, 3, 20))
    past_draft.start_performing(world.org_admin, effective_at=at(2023, 4, 1, 9, 30))
    past_draft.evaluate(world.org_admin, effective_at=D(2024, 3, 1))
    past_draft.refresh_from_db()
    assert past_draft.status == S.EVALUATED
    assert past_draft.signed_on == D(2023, 3, 15)
    assert past_draft.published_at == at(2023, 3, 20)
    assert event(past_draft, S.SIGNED).created_at == at(2023, 3, 15)
    assert event(past_draft, S.PERFORMING).created_at == at(2023, 4, 1, 9, 30)
    assert event(past_draft, S.EVALUATED).created_at == at(2024, 3, 1)
    # Entered today: the real time stays beside the effective one.
    assert {timezone.localdate(e.recorded_at) for e in past_draft.events.all()} == {timezone.localdate()}
    assert list(past_draft.events.values_list("to_status", flat=True)) == [S.SIGNED, S.PUBLISHED, S.PERFORMING, S.EVALUATED]


def test_it_keeps_steps_of_one_day_in_order(world, past_draft):
    """Published the day it was signed: the day's first moment, not before the signature's moment."""
    past_draft.sign(world.org_admin, signed_on=D(2023, 3, 15))
    past_draft.publish(world.org_admin, effective_at=D(2023, 3, 15))
    past_draft.start_performing(world.org_admin, effective_at=at(2023, 3, 15, 14))
    past_draft.evaluate(world.org_admin, effective_at=D(2023, 3, 15))
    past_draft.refresh_from_db()
    assert past_draft.published_at == at(2023, 3, 15)
    assert event(past_draft, S.EVALUATED).created_at == at(2023, 3, 15, 14)


@pytest.mark.parametrize("verb", ["sign", "publish", "start_performing", "evaluate"])
def test_it_refuses_a_future_date(world, past_draft, verb):
    steps = ["sign", "publish", "start_performing", "evaluate"]
    for earlier in steps[: steps.index(verb)]:
        getattr(past_draft, earlier)(world.org_admin)
    kwargs = {"signed_on": tomorrow()} if verb == "sign" else {"effective_at": tomorrow()}
    with pytest.raises(ValidationError) as error:
        getattr(past_draft, verb)(world.org_admin, **kwargs)
    assert error.value.message_dict == {"effective_on" if verb == "sign" else "effective_at": ["生效日期不能晚于现在。"]}
    assert Agreement.objects.get(pk=past_draft.pk).status == past_draft.status


def test_it_refuses_a_future_moment_of_today(world, past_draft):
    past_draft.sign(world.org_admin)
    with pytest.raises(ValidationError):
        past_draft.publish(world.org_admin, effective_at=timezone.now() + datetime.timedelta(hours=1))


def test_it_refuses_to_sign_before_negotiation_began(world, past_draft):
    with pytest.raises(ValidationError) as error:
        past_draft.sign(world.org_admin, signed_on=D(2023, 1, 9))
    assert error.value.message_dict["effective_on"] == ["签约日期不能早于开始谈约的日期（2023-01-10）。"]
    assert Agreement.objects.get(pk=past_draft.pk).status == S.DRAFT
    assert not past_draft.events.exists()


def test_it_refuses_an_agreement_drafted_in_the_future(world, past_draft):
    past_draft.drafted_on = tomorrow()
    with pytest.raises(ValidationError) as error:
        past_draft.full_clean()
    assert "drafted_on" in error.value.message_dict


# The 2023 story: negotiation from 01-10, signed 03-15, published 03-20, performing from 04-01.
STORY = (("sign", D(2023, 3, 15)), ("publish", D(2023, 3, 20)), ("start_performing", D(2023, 4, 1)))


@pytest.mark.parametrize(
    ("verb", "day", "message"),
    [
        ("publish", D(2023, 3, 14), "亮约日期不能早于签约日期（2023-03-15）。"),
        ("start_performing", D(2023, 3, 19), "履约开始日期不能早于亮约时间（2023-03-20 00:00）。"),
        ("evaluate", D(2023, 3, 31), "评约日期不能早于履约开始时间（2023-04-01 00:00）。"),
    ],
)
def test_it_keeps_the_steps_in_order(world, past_draft, verb, day, message):
    for earlier, when in STORY:
        if earlier == verb:
            break
        kwargs = {"signed_on": when} if earlier == "sign" else {"effective_at": when}
        getattr(past_draft, earlier)(world.org_admin, **kwargs)
    status, events = past_draft.status, past_draft.events.count()
    with pytest.raises(ValidationError) as error:
        getattr(past_draft, verb)(world.org_admin, effective_at=day)
    assert error.value.message_dict["effective_at"] == [message]
    assert (Agreement.objects.get(pk=past_draft.pk).status, past_draft.events.count()) == (status, events)


def test_it_audits_the_effective_date_with_the_real_time_and_actor(world, past_draft):
    before = timezone.now()
    past_draft.sign(world.org_admin, signed_on=D(2023, 3, 15))
    past_draft.publish(world.org_admin, effective_at=D(2023, 3, 20))
    signed = Record.objects.filter(action=Action.UPDATE, object_type="agreements.agreement", object_id=str(past_draft.pk)).latest("pk")
    assert signed.changes["status"] == [S.DRAFT, S.SIGNED]
    assert signed.changes["signed_on"] == [None, "2023-03-15"]
    assert signed.changes["effective_at"] == [None, at(2023, 3, 15).isoformat()]
    assert signed.created_at >= before and signed.actor == world.org_admin
    published = Record.objects.get(action=Action.PUBLISH, object_id=str(past_draft.pk))
    assert published.changes["effective_at"] == [None, at(2023, 3, 20).isoformat()]
    assert published.created_at >= before and published.actor == world.org_admin


# --- Honours -------------------------------------------------------------------------------


def test_it_dates_an_honour_today_by_default_and_keeps_a_past_day(world):
    assert Honor(title="优秀共建党组织").awarded_on == timezone.localdate()
    honor = Honor(title="优秀共建党组织", issuer_name="区委组织部", awarded_on=D(2023, 6, 16))
    honor.full_clean()
    honor.save()
    record = Record.objects.get(action=Action.CREATE, object_type="agreements.honor", object_id=str(honor.pk))
    assert record.changes["awarded_on"] == [None, "2023-06-16"] and timezone.localdate(record.created_at) == timezone.localdate()


def test_it_refuses_an_honour_awarded_in_the_future(world):
    with pytest.raises(ValidationError) as error:
        Honor(title="明年的荣誉", issuer_name="区委组织部", awarded_on=tomorrow()).full_clean()
    assert error.value.message_dict["awarded_on"] == ["生效日期不能晚于现在。"]


def test_it_refuses_a_future_honour_through_the_page_and_the_api(world, client_for, api_for):
    data = {"title": "明年的荣誉", "kind": "honor", "issuer_name": "区委组织部", "level": "district", "awarded_on": tomorrow().isoformat()}
    response = client_for(world.org_admin).post(reverse("agreements:honor_create"), {**data, "recipient_orgs": [world.own_org.uuid]})
    assert response.status_code == 200 and "生效日期不能晚于现在。" in response.content.decode()
    api = api_for(world.org_admin).post(
        "/api/v1/agreements/honours/", {**data, "recipient_organizations": [str(world.own_org.uuid)]}, format="json"
    )
    assert api.status_code == 400 and api.data["awarded_on"] == ["生效日期不能晚于现在。"]
    assert not Honor.objects.exists()


# --- The page ------------------------------------------------------------------------------


def test_it_offers_an_optional_date_no_later_than_today_on_each_dated_step(world, past_draft, client_for):
    page = client_for(world.org_admin).get(past_draft.get_absolute_url()).content.decode()
    assert 'name="effective_at"' in page and f'max="{timezone.localdate().isoformat()}"' in page
    assert "生效日期（补录时填写，默认今天）" in page


def test_it_takes_the_draft_date_on_the_form(world, client_for):
    data = {
        "title": "往年协议",
        "track": "build",
        "drafted_on": "2023-01-10",
        "start_date": "2023-04-01",
        "end_date": "2025-03-31",
        "own_party": world.own_org.uuid,
        "partners": [world.foreign_org.uuid],
    }
    client_for(world.org_admin).post(reverse("agreements:agreement_create"), data)
    assert Agreement.objects.get(title="往年协议").drafted_on == D(2023, 1, 10)


def test_it_signs_and_publishes_on_past_days_through_the_page(world, past_draft, client_for):
    client = client_for(world.org_admin)
    url = reverse("agreements:agreement_transition", kwargs={"uuid": past_draft.uuid, "name": "sign"})
    client.post(url, {"effective_at": "2023-03-15"})
    url = reverse("agreements:agreement_transition", kwargs={"uuid": past_draft.uuid, "name": "publish"})
    client.post(url, {"effective_at": "2023-03-20"})
    past_draft.refresh_from_db()
    assert (past_draft.status, past_draft.signed_on, past_draft.published_at) == (S.PUBLISHED, D(2023, 3, 15), at(2023, 3, 20))
    page = client.get(past_draft.get_absolute_url()).content.decode()
    assert "2023-03-15" in page and "2023-03-20" in page
    assert f"补录于 {timezone.localdate().isoformat()}" in page


def test_it_defaults_to_today_through_the_page(world, past_draft, client_for):
    url = reverse("agreements:agreement_transition", kwargs={"uuid": past_draft.uuid, "name": "sign"})
    client_for(world.org_admin).post(url, {"effective_at": ""})
    assert Agreement.objects.get(pk=past_draft.pk).signed_on == timezone.localdate()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tomorrow", "生效日期不能晚于现在。"),
        ("2023-01-01", "签约日期不能早于开始谈约的日期（2023-01-10）。"),
        ("2023-13-45", "输入一个有效的日期。"),
    ],
)
def test_it_refuses_a_bad_date_through_the_page(world, past_draft, client_for, value, message):
    client = client_for(world.org_admin)
    value = tomorrow().isoformat() if value == "tomorrow" else value
    url = reverse("agreements:agreement_transition", kwargs={"uuid": past_draft.uuid, "name": "sign"})
    page = client.post(url, {"effective_at": value}, follow=True).content.decode()
    assert message in page
    assert Agreement.objects.get(pk=past_draft.pk).status == S.DRAFT


def test_it_refuses_publishing_before_signing_through_the_page(world, past_draft, client_for):
    past_draft.sign(world.org_admin, signed_on=D(2023, 3, 15))
    url = reverse("agreements:agreement_transition", kwargs={"uuid": past_draft.uuid, "name": "publish"})
    page = client_for(world.org_admin).post(url, {"effective_at": "2023-03-01"}, follow=True).content.decode()
    assert "亮约日期不能早于签约日期（2023-03-15）。" in page
    assert Agreement.objects.get(pk=past_draft.pk).status == S.SIGNED


# --- The API -------------------------------------------------------------------------------


def test_it_takes_effective_dates_through_the_api(world, past_draft, api_for):
    api = api_for(world.org_admin)
    assert api.post(f"{BASE}{past_draft.uuid}/sign/", {"effective_on": "2023-03-15"}, format="json").status_code == 200
    response = api.post(f"{BASE}{past_draft.uuid}/publish/", {"effective_at": "2023-03-20T10:00:00+08:00"}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["signed_on"], response.data["drafted_on"]) == ("2023-03-15", "2023-01-10")
    assert response.data["published_at"] == "2023-03-20T10:00:00+08:00"
    api.post(f"{BASE}{past_draft.uuid}/start_performing/", {"effective_at": "2023-04-01"}, format="json")
    api.post(f"{BASE}{past_draft.uuid}/evaluate/", {}, format="json")
    events = api.get(f"{BASE}{past_draft.uuid}/events/").data
    assert [e["created_at"][:10] for e in events] == ["2023-03-15", "2023-03-20", "2023-04-01", timezone.localdate().isoformat()]
    assert {e["recorded_at"][:10] for e in events} == {timezone.localdate().isoformat()}


@pytest.mark.parametrize(
    ("verb", "body", "field", "message"),
    [
        ("sign", {"effective_on": "tomorrow"}, "effective_on", "生效日期不能晚于现在。"),
        ("sign", {"effective_on": "2022-12-31"}, "effective_on", "签约日期不能早于开始谈约的日期（2023-01-10）。"),
        ("publish", {"effective_at": "2023-03-14"}, "effective_at", "亮约日期不能早于签约日期（2023-03-15）。"),
        ("publish", {"effective_at": "tomorrow"}, "effective_at", "生效日期不能晚于现在。"),
    ],
)
def test_it_refuses_bad_dates_through_the_api_with_the_message(world, past_draft, api_for, verb, body, field, message):
    if verb == "publish":
        past_draft.sign(world.org_admin, signed_on=D(2023, 3, 15))
    body = {key: tomorrow().isoformat() if value == "tomorrow" else value for key, value in body.items()}
    response = api_for(world.org_admin).post(f"{BASE}{past_draft.uuid}/{verb}/", body, format="json")
    assert response.status_code == 400 and response.data == {field: [message]}


def test_it_documents_the_effective_date_in_the_schema(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    publish = schema["paths"][BASE + "{uuid}/publish/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    sign = schema["paths"][BASE + "{uuid}/sign/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    assert "effective_at" in components[publish.rsplit("/", 1)[-1]]["properties"]
    assert "effective_on" in components[sign.rsplit("/", 1)[-1]]["properties"]
