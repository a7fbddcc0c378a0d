"""What the work report's Word file holds in cases the demo does not reach: long lists cut with the rest counted,
a quiet period, photos (one lost on disk), and a report asked for in English."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from gongjian.activities.models import ActivityPhoto
from gongjian.insights import report as report_module
from gongjian.insights.models import GeneratedDocument

from .conftest import activity, at, honour, organization, project
from .test_report import generate, word


def blocks(document):
    content = document if isinstance(document, dict) else document.content
    return [block for section in content["sections"] for block in section["blocks"]]


def list_naming(document, title):
    found = [b for b in blocks(document) if b["type"] == "list" and any(title in item for item in b["items"])]
    assert len(found) == 1, title
    return found[0]


def png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="PNG")
    return out.getvalue()


# --- Long lists -------------------------------------------------------------------------------------------------------


def test_it_names_the_first_twelve_activities_by_date_and_counts_the_rest(world, word_only):
    partner = organization("松江经开区企业党支部", "enterprise")
    titles = [f"专题联学第{n:02d}期" for n in range(1, 15)]
    # Made out of order: the report lists them by their start.
    for n in reversed(range(14)):
        activity(world.own_org, "study", at(2023, 1 + n // 3, 1 + n, 9), title=titles[n], co_hosts=[partner] if n == 0 else [])
    document = generate(world.own_org)
    assert document.status == "done"
    listed = list_naming(document, titles[0])
    assert len(listed["items"]) == report_module.LISTED == 12
    assert [item.split("　", 1)[1][: len(titles[0])] for item in listed["items"]] == titles[:12]
    assert listed["items"][0].startswith("2023年1月1日　专题联学第01期") and partner.name in listed["items"][0]
    assert listed["more"] == "……另有 2 项。" and listed["facts"] == 13
    paragraphs, _tables = word(document.docx.path)
    assert all(any(title in p for p in paragraphs) for title in titles[:12])
    assert not any(titles[12] in p or titles[13] in p for p in paragraphs)
    assert "……另有 2 项。" in paragraphs


def test_it_names_six_partners_and_counts_the_others():
    names = [f"单位{n}" for n in range(1, 10)]
    assert report_module._names(names) == "单位1、单位2、单位3、单位4、单位5、单位6等 3 家"
    assert report_module._names(names, limit=8) == "单位1、单位2、单位3、单位4、单位5、单位6、单位7、单位8等 1 家"
    assert report_module._names(["", "单位1", None, "单位2"]) == "单位1、单位2"
    assert report_module._names(names[:6]) == "、".join(names[:6])


# --- A quiet period -----------------------------------------------------------------------------------------------------


def test_it_reports_a_quiet_period_with_zeros_and_no_invented_work(world, word_only):
    activity(world.own_org, "study", at(2023, 3, 1, 9), title="上半年的联学")  # outside the period asked for
    document = generate(world.own_org, "2020-H1")
    assert document.status == "done"
    headings = [section["heading"] for section in document.content["sections"]]
    assert len(headings) == 6  # no photos section
    building = document.content["sections"][2]["blocks"]
    assert [(b["text"], b["facts"]) for b in building] == [("本期暂无组织联建记录。", 0)]
    paragraphs, tables = word(document.docx.path)
    assert "上半年的联学" not in "\n".join(paragraphs)
    by_track, sectors = tables
    assert [row[1:] for row in by_track[1:]] == [["0", "0", "0", "0"]] * 3
    assert {cell for row in sectors[1:] for cell in row[1:]} == {"0"}
    # Every fact the draft states came from the records, however few.
    assert document.facts_typed == 0 and document.facts_from_records == sum(b["facts"] for b in blocks(document))


# --- Photos ----------------------------------------------------------------------------------------------------------------


def test_it_puts_one_photo_per_activity_in_and_skips_one_lost_on_disk(world, word_only):
    first = activity(world.own_org, "study", at(2023, 3, 1, 9), title="联学现场")
    second = activity(world.own_org, "build", at(2023, 4, 1, 9), title="共建议事会")
    ActivityPhoto.objects.create(activity=first, image=ContentFile(png("red"), name="a.png"), caption="联学合影", content_type="image/png")
    ActivityPhoto.objects.create(
        activity=first, image=ContentFile(png("blue"), name="b.png"), caption="同一活动的第二张", content_type="image/png"
    )
    lost = ActivityPhoto.objects.create(activity=second, image=ContentFile(png("green"), name="c.png"), content_type="image/png")
    lost.image.storage.delete(lost.image.name)
    document = generate(world.own_org)
    assert document.status == "done" and document.error == ""
    photos = document.content["sections"][5]["blocks"][0]
    assert [(p["caption"]) for p in photos["photos"]] == ["联学合影", "共建议事会"]  # an uncaptioned photo takes its activity's title
    assert photos["facts"] == 2
    paragraphs, _tables = word(document.docx.path)
    assert "联学合影" in paragraphs and "同一活动的第二张" not in paragraphs and "共建议事会" not in paragraphs
    # The trend chart and the one photo still on disk.
    from docx import Document

    assert len(Document(document.docx.path).inline_shapes) == 2


# --- The language it was asked in ------------------------------------------------------------------------------------------


def test_it_writes_the_report_in_the_language_it_was_asked_in(world, word_only):
    activity(world.own_org, "study", at(2023, 3, 1, 9), title="学院联学")
    english = GeneratedDocument.objects.create(
        kind="report", title="Report", period_key="2023-H1", organization=world.own_org, content={"language": "en"}
    )
    english.run()
    english.refresh_from_db()
    chinese = generate(world.own_org)
    assert english.content["title"] == f"{world.own_org.name} regional party-building work report, First half of 2023"
    assert chinese.content["title"] == f"{world.own_org.name}2023年上半年区域化党建工作总结"
    english_text, chinese_text = word(english.docx.path)[0], word(chinese.docx.path)[0]
    assert english_text[0] == english.content["title"] and chinese_text[0] == chinese.content["title"]
    # The language is kept with the draft, and the records' own names are not translated.
    assert english.content["language"] == "en" and any("学院联学" in p for p in english_text)
    assert english_text[-1].startswith("Generated by Gongjian") and not chinese_text[-1].startswith("Generated")


# --- A lecture series longer than the report reads ------------------------------------------------------------------------


def test_it_counts_every_lecture_of_a_long_series(world):
    from gongjian.activities.models import Activity, Series
    from gongjian.insights.figures import Figures
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope

    series = Series.objects.create(name="“熔·融”系列理论宣讲", organization=world.own_org)
    start = at(2023, 1, 2, 9)
    Activity.objects.bulk_create(
        Activity(
            host=world.own_org, track="study", kind=Activity.Kind.LECTURE, series=series, title=f"宣讲第{n:03d}讲",
            starts_at=start + datetime.timedelta(hours=n), ends_at=start + datetime.timedelta(hours=n, minutes=90),
        )
        for n in range(205)
    )  # fmt: skip
    content = report_module.draft(Figures(InsightScope(world.own_org), Period.parse("2023-H1")))
    study = content["sections"][1]["blocks"]
    head = next(b for b in study if b["type"] == "p" and series.name in b["text"])
    assert 205 in [int(n) for n in re.findall(r"\d+", head["text"])], head["text"]
    listed = list_naming(content, "宣讲第000讲")
    assert len(listed["items"]) == 12 and listed["more"] == "……另有 193 项。"


def test_it_names_a_series_that_begins_after_two_hundred_lectures_of_another(world):
    from gongjian.activities.models import Activity, Series
    from gongjian.insights.figures import Figures
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope

    busy = Series.objects.create(name="百场宣讲", organization=world.own_org)
    late = Series.objects.create(name="六月微党课", organization=world.own_org)
    start = at(2023, 1, 2, 9)
    Activity.objects.bulk_create(
        Activity(
            host=world.own_org, track="study", kind=Activity.Kind.LECTURE, series=busy if n < 201 else late, title=f"讲座{n:03d}",
            starts_at=start + datetime.timedelta(hours=n), ends_at=start + datetime.timedelta(hours=n, minutes=90),
        )
        for n in range(204)
    )  # fmt: skip
    content = report_module.draft(Figures(InsightScope(world.own_org), Period.parse("2023-H1")))
    heads = [b["text"] for b in blocks(content) if b["type"] == "p" and b["text"].startswith("举办")]
    assert heads == ["举办百场宣讲 201 讲。", "举办六月微党课 3 讲。"]
    assert list_naming(content, "讲座201")["items"][0].endswith("讲座201")


def test_it_counts_the_speakers_left_unnamed_as_people(world):
    from gongjian.activities.models import Series
    from gongjian.insights.figures import Figures
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope
    from gongjian.orgs.models import Person

    series = Series.objects.create(name="青年理论宣讲", organization=world.own_org)
    speakers = [Person.objects.create(name=f"讲师{n:02d}") for n in range(10)]
    for n, speaker in enumerate(speakers):
        lecture = activity(world.own_org, "study", at(2023, 3, 1 + n, 9), kind="lecture", series=series, title=f"青年宣讲{n}")
        lecture.speakers.set([speaker])
    content = report_module.draft(Figures(InsightScope(world.own_org), Period.parse("2023-H1")))
    head = next(b for b in blocks(content) if b["type"] == "p" and series.name in b["text"])
    # Eight speakers named, two counted: people (人), not organizations (家).
    assert "、".join(f"讲师{n:02d}" for n in range(8)) + "等 2 人" in head["text"]
    assert head["facts"] == 1 + 10


def test_it_counts_the_outcomes_left_unnamed_as_things(world):
    from gongjian.insights.figures import Figures
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope
    from gongjian.projects.models import Outcome

    lab = project(world.own_org, start=datetime.date(2023, 3, 1), title="学院实验室共建项目")
    for n in range(5):
        Outcome.objects.create(project=lab, title=f"成果{n}")
    content = report_module.draft(Figures(InsightScope(world.own_org), Period.parse("2023-H1")))
    line = list_naming(content, "学院实验室共建项目")["items"][0]
    assert line.endswith("成果0、成果1、成果2等 2 项")


def test_it_shows_photos_of_six_activities_however_many_the_first_one_has(world):
    from gongjian.insights.figures import Figures
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope

    crowded = activity(world.own_org, "study", at(2023, 3, 1, 9), title="百人联学")
    later = [activity(world.own_org, "build", at(2023, 4, 1 + n, 9), title=f"共建活动{n}") for n in range(6)]
    # Rows only: drafting reads which photos to show, rendering reads their files.
    ActivityPhoto.objects.bulk_create(
        ActivityPhoto(activity=crowded, image=f"activities/photos/{n}.png", caption=f"联学现场{n}", content_type="image/png")
        for n in range(80)
    )
    ActivityPhoto.objects.bulk_create(
        ActivityPhoto(activity=a, image=f"activities/photos/{a.pk}.png", content_type="image/png") for a in later
    )
    content = report_module.draft(Figures(InsightScope(world.own_org), Period.parse("2023-H1")))
    photos = next(b for b in blocks(content) if b["type"] == "photos")
    assert [p["caption"] for p in photos["photos"]] == ["联学现场0", "共建活动0", "共建活动1", "共建活动2", "共建活动3", "共建活动4"]
    assert photos["facts"] == report_module.PHOTOS == 6


@pytest.mark.parametrize(
    "people, organizations, more",
    [(8, 0, "等 2 人"), (0, 8, "等 2 家"), (4, 4, "等 2 项")],
)
def test_it_counts_unnamed_honour_recipients_by_what_they_are(world, people, organizations, more):
    from gongjian.insights.figures import Figures
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope
    from gongjian.orgs.models import Organization, Person

    persons = [Person.objects.create(name=f"先进个人{n}") for n in range(people)]
    units = [Organization.objects.create(name=f"先进支部{n}", sector="school", kind="branch", parent=world.own_org) for n in range(organizations)]
    honour(datetime.date(2023, 5, 4), issuer=world.own_org, organizations=units, people=persons, title="五四红旗")
    content = report_module.draft(Figures(InsightScope(world.own_org), Period.parse("2023-H1")))
    line = next(item for b in blocks(content) if b["type"] == "list" for item in b["items"] if "五四红旗" in item)
    assert more in line, line
