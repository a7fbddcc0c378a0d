"""Periods: how they are written, what they cover in Shanghai time, and the period before."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjian.activities.choices import RegistrationStatus as R
from gongjian.insights.figures import Figures
from gongjian.insights.periods import Period, period_choices
from gongjian.insights.scope import InsightScope

from .conftest import SHANGHAI, activity, at, registrations

D = datetime.date
UTC = datetime.UTC

NOT_A_PERIOD = "“%(text)s” is not a period. Write 2023, 2023-H1, 2023-Q2, 2023-05 or 2023-01-01..2023-03-31."


def refusal(text):
    with pytest.raises(ValidationError) as info:
        Period.parse(text)
    assert info.value.code == "invalid_period"
    return info.value.messages


@pytest.mark.parametrize(
    "text, kind, first, last",
    [
        ("2023", "year", D(2023, 1, 1), D(2023, 12, 31)),
        ("2023-H1", "half", D(2023, 1, 1), D(2023, 6, 30)),
        ("2023-h2", "half", D(2023, 7, 1), D(2023, 12, 31)),
        ("2023-Q1", "quarter", D(2023, 1, 1), D(2023, 3, 31)),
        ("2023-Q2", "quarter", D(2023, 4, 1), D(2023, 6, 30)),
        ("2023-q4", "quarter", D(2023, 10, 1), D(2023, 12, 31)),
        ("2023-05", "month", D(2023, 5, 1), D(2023, 5, 31)),
        ("2023-5", "month", D(2023, 5, 1), D(2023, 5, 31)),
        ("2023-02", "month", D(2023, 2, 1), D(2023, 2, 28)),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-12", "month", D(2023, 12, 1), D(2023, 12, 31)),
        ("2023-01-01..2023-03-31", "custom", D(2023, 1, 1), D(2023, 3, 31)),
        ("2023-06-30..2023-06-30", "custom", D(2023, 6, 30), D(2023, 6, 30)),
        ("  2023-H1 ", "half", D(2023, 1, 1), D(2023, 6, 30)),
    ],
)
def test_it_parses_every_form(text, kind, first, last):
    assert Period.parse(text) == Period(kind, first, last)


@pytest.mark.parametrize("text", [None, "", "   "])
def test_it_takes_the_current_half_year_when_none_is_named(text):
    assert Period.parse(text, today=D(2023, 6, 30)) == Period.half(2023, 1)
    assert Period.parse(text, today=D(2023, 7, 1)) == Period.half(2023, 2)
    assert Period.parse(text) == Period.current_half(timezone.localdate())


@pytest.mark.parametrize(
    "text",
    [
        "2023-13",
        "2023-00",
        "2023-02-30",
        "2023-02-30..2023-03-31",
        "2023-01-01..2023-13-01",
        "garbage",
        "2023-H3",
        "2023-Q5",
        "23-H1",
        "2023/05",
    ],
)
def test_it_refuses_what_is_not_a_period_with_the_message(text):
    with translation.override("zh-hans"):
        messages = refusal(text)
        assert messages == [_(NOT_A_PERIOD) % {"text": text}]


def test_it_refuses_in_chinese():
    with translation.override("zh-hans"):
        assert refusal("2023-13") == ["“2023-13”不是有效的期间。请写作 2023、2023-H1、2023-Q2、2023-05 或 2023-01-01..2023-03-31。"]
        assert refusal("2023-03-31..2023-01-01") == ["期间的结束日期不能早于开始日期。"]
        assert refusal("2020-01-01..2023-12-31") == ["自定义期间最长三年。"]
        assert [Period.parse(k).label for k in ("2023", "2023-H1", "2023-Q2", "2023-05")] == [
            "2023年度",
            "2023年上半年",
            "2023年第2季度",
            "2023年5月",
        ]


def test_it_quotes_at_most_forty_characters_of_what_it_refuses():
    text = "x" * 500
    with translation.override("zh-hans"):
        assert refusal(text) == [_(NOT_A_PERIOD) % {"text": "x" * 40}]


def test_it_refuses_a_period_that_ends_before_it_starts():
    with translation.override("zh-hans"):
        assert refusal("2023-03-31..2023-01-01") == [_("The period must end on or after the day it starts.")]


def test_it_refuses_a_custom_period_of_more_than_three_years():
    with translation.override("zh-hans"):
        assert refusal("2020-01-01..2023-12-31") == [_("A custom period may cover at most three years.")]
    assert Period.parse("2021-01-01..2023-12-31").days == 365 * 3


@pytest.mark.parametrize("text", ["0001", "0001-01-01..0001-01-31", "9999", "9999-H2", "9999-Q4", "9999-12"])
def test_it_refuses_a_period_at_the_ends_of_the_calendar_it_cannot_compute(text):
    # Refused, or usable: the dashboard reads bounds() of the period and of the one before.
    try:
        period = Period.parse(text)
    except ValidationError as e:
        assert e.code == "invalid_period"
        return
    assert period.bounds()[0] < period.bounds()[1]
    assert period.previous().bounds()[1] == period.bounds()[0]


@pytest.mark.parametrize(
    "period, previous",
    [
        (Period.year(2023), Period.year(2022)),
        (Period.half(2023, 1), Period.half(2022, 2)),
        (Period.half(2023, 2), Period.half(2023, 1)),
        (Period.quarter(2023, 1), Period.quarter(2022, 4)),
        (Period.quarter(2023, 3), Period.quarter(2023, 2)),
        (Period.month(2023, 1), Period.month(2022, 12)),
        (Period.month(2023, 3), Period.month(2023, 2)),
        (Period.month(2024, 3), Period("month", D(2024, 2, 1), D(2024, 2, 29))),
    ],
)
def test_it_names_the_period_before(period, previous):
    assert period.previous() == previous
    assert period.previous().kind == period.kind


def test_it_takes_the_same_number_of_days_before_a_custom_period():
    period = Period.parse("2023-03-10..2023-03-19")
    assert period.days == 10
    assert period.previous() == Period("custom", D(2023, 2, 28), D(2023, 3, 9))
    assert period.previous().days == 10
    # Across a year boundary and a leap day.
    period = Period.parse("2024-01-01..2024-03-31")
    assert period.previous() == Period("custom", D(2023, 10, 2), D(2023, 12, 31))
    assert period.previous().days == period.days == 91


@pytest.mark.parametrize(
    "period, months",
    [
        (Period.half(2023, 1), [D(2023, m, 1) for m in range(1, 7)]),
        (Period.year(2023), [D(2023, m, 1) for m in range(1, 13)]),
        (Period.quarter(2023, 4), [D(2023, 10, 1), D(2023, 11, 1), D(2023, 12, 1)]),
        (Period.month(2023, 2), [D(2023, 2, 1)]),
        (Period.parse("2023-01-15..2023-03-02"), [D(2023, 1, 1), D(2023, 2, 1), D(2023, 3, 1)]),
        (Period.parse("2022-12-20..2023-01-10"), [D(2022, 12, 1), D(2023, 1, 1)]),
        (Period.parse("2023-06-30..2023-06-30"), [D(2023, 6, 1)]),
    ],
)
def test_it_lists_the_months_a_period_touches(period, months):
    assert period.months() == months


def test_it_bounds_a_period_at_local_midnights():
    start, end = Period.half(2023, 1).bounds()
    assert (start, end) == (at(2023, 1, 1), at(2023, 7, 1))
    assert start.utcoffset() == end.utcoffset() == datetime.timedelta(hours=8)
    assert start.astimezone(UTC) == datetime.datetime(2022, 12, 31, 16, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime.datetime(2023, 6, 30, 16, 0, tzinfo=UTC)
    assert Period.month(2023, 2).bounds() == (at(2023, 2, 1), at(2023, 3, 1))
    assert Period.parse("2023-06-30..2023-06-30").bounds() == (at(2023, 6, 30), at(2023, 7, 1))


def test_it_reads_moments_on_the_shanghai_clock():
    h1, h2 = Period.half(2023, 1), Period.half(2023, 2)
    late_on_30_june = datetime.datetime(2023, 6, 30, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    early_on_1_july = datetime.datetime(2023, 6, 30, 16, 10, tzinfo=UTC)  # 00:10 in Shanghai
    assert h1.contains(late_on_30_june) and not h2.contains(late_on_30_june)
    assert h2.contains(early_on_1_july) and not h1.contains(early_on_1_july)
    assert h1.contains(D(2023, 6, 30)) and not h1.contains(D(2023, 7, 1))
    assert h1.contains(at(2023, 1, 1)) and not h1.contains(at(2022, 12, 31, 23, 59))


def test_it_counts_a_check_in_at_half_past_eleven_on_30_june_in_the_first_half(world):
    late = activity(world.own_org, "study", datetime.datetime(2023, 6, 30, 15, 30, tzinfo=UTC), hours=1)
    early = activity(world.own_org, "study", datetime.datetime(2023, 6, 30, 16, 10, tzinfo=UTC), hours=1)
    registrations(late, R.ATTENDED)
    registrations(early, R.ATTENDED, R.ATTENDED)
    assert late.registrations.get().checked_in_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M") == "06-30 23:30"
    first, second = (Figures(InsightScope(), p).activity_figures()["all"] for p in (Period.half(2023, 1), Period.half(2023, 2)))
    assert (first["activities"], first["participants"]) == (1, 1)
    assert (second["activities"], second["participants"]) == (1, 2)
    assert set(Figures(InsightScope(), Period.half(2023, 1)).activities()) == {late}


@pytest.mark.parametrize(
    "period",
    [
        Period.year(2023),
        Period.half(2023, 1),
        Period.half(2023, 2),
        Period.quarter(2023, 2),
        Period.month(2023, 5),
        Period.month(2023, 12),
        Period.parse("2023-01-01..2023-03-31"),
    ],
)
def test_it_round_trips_key_and_label(period):
    assert Period.parse(period.key) == period
    assert Period.parse(period.key).label == period.label
    assert period.label


def test_it_writes_keys_and_labels():
    assert [p.key for p in (Period.year(2023), Period.half(2023, 2), Period.quarter(2023, 2), Period.month(2023, 5))] == [
        "2023",
        "2023-H2",
        "2023-Q2",
        "2023-05",
    ]
    assert Period.parse("2023-01-01..2023-03-31").key == "2023-01-01..2023-03-31"
    with translation.override("zh-hans"):
        assert Period.year(2023).label == _("Year %(year)s") % {"year": 2023}
        assert Period.half(2023, 1).label == _("First half of %(year)s") % {"year": 2023}
        assert Period.half(2023, 2).label == _("Second half of %(year)s") % {"year": 2023}
        assert Period.quarter(2023, 2).label == _("Q%(quarter)s %(year)s") % {"quarter": 2, "year": 2023}
        assert Period.month(2023, 5).label == _("%(month)s/%(year)s") % {"month": 5, "year": 2023}
    assert Period.parse("2023-01-01..2023-03-31").label == "2023-01-01 – 2023-03-31"
    labels = [
        p.label for p in (Period.year(2023), Period.half(2023, 1), Period.half(2023, 2), Period.quarter(2023, 1), Period.month(2023, 1))
    ]
    assert len(set(labels)) == len(labels)


def test_it_offers_no_future_periods():
    today = D(2023, 5, 15)
    keys = [key for key, _label in period_choices(today)]
    assert keys[:4] == ["2023", "2023-H1", "2023-Q2", "2023-Q1"]
    assert not {"2023-H2", "2023-Q3", "2023-Q4", "2024"} & set(keys)
    assert all(not Period.parse(key).is_future(today) for key in keys)
    # This year and the three before it, each with its halves and quarters.
    assert len(keys) == 4 + 3 * 7 and keys[-1] == "2020-Q1" and len(set(keys)) == len(keys)
    assert dict(period_choices(today))["2022-H2"] == Period.half(2022, 2).label


def test_it_offers_the_periods_that_start_today():
    keys = [key for key, _label in period_choices(D(2023, 7, 1))]
    assert {"2023-H2", "2023-Q3"} <= set(keys) and "2023-Q4" not in keys
    assert all(not Period.parse(key).is_future(timezone.localdate()) for key, _label in period_choices())


def test_it_knows_the_current_half_year_and_its_length():
    assert Period.current_half(D(2023, 6, 30)) == Period.half(2023, 1)
    assert Period.current_half(D(2023, 7, 1)) == Period.half(2023, 2)
    assert Period.half(2023, 1).days == 181 and Period.year(2024).days == 366
    assert Period.half(2023, 2).is_future(D(2023, 6, 30)) and not Period.half(2023, 2).is_future(D(2023, 7, 1))
