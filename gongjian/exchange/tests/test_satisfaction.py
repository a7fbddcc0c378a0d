"""Need owners rate the result 1–5 when they mark a need fulfilled (满意度); the dashboard averages it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongjian.exchange.models import Need
from gongjian.insights.figures import Figures
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope


@pytest.fixture
def claimed(world, make_need):
    need = make_need(publish=True)
    need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
    need.refresh_from_db()
    return need


def test_it_stores_the_owners_rating_with_the_fulfilment(world, claimed):
    claimed.fulfil(by=world.outsider, note="全部完成", satisfaction=4)
    need = Need.objects.get(pk=claimed.pk)
    assert (need.status, need.satisfaction) == ("fulfilled", 4)


def test_it_leaves_an_unrated_fulfilment_unrated(world, claimed):
    claimed.fulfil(by=world.outsider)
    assert Need.objects.get(pk=claimed.pk).satisfaction is None


@pytest.mark.parametrize("score", [0, 6, -1])
def test_it_refuses_a_rating_outside_one_to_five(world, claimed, score):
    with pytest.raises(ValidationError) as e:
        claimed.fulfil(by=world.outsider, satisfaction=score)
    assert e.value.message_dict["satisfaction"] == ["满意度评分为 1 到 5 分。"]
    assert Need.objects.get(pk=claimed.pk).status == "claimed"


def test_it_is_guarded_by_a_database_constraint(claimed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=claimed.pk).update(satisfaction=9)


def test_it_takes_the_rating_from_the_page(world, claimed, client_for):
    response = client_for(world.outsider).post(reverse("exchange:need_fulfil", args=[claimed.uuid]), {"satisfaction": "5"})
    assert response.status_code == 302
    assert Need.objects.get(pk=claimed.pk).satisfaction == 5
    page = client_for(world.outsider).get(claimed.get_absolute_url()).content.decode()
    assert "满意度 5/5" in page


def test_it_takes_the_rating_from_the_api(world, claimed, api_for):
    client = api_for(world.outsider)
    url = reverse("api:exchange-need-fulfil", args=[claimed.uuid])
    assert client.post(url, {"satisfaction": 7}, format="json").status_code == 400
    response = client.post(url, {"satisfaction": 3, "note": "基本满意"}, format="json")
    assert response.status_code == 200, response.content
    assert Need.objects.get(pk=claimed.pk).satisfaction == 3


def test_it_averages_the_ratings_of_the_needs_fulfilled_in_the_period(world, make_need):
    ratings = []
    for score in (5, 4, None):
        need = make_need(title=f"需求{score}", publish=True)
        need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
        need.refresh_from_db()
        need.fulfil(by=world.outsider, satisfaction=score)
        ratings.append(need)
    totals = Figures(InsightScope(), Period.current_half()).totals()
    assert (totals["satisfaction_avg"], totals["satisfaction_count"]) == (4.5, 2)
    # The scope of the organization whose needs these are counts them; the other tree does not.
    assert Figures(InsightScope(world.foreign_org), Period.current_half()).totals()["satisfaction_count"] == 2
    assert Figures(InsightScope(world.own_org), Period.current_half()).totals()["satisfaction_count"] == 0


@pytest.mark.parametrize("raw", ["abc", "-1", "4.5", "9"])
def test_it_refuses_a_rating_the_page_cannot_read_instead_of_dropping_it(world, claimed, client_for, raw):
    client = client_for(world.outsider)
    response = client.post(reverse("exchange:need_fulfil", args=[claimed.uuid]), {"satisfaction": raw}, follow=True)
    assert "满意度评分为 1 到 5 分。" in response.content.decode()
    assert Need.objects.get(pk=claimed.pk).status == "claimed"


def test_it_takes_a_blank_rating_from_the_page_as_unrated(world, claimed, client_for):
    client_for(world.outsider).post(reverse("exchange:need_fulfil", args=[claimed.uuid]), {"satisfaction": " "})
    need = Need.objects.get(pk=claimed.pk)
    assert (need.status, need.satisfaction) == ("fulfilled", None)
