"""The monthly summary: the same figures as counting live, for every scope and whole-month period."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.insights.figures import Figures
from gongjian.insights.models import FigureSummary, MonthlyFigure
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope
from gongjian.insights.summary import build, current_summary

from .conftest import H1

pytestmark = pytest.mark.django_db

PERIODS = [H1, Period.year(2023), Period.quarter(2023, 2), Period.month(2023, 3), Period.half(2023, 2), Period.half(2022, 2)]


def scopes(h1):
    return [InsightScope(None), *(InsightScope(org) for org in (h1.A1, h1.A2, h1.A3, h1.A4, h1.B1, h1.B2, h1.B3))]


def test_it_gives_every_scope_and_period_the_figures_counted_live(h1):
    summary = build()
    for scope in scopes(h1):
        for period in PERIODS:
            live, summed = Figures(scope, period), Figures(scope, period, summary)
            assert summed.summarised
            where = f"{scope.label} {period.key}"
            assert summed.totals() == live.totals(), where
            assert summed.activity_figures() == live.activity_figures(), where
            assert summed.agreements_by_track() == live.agreements_by_track(), where
            assert summed.trends() == live.trends(), where
            assert summed.values(["activities", "claims_accepted", "projects_active"]) == live.values(["activities", "claims_accepted", "projects_active"])


def test_it_counts_a_record_once_in_a_subtree_that_holds_two_of_its_organizations(h1):
    # The study lecture is hosted by A1 and co-hosted by its own branch A2: one activity of A1's tree.
    summary = build()
    march = Figures(InsightScope(h1.A1), Period.month(2023, 3), summary)
    assert march.activity_figures()["study"]["activities"] == 1
    assert march.activity_figures()["study"]["registrations"] == 4  # registered, two attended, no-show


def test_it_gives_the_hand_counted_figures_of_the_first_half(h1):
    # The same numbers test_figures counts by hand for the whole alliance, read from the summary.
    totals = Figures(InsightScope(None), H1, build()).totals()
    assert totals["activities"] == 4
    assert totals["agreements_signed"] == 3
    assert totals["claims_accepted"] == 5
    assert totals["tasks_accepted"] == 3
    assert totals["rating_avg"] == 4.0


def test_it_leaves_a_period_of_part_months_to_live_counting(h1):
    summary = build()
    custom = Period.custom(datetime.date(2023, 3, 2), datetime.date(2023, 6, 30))
    figures = Figures(InsightScope(h1.A1), custom, summary)
    assert not figures.summarised
    assert figures.totals() == Figures(InsightScope(h1.A1), custom).totals()


def test_it_replaces_the_rows_on_a_rebuild(h1):
    first = build()
    rows = MonthlyFigure.objects.count()
    assert first.rows == rows > 0
    h1.act_study.delete()
    second = build()
    assert MonthlyFigure.objects.count() == second.rows < rows
    assert FigureSummary.objects.count() == 1
    assert Figures(InsightScope(None), H1, second).totals()["activities"] == 3


def test_it_asks_for_one_rebuild_after_a_write(h1, django_capture_on_commit_callbacks):
    build()
    FigureSummary.objects.filter(pk=1).update(built_at=timezone.now() - datetime.timedelta(minutes=10))
    with django_capture_on_commit_callbacks() as callbacks:
        assert current_summary() is not None
    assert callbacks == []  # nothing written since the build
    record(Action.UPDATE, object_repr="a 补录 of last year")
    with django_capture_on_commit_callbacks() as callbacks:
        current_summary()
        current_summary()
    assert len(callbacks) == 1  # two pages at once queue one rebuild
    assert FigureSummary.objects.get().requested_at is not None


def test_it_does_not_ask_again_right_after_a_build(h1, django_capture_on_commit_callbacks):
    build()
    record(Action.UPDATE, object_repr="written a second after the build")
    with django_capture_on_commit_callbacks() as callbacks:
        current_summary()
    assert callbacks == []


def test_it_serves_the_dashboard_from_the_summary_in_fewer_queries(h1, client_for, django_assert_max_num_queries):
    client = client_for(h1.world.alliance_admin)
    url = reverse("insights:dashboard") + "?period=2023-H1"
    live = client.get(url)
    assert "以上数据刚从记录中统计得出" in live.content.decode()
    build()
    with django_assert_max_num_queries(20):
        summed = client.get(url)
    assert summed.status_code == 200
    page = summed.content.decode()
    assert live.context["key_cards"] == summed.context["key_cards"]
    assert summed.context["summarised_at"] is not None
    assert "统计数据截至 " + timezone.localtime(summed.context["summarised_at"]).strftime("%Y-%m-%d %H:%M") in page


def test_it_rebuilds_from_the_command(h1):
    from django.core.management import call_command

    call_command("refresh_insights", stdout=io.StringIO())
    assert FigureSummary.current().rows == MonthlyFigure.objects.count()


def test_it_keeps_a_newer_build_that_finished_first(h1, monkeypatch):
    newer = build()
    rows = MonthlyFigure.objects.count()
    # A build that started a minute before the one that landed, and finishes after it.
    started = newer.built_at - datetime.timedelta(minutes=1)
    monkeypatch.setattr("gongjian.insights.summary.timezone.now", lambda: started)
    h1.act_study.delete()
    kept = build()
    assert kept.built_at == newer.built_at
    assert MonthlyFigure.objects.count() == rows
