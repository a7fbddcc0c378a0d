"""The effective-date rule every dated lifecycle step shares (补录); the apps test it through their verbs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongjian.lib.effective import EffectiveSerializer, Floor, audit_changes, effective_moment, posted

NOW = timezone.make_aware(datetime.datetime(2024, 5, 10, 15, 30))
D = datetime.date


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def moment(value, *floors):
    return effective_moment(value, *floors, future="future", now=NOW)


def test_it_defaults_to_now_and_reads_today_as_now():
    assert moment(None) == NOW and moment(D(2024, 5, 10)) == NOW


def test_it_reads_an_earlier_day_as_its_first_moment_unless_the_previous_step_came_later_that_day():
    assert moment(D(2023, 3, 15)) == at(2023, 3, 15)
    assert moment(D(2023, 3, 15), Floor(at(2023, 3, 15, 9), "%(date)s")) == at(2023, 3, 15, 9)
    assert moment(D(2023, 3, 16), Floor(at(2023, 3, 15, 9), "%(date)s")) == at(2023, 3, 16)


def test_it_takes_a_naive_time_as_local():
    assert moment(datetime.datetime(2023, 3, 15, 10)) == at(2023, 3, 15, 10)


@pytest.mark.parametrize("value", [D(2024, 5, 11), at(2024, 5, 10, 15, 31)])
def test_it_refuses_the_future(value):
    with pytest.raises(ValidationError) as error:
        moment(value)
    assert error.value.message_dict == {"effective_at": ["future"]} and error.value.error_dict["effective_at"][0].code == "future"


@pytest.mark.parametrize(
    ("value", "floor", "shown"),
    [
        (D(2023, 3, 14), D(2023, 3, 15), "2023-03-15"),
        (at(2023, 3, 15, 8), at(2023, 3, 15, 9), "2023-03-15 09:00"),
        (at(2023, 3, 14, 23), D(2023, 3, 15), "2023-03-15"),
    ],
)
def test_it_refuses_a_step_before_the_one_it_follows(value, floor, shown):
    with pytest.raises(ValidationError) as error:
        effective_moment(value, Floor(None, "never"), Floor(floor, "before %(date)s"), future="future", field="signed_on", now=NOW)
    assert error.value.message_dict == {"signed_on": [f"before {shown}"]}


def test_it_allows_a_step_on_the_day_it_follows():
    assert moment(at(2023, 3, 15, 0), Floor(D(2023, 3, 15), "%(date)s")) == at(2023, 3, 15)


def test_it_puts_the_effective_moment_in_the_audit_diff():
    assert audit_changes(at(2023, 3, 15)) == {"effective_at": [None, "2023-03-15T00:00:00+08:00"]}


def test_it_reads_what_a_page_posted():
    assert posted({}) is None and posted({"effective_at": ""}) is None
    assert posted({"effective_at": "2023-03-15"}) == D(2023, 3, 15)
    assert posted({"effective_at": "2023-03-15T09:30"}, with_time=True) == at(2023, 3, 15, 9, 30)
    with pytest.raises(ValidationError) as error:
        posted({"effective_at": "2023-02-30"})
    assert list(error.value.message_dict) == ["effective_at"]


def test_it_reads_a_day_or_a_moment_from_the_api():
    body = EffectiveSerializer(data={"effective_at": "2023-03-15"})
    assert body.is_valid() and body.validated_data["effective_at"] == D(2023, 3, 15)
    body = EffectiveSerializer(data={"effective_at": "2023-03-15T09:30:00+08:00"})
    assert body.is_valid() and body.validated_data["effective_at"] == at(2023, 3, 15, 9, 30)
    assert EffectiveSerializer(data={}).is_valid() and not EffectiveSerializer(data={"effective_at": "soon"}).is_valid()
