"""The publicity draft (宣传稿): a lead of headline figures, then the period's featured work.

Each test builds its own small tree so the scope holds only the records the test reasons about.
Assertions read names and numbers from the records, never the catalogue's sentences.
"""

import datetime
import re

import pytest

from gongjian.activities.choices import ActivityKind
from gongjian.activities.choices import RegistrationStatus as R
from gongjian.activities.models import Series
from gongjian.insights.figures import Figures
from gongjian.insights.publicity import draft_publicity
from gongjian.insights.scope import InsightScope
from gongjian.projects.choices import TaskStatus

from .conftest import H1, activity, agreement, at, honour, organization, project, registrations, task

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(world):
    return organization("宣传测试党委", "school")


def blocks(draft):
    [section] = draft["sections"]
    return section["blocks"]


def texts(draft):
    return [block["text"] for block in blocks(draft)]


def lectures(series, n, when):
    for day in range(n):
        activity(series.organization, "study", when + datetime.timedelta(days=day), kind=ActivityKind.LECTURE, series=series)


def test_it_drafts_only_the_lead_for_a_scope_without_featured_work(root):
    progress = []
    draft = draft_publicity(Figures(InsightScope(root), H1), progress.append)

    assert draft["subtitle"] == f"{root.name} · {H1.label}"
    assert root.name in draft["title"] and H1.label in draft["title"]
    [lead] = blocks(draft)
    assert lead == {"type": "p", "text": lead["text"], "source": "records", "facts": 4}
    assert progress == [30, 60]


def test_it_leads_with_the_dashboards_totals(root):
    partner = organization("宣传测试伙伴", "enterprise")
    for day in (1, 2, 3):
        registrations(activity(root, "study", at(2023, 3, day, 10)), R.ATTENDED, R.ATTENDED)
    for month in (2, 3, 4, 5):
        agreement([root, partner], signed_on=datetime.date(2023, month, 1))
    busy = project(root, start=datetime.date(2023, 1, 1))
    for _ in range(5):
        task(busy, status=TaskStatus.ACCEPTED, reviewed_at=at(2023, 4, 1, 9))
    figures = Figures(InsightScope(root), H1)
    t = figures.totals()

    lead = blocks(draft_publicity(figures))[0]["text"]

    expected = [t["activities"], t["participants"], t["agreements_signed"], t["tasks_accepted"]]
    assert expected == [3, 6, 4, 5]
    assert sorted(int(n) for n in re.findall(r"\d+", lead) if n != "2023") == sorted(expected)


def test_it_names_the_two_series_with_most_lectures_in_the_period(root):
    big, middle, small = (Series.objects.create(name=name, organization=root) for name in ("大系列宣讲", "中系列宣讲", "小系列宣讲"))
    lectures(big, 3, at(2023, 2, 1, 10))
    lectures(middle, 2, at(2023, 3, 1, 10))
    lectures(small, 1, at(2023, 4, 1, 10))
    # Neither a non-lecture in a series nor a lecture after the period counts.
    for _ in range(3):
        activity(root, "study", at(2023, 5, 1, 10), kind=ActivityKind.TOPICAL_STUDY, series=small)
        activity(root, "study", at(2023, 8, 1, 10), kind=ActivityKind.LECTURE, series=small)

    paragraphs = texts(draft_publicity(Figures(InsightScope(root), H1)))

    named = [p for p in paragraphs if "系列宣讲" in p]
    assert len(named) == 2
    assert "大系列宣讲" in named[0] and "3" in named[0]
    assert "中系列宣讲" in named[1] and "2" in named[1]
    assert not any("小系列宣讲" in p for p in paragraphs)


def test_it_tells_the_featured_project_first_then_those_with_most_accepted_tasks(root):
    def with_tasks(title, accepted, **fields):
        obj = project(root, title=title, start=datetime.date(2023, 1, 1), **fields)
        for _ in range(accepted):
            task(obj, status=TaskStatus.ACCEPTED, reviewed_at=at(2023, 3, 1, 9))
        task(obj, status=TaskStatus.SUBMITTED)
        return obj

    with_tasks("重点项目", 0, is_featured=True)
    with_tasks("三项任务项目", 3)
    with_tasks("两项任务项目", 2)
    with_tasks("一项任务项目", 1)

    paragraphs = texts(draft_publicity(Figures(InsightScope(root), H1)))

    told = [p for p in paragraphs if "项目" in p and root.name in p and H1.label not in p]
    assert [next(t for t in ("重点项目", "三项任务项目", "两项任务项目") if t in p) for p in told] == [
        "重点项目",
        "三项任务项目",
        "两项任务项目",
    ]
    assert not any("一项任务项目" in p for p in paragraphs)


def test_it_lists_the_first_three_honours_of_the_period_by_date(root):
    honour(datetime.date(2023, 6, 1), issuer=root, title="六月荣誉")
    honour(datetime.date(2023, 2, 1), issuer=root, title="二月荣誉")
    honour(datetime.date(2023, 4, 1), issuer=root, title="四月荣誉")
    honour(datetime.date(2023, 5, 1), issuer=root, title="五月荣誉")
    honour(datetime.date(2023, 7, 1), issuer=root, title="七月荣誉")

    draft = draft_publicity(Figures(InsightScope(root), H1))

    [block] = [b for b in blocks(draft) if "荣誉" in b["text"]]
    assert block["facts"] == 3
    text = block["text"]
    assert text.index("“二月荣誉”") < text.index("“四月荣誉”") < text.index("“五月荣誉”")
    assert "六月荣誉" not in text and "七月荣誉" not in text


def test_it_keeps_another_trees_work_out_of_the_draft(root):
    other = organization("另一棵树党委", "government")
    series = Series.objects.create(name="别处系列宣讲", organization=other)
    lectures(series, 2, at(2023, 2, 1, 10))
    honour(datetime.date(2023, 3, 1), issuer=other, title="别处荣誉")
    project(other, title="别处项目", start=datetime.date(2023, 1, 1))

    draft = draft_publicity(Figures(InsightScope(root), H1))

    assert len(blocks(draft)) == 1
    whole = draft_publicity(Figures(InsightScope(None), H1))
    assert any("别处系列宣讲" in p for p in texts(whole))
    assert any("别处荣誉" in p for p in texts(whole))
    assert any("别处项目" in p for p in texts(whole))
