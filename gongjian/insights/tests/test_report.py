"""The work report (工作总结): drafted from the records, edited by a person, rendered to Word and PDF by a job.

The demo's first half of 2023 is the story the report must tell, with the dashboard's own numbers,
in the Word file and in the PDF LibreOffice makes of it. The shared test world checks the rest:
scope, the burden measure, the job's states and who may ask for and download a report.

Assertions read names and numbers from the records, never the catalogue's sentences, so they
hold whether or not the report's templates are translated yet.
"""

import datetime
import io
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from docx import Document

from gongjian.activities.choices import ActivityKind, Track
from gongjian.activities.models import Activity
from gongjian.agreements.models import Alliance, Pairing
from gongjian.audit.models import Action, Record
from gongjian.insights import rendering
from gongjian.insights.figures import TRACKS, Figures
from gongjian.insights.models import GeneratedDocument
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope
from gongjian.orgs.choices import Sector
from gongjian.orgs.models import Organization
from gongjian.projects.choices import TaskStatus
from gongjian.projects.models import Task

from .conftest import activity, at, honour, project, task

H1 = "2023-H1"
COLLEGE = "示例学院党委"
LECTURE_SERIES = "“熔·融”系列理论宣讲"
SPEAKERS = ("顾劳模", "沈教授", "黄老师", "吴讲师")
PAIRED = (("示例学院党委理论学习中心组", "某大学国际合作处党支部"), ("学院办公室党支部", "某大学管理学院办公室党支部"))
RESEARCH_VISIT = "走访松江经济技术开发区：产业集群与人才需求调研"
GROUP_SERVICE = "就业创业组团服务专场"
MICRO_ALLIANCE = "党建微联盟（示例学院·盐津县·石湖荡镇·渔墩村）"
BOOTHS = "采样亭改造"
HONOUR = "松江区区域化党建优秀共建党组织"
APPOINTMENT = "泗美锋尚推介官"
# The overview's figures (report._overview), in the order the dashboard defines them.
OVERVIEW = (
    "activities", "participants", "agreements_signed", "pairings", "alliances", "bases",
    "needs_published", "resources_published", "claims_accepted", "projects_active", "tasks_accepted", "honours",
)  # fmt: skip
# Everything the story names, in the order the report tells it.
STORY = (
    LECTURE_SERIES, *SPEAKERS, *(name for pair in PAIRED for name in pair), RESEARCH_VISIT, GROUP_SERVICE,
    MICRO_ALLIANCE, BOOTHS, HONOUR, APPOINTMENT,
)  # fmt: skip
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Reading the files back -----------------------------------------------------------------
def numbers(text) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def squeeze(text) -> str:
    """Text without any whitespace: LibreOffice breaks lines anywhere and spaces digits from Chinese."""
    return re.sub(r"\s+", "", text)


def word(path):
    """(paragraphs, tables) of a Word file: every paragraph's text, and each table as rows of cell texts."""
    doc = Document(path)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return [p.text for p in doc.paragraphs], tables


def word_text(path) -> str:
    """All the text of a Word file: its paragraphs, then its table cells."""
    paragraphs, tables = word(path)
    return "\n".join(paragraphs + [cell for table in tables for row in table for cell in row])


def pdf_text(path, *, layout=False) -> str:
    argv = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=60).stdout


def generate(organization, period_key=H1) -> GeneratedDocument:
    """A report rendered synchronously, as the worker would."""
    document = GeneratedDocument.objects.create(
        kind="report", title=f"工作总结 {period_key}", period_key=period_key, organization=organization
    )
    document.run()
    document.refresh_from_db()
    return document


def read(document) -> SimpleNamespace:
    paragraphs, tables = word(document.docx.path)
    return SimpleNamespace(
        document=document,
        figures=Figures(InsightScope(document.organization), Period.parse(document.period_key)),
        paragraphs=paragraphs,
        tables=tables,
        text=word_text(document.docx.path),
        pdf=pdf_text(document.pdf.path) if document.pdf else "",
        pdf_layout=pdf_text(document.pdf.path, layout=True) if document.pdf else "",
    )


def paragraph_with(report, *needles) -> str:
    found = [p for p in report.paragraphs if all(n in p for n in needles)]
    assert found, f"no paragraph names {needles}"
    return found[0]


def overview(report) -> str:
    """The overview paragraph: the one under the first section's heading."""
    heading = report.paragraphs.index(report.document.content["sections"][0]["heading"])
    return report.paragraphs[heading + 1]


# --- The demo's first half of 2023 ----------------------------------------------------------
@pytest.fixture(scope="class")
def demo_reports(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once, and its 2023-H1 report rendered for the whole alliance and for the college.

    Loading the demo and converting two reports with LibreOffice take seconds, so it is done once
    for the class inside one transaction rolled back afterwards (what setUpTestData does): each
    test runs in a savepoint inside it, and no test outside the class ever sees the demo.
    """
    private = tmp_path_factory.mktemp("private")
    with django_db_blocker.unblock(), override_settings(PRIVATE_MEDIA_ROOT=private, PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            college = Organization.objects.get(name=COLLEGE)
            yield {"alliance": read(generate(None)), "college": read(generate(college))}
            transaction.set_rollback(True)


@pytest.mark.django_db
class TestTheDemoHalfYear:
    @pytest.fixture(params=["alliance", "college"])
    def report(self, request, demo_reports):
        return demo_reports[request.param]

    def test_it_finishes_with_both_files(self, report):
        document = report.document
        assert (document.status, document.error, document.progress) == ("done", "", 100)
        assert document.docx.name.endswith(".docx") and document.pdf.name.endswith(".pdf")
        assert document.started_at <= document.finished_at

    def test_it_names_every_part_of_the_story(self, report):
        assert [name for name in STORY if name not in report.text] == []

    def test_it_names_the_lecture_series_and_its_four_speakers(self, report):
        head = paragraph_with(report, LECTURE_SERIES)
        assert all(name in head for name in SPEAKERS)
        lectures = report.figures.activities().filter(kind=ActivityKind.LECTURE, series__name=LECTURE_SERIES)
        assert lectures.count() == 4 and 4 in numbers(head)
        for lecture in lectures:
            paragraph_with(report, lecture.title)

    def test_it_names_both_paired_study_exchanges(self, report):
        for own, partner in PAIRED:
            assert Pairing.objects.filter(org_a__name=own, org_b__name=partner, start_date__year=2023).exists()
            # 学院办公室党支部 is inside 某大学管理学院办公室党支部: the partner's name is taken out before looking for it.
            assert any(own in p.replace(partner, "") for p in report.paragraphs if partner in p), (own, partner)
        exchanges = report.figures.activities().filter(kind=ActivityKind.PAIRED_STUDY).order_by("starts_at")
        for exchange in exchanges:
            line = paragraph_with(report, exchange.title)
            assert all(org.name in line for org in exchange.co_hosts.all())

    def test_it_counts_the_enterprises_of_the_research_visit_and_the_group_service(self, report):
        for title, kind, expected in ((RESEARCH_VISIT, ActivityKind.RESEARCH_VISIT, 4), (GROUP_SERVICE, ActivityKind.GROUP_SERVICE, 8)):
            visit = Activity.objects.get(title=title, kind=kind)
            organizations = {*visit.co_hosts.all(), *visit.invited_orgs.all()}
            assert sum(org.sector == Sector.ENTERPRISE for org in organizations) == expected
            line = paragraph_with(report, title)
            # The count follows the activity and its partners, after the last "；".
            assert numbers(line.rsplit("；", 1)[-1]) == [expected], line

    def test_it_names_the_micro_alliance_and_its_members(self, report):
        micro = Alliance.objects.get(name=MICRO_ALLIANCE)
        line = paragraph_with(report, MICRO_ALLIANCE)
        assert "党建微联盟" in line and micro.members.count() in numbers(line.replace(MICRO_ALLIANCE, ""))

    def test_it_reports_the_twenty_five_sampling_booths(self, report):
        assert Task.objects.filter(project__title=BOOTHS).count() == 25
        accepted = Task.objects.filter(project__title=BOOTHS, status=TaskStatus.ACCEPTED).count()
        line = paragraph_with(report, f"“{BOOTHS}”")
        assert 25 in numbers(line) and accepted in numbers(line)

    def test_it_names_the_honour_and_the_appointment(self, report):
        assert COLLEGE in paragraph_with(report, HONOUR)
        assert "学院智库团" in paragraph_with(report, APPOINTMENT) and "泗泾镇党委" in paragraph_with(report, APPOINTMENT)

    def test_it_states_the_key_numbers_the_dashboard_counts(self, report):
        totals, period = report.figures.totals(), report.figures.period
        expected = [totals[key] for key in OVERVIEW] + numbers(period.label) + numbers(report.figures.scope.label)
        # Every number of the overview and no other: the order depends on the language of the sentence.
        assert Counter(numbers(overview(report))) == Counter(expected)
        assert report.figures.scope.label in overview(report)

    def test_it_tabulates_the_tracks_as_the_dashboard_does(self, report):
        figures = report.figures
        per_track, agreements, projects = figures.activity_figures(), figures.agreements_by_track(), figures.projects_by_track()
        with translation.override("zh-hans"):
            labels = {t: str(label) for t, label in Track.choices}
        rows = report.tables[0][1:]
        assert [row[0] for row in rows] == [labels[t] for t in TRACKS]
        assert [[int(cell) for cell in row[1:]] for row in rows] == [
            [per_track[t]["activities"], per_track[t]["participants"], agreements[t], projects[t]] for t in TRACKS
        ]
        totals = figures.totals()
        columns = list(zip(*[[int(cell) for cell in row[1:]] for row in rows], strict=True))
        assert [sum(column) for column in columns] == [
            totals[k] for k in ("activities", "participants", "agreements_signed", "projects_active")
        ]

    def test_it_counts_every_fact_of_a_fresh_draft_as_from_the_records(self, report):
        document = report.document
        blocks = [b for s in document.content["sections"] for b in s["blocks"]]
        assert document.facts_typed == 0 and document.share_from_records == 100.0
        assert document.facts_from_records == sum(b["facts"] for b in blocks if b["source"] == "records") > 0
        assert {b["source"] for b in blocks} == {"records", "placeholder"}
        footer = report.paragraphs[-1]
        assert numbers(footer) == [document.facts_from_records, 0]

    def test_it_tells_the_same_story_in_the_pdf(self, report):
        pdf = squeeze(report.pdf)
        assert [name for name in STORY if squeeze(name) not in pdf] == []
        # The paragraphs that carry the numbers read the same, digit for digit.
        for paragraph in (overview(report), paragraph_with(report, LECTURE_SERIES), paragraph_with(report, f"“{BOOTHS}”")):
            assert squeeze(paragraph) in pdf, paragraph
        for title in (RESEARCH_VISIT, GROUP_SERVICE):
            assert squeeze(paragraph_with(report, title)) in pdf
        # The by-track table keeps its rows on the page: each line holds the label and its four numbers.
        lines = report.pdf_layout.splitlines()
        for row in report.tables[0][1:]:
            line = next(line for line in lines if line.strip().startswith(row[0]))
            assert numbers(line) == [int(cell) for cell in row[1:]], line

    def test_it_reports_each_scope_with_its_own_figures(self, demo_reports):
        alliance, college = demo_reports["alliance"], demo_reports["college"]
        # The demo tells them apart: the college published none of the needs the alliance counts.
        assert alliance.figures.totals()["needs_published"] > college.figures.totals()["needs_published"]
        assert overview(alliance) != overview(college)
        assert COLLEGE in college.paragraphs[0] and COLLEGE not in alliance.paragraphs[0]


# --- The shared test world: scope, burden, the job, permissions -----------------------------
@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def two_trees(world):
    """One record of each kind the report names in each tree, and none shared between them."""
    own, foreign = world.own_org, world.foreign_org
    activity(own, "study", at(2023, 3, 1, 9), co_hosts=[world.own_branch], title="学院教工理论联学会")
    honour(datetime.date(2023, 5, 4), issuer=own, organizations=[world.own_branch], title="学院优秀党支部")
    lab = project(own, start=datetime.date(2023, 3, 1), title="学院实验室共建项目")
    task(lab, status=TaskStatus.ACCEPTED, reviewed_at=at(2023, 4, 10, 9))
    activity(foreign, "build", at(2023, 4, 1, 9), title="街道社区共建议事会")
    honour(datetime.date(2023, 6, 1), issuer=foreign, organizations=[foreign], title="街道先进基层党组织")
    project(foreign, start=datetime.date(2023, 2, 1), title="街道睦邻点改造")
    own_names = ["学院教工理论联学会", "学院优秀党支部", "学院实验室共建项目", own.name, world.own_branch.name]
    foreign_names = ["街道社区共建议事会", "街道先进基层党组织", "街道睦邻点改造", foreign.name]
    return SimpleNamespace(own=own_names, foreign=foreign_names)


@pytest.fixture
def report(world, two_trees, word_only):
    """The college's report of 2023-H1, rendered to Word."""
    return generate(world.own_org)


class Textareas(HTMLParser):
    """The edit form's fields as a browser sends them: each textarea's text, entities decoded."""

    def __init__(self):
        super().__init__()
        self.fields, self.name = {}, None

    def handle_starttag(self, tag, attrs):
        if tag == "textarea":
            self.name = dict(attrs)["name"]
            self.fields[self.name] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.name = None

    def handle_data(self, data):
        if self.name:
            self.fields[self.name] += data


def textareas(html) -> dict:
    parser = Textareas()
    parser.feed(html)
    return parser.fields


def block_key(document, source):
    for si, section in enumerate(document.content["sections"]):
        for bi, block in enumerate(section["blocks"]):
            if block["source"] == source and block["type"] == "p":
                return f"b-{si}-{bi}", block
    raise AssertionError(f"no {source} paragraph")


class TestScope:
    def test_it_keeps_an_org_admins_report_to_their_own_tree(self, world, two_trees, word_only, client_for):
        # The street's admin asks from the dashboard, which names no organization: their own tree.
        response = client_for(world.outsider).post("/insights/documents/new/", {"kind": "report", "period": H1})
        document = GeneratedDocument.objects.get()
        assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
        assert (document.organization, document.period_key, document.created_by) == (world.foreign_org, H1, world.outsider)
        document.run()
        document.refresh_from_db()
        text = word_text(document.docx.path)
        assert all(name in text for name in two_trees.foreign)
        assert [name for name in two_trees.own if name in text] == []

    def test_it_keeps_the_colleges_report_out_of_the_street(self, world, two_trees, report):
        text = word_text(report.docx.path)
        assert all(name in text for name in two_trees.own)
        assert [name for name in two_trees.foreign if name in text] == []


class TestBurden:
    def test_it_counts_a_fresh_draft_as_all_from_the_records(self, report):
        assert report.facts_typed == 0 and report.facts_from_records > 0
        assert report.share_from_records == 100.0

    def test_it_marks_an_edited_paragraph_typed_and_keeps_it_in_the_word_file(self, world, report, client_for):
        client = client_for(world.org_admin)
        fields = textareas(client.get(report.get_absolute_url()).content.decode())
        key, block = block_key(report, "records")
        assert fields[key] == block["text"]
        before = report.facts_from_records
        fields[key] = "上半年，学院党委与共建单位开展联学共建，师生参与面持续扩大。"
        response = client.post(report.get_absolute_url(), fields)
        assert response.status_code == 302
        report.refresh_from_db()
        section, index = (int(n) for n in key.split("-")[1:])
        edited = report.content["sections"][section]["blocks"][index]
        assert (edited["source"], edited["text"]) == ("typed", fields[key])
        assert report.facts_typed == block["facts"] > 0 and report.facts_from_records == before - block["facts"]
        assert report.share_from_records == round(100 * report.facts_from_records / (report.facts_from_records + report.facts_typed), 1)
        assert report.status == "pending"  # generated again with the edit
        report.run()
        report.refresh_from_db()
        paragraphs, _tables = word(report.docx.path)
        assert report.status == "done" and fields[key] in paragraphs
        assert numbers(paragraphs[-1]) == [report.facts_from_records, report.facts_typed]

    def test_it_counts_a_placeholder_as_neither(self, world, report, client_for):
        key, placeholder = block_key(report, "placeholder")
        blocks = [b for s in report.content["sections"] for b in s["blocks"]]
        assert placeholder["facts"] == 0
        assert report.facts_from_records == sum(b["facts"] for b in blocks if b["source"] == "records")
        # The whole form sent back unchanged, placeholder text included, changes nothing.
        client = client_for(world.org_admin)
        fields = textareas(client.get(report.get_absolute_url()).content.decode())
        assert key in fields and fields[key] == placeholder["text"]
        before = report.facts_from_records
        client.post(report.get_absolute_url(), fields)
        report.refresh_from_db()
        assert (report.facts_from_records, report.facts_typed) == (before, 0)
        assert block_key(report, "placeholder") == (key, placeholder)
        # Once a person writes the plans, they are a typed fact of their own.
        report.run()
        fields[key] = "下半年将围绕采样亭改造成果开展展示交流。"
        client.post(report.get_absolute_url(), fields)
        report.refresh_from_db()
        assert (report.facts_from_records, report.facts_typed) == (before, 1)

    def test_it_counts_a_cleared_paragraph_as_neither(self, world, report, client_for):
        # Deleting what the records said states no fact: like a list emptied by the editor, it counts 0.
        client = client_for(world.org_admin)
        fields = textareas(client.get(report.get_absolute_url()).content.decode())
        key, block = block_key(report, "records")
        before = report.facts_from_records
        fields[key] = ""
        client.post(report.get_absolute_url(), fields)
        report.refresh_from_db()
        assert report.facts_from_records == before - block["facts"]
        assert report.facts_typed == 0

    def test_it_refuses_edits_while_the_document_is_generated(self, world, report, client_for):
        client = client_for(world.org_admin)
        fields = textareas(client.get(report.get_absolute_url()).content.decode())
        key, block = block_key(report, "records")
        GeneratedDocument.objects.filter(pk=report.pk).update(status="running")
        response = client.post(report.get_absolute_url(), {**fields, key: "生成中途改写的段落。"})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.status == "running" and block_key(report, "records") == (key, block) and report.facts_typed == 0


class TestJob:
    @pytest.fixture
    def renders(self, monkeypatch):
        """Count the renders while still rendering."""
        calls = []
        real = rendering.render

        def counted(document, progress=lambda percent: None):
            calls.append(document.pk)
            return real(document, progress)

        monkeypatch.setattr(rendering, "render", counted)
        return calls

    @pytest.fixture
    def pending(self, world, two_trees, word_only):
        return GeneratedDocument.objects.create(kind="report", title="示例学院党委工作总结", period_key=H1, organization=world.own_org)

    def test_it_runs_once_when_two_workers_get_the_same_job(self, pending, renders):
        second_worker = GeneratedDocument.objects.get(pk=pending.pk)  # loaded while still pending
        pending.run()
        second_worker.run()
        assert renders == [pending.pk]
        pending.refresh_from_db()
        assert pending.status == "done" and pending.docx

    def test_it_leaves_a_job_another_worker_is_running(self, pending, renders):
        GeneratedDocument.objects.filter(pk=pending.pk).update(status="running")
        pending.run()  # this instance still believes it is pending
        assert renders == []
        pending.refresh_from_db()
        assert (pending.status, pending.docx.name) == ("running", "")

    def test_it_ends_failed_with_the_message_when_rendering_breaks(self, world, pending, monkeypatch, client_for):
        def broken(document, progress=lambda percent: None):
            raise RuntimeError("字体文件缺失：NotoSansCJK")

        monkeypatch.setattr(rendering, "render", broken)
        pending.run()
        pending.refresh_from_db()
        assert pending.status == "failed" and "字体文件缺失：NotoSansCJK" in pending.error
        assert pending.finished_at is not None and not pending.docx
        html = client_for(world.org_admin).get(pending.get_absolute_url()).content.decode()
        assert "字体文件缺失：NotoSansCJK" in html and "every 2s" not in html

    def test_it_refuses_redo_while_busy(self, pending, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            assert pending.redo() is False
            GeneratedDocument.objects.filter(pk=pending.pk).update(status="running")
            assert GeneratedDocument.objects.get(pk=pending.pk).redo() is False
        assert callbacks == []
        GeneratedDocument.objects.filter(pk=pending.pk).update(status="done", progress=100)
        with django_capture_on_commit_callbacks() as callbacks:
            assert GeneratedDocument.objects.get(pk=pending.pk).redo() is True
        assert len(callbacks) == 1  # enqueued once committed
        pending.refresh_from_db()
        assert (pending.status, pending.progress) == ("pending", 0)

    def test_it_polls_while_busy_and_offers_downloads_when_done(self, world, pending, client_for):
        client = client_for(world.org_admin)
        url = pending.get_absolute_url()
        html = client.get(url).content.decode()
        assert 'hx-trigger="every 2s"' in html and f'hx-get="{url}"' in html
        assert "download.docx" not in html and "<textarea" not in html
        partial = client.get(url, HTTP_HX_REQUEST="true")
        assert 'hx-trigger="every 2s"' in partial.content.decode() and "HX-Refresh" not in partial
        pending.run()
        # The poll that finds it finished reloads the page, which now offers the Word file.
        assert client.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
        html = client.get(url).content.decode()
        assert "every 2s" not in html
        assert f"/insights/documents/{pending.uuid}/download.docx" in html and "download.pdf" not in html


class TestPermissions:
    def create(self, client, **data):
        return client.post("/insights/documents/new/", {"kind": "report", "period": H1, **data})

    def test_it_lets_only_dashboard_users_ask_for_a_report(self, world, client_for):
        assert self.create(client_for(world.member)).status_code == 403
        assert self.create(client_for(world.org_admin), org=str(world.foreign_org.uuid)).status_code == 404
        assert self.create(client_for(world.org_admin), kind="invoice").status_code == 404
        assert not GeneratedDocument.objects.exists()

    def test_it_creates_the_report_of_the_scope_asked_for(self, world, client_for, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            response = self.create(client_for(world.org_admin), org=str(world.own_branch.uuid))
        document = GeneratedDocument.objects.get()
        assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
        assert (document.kind, document.status, document.organization, document.period_key) == ("report", "pending", world.own_branch, H1)
        # One job is queued (the audit records' commit hooks stamp the chain's head beside it).
        assert world.own_branch.name in document.title and sum("enqueue" in c.__qualname__ for c in callbacks) == 1
        self.create(client_for(world.alliance_admin))
        assert GeneratedDocument.objects.filter(organization=None, created_by=world.alliance_admin).count() == 1

    def test_it_hides_another_trees_document(self, world, report, client_for):
        for user in (world.outsider, world.member):
            client = client_for(user)
            assert client.get(report.get_absolute_url()).status_code == 404
            assert client.get(f"/insights/documents/{report.uuid}/download.docx").status_code == 404
            assert client.post(report.get_absolute_url(), {"b-0-0": "改写"}).status_code == 404
        assert world.outsider.username not in set(Record.objects.filter(action=Action.EXPORT).values_list("actor_name", flat=True))

    def test_it_audits_the_download_under_a_chinese_safe_filename(self, world, report, client_for):
        response = client_for(world.org_admin).get(f"/insights/documents/{report.uuid}/download.docx")
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and f"filename*=utf-8''{quote(report.title + '.docx')}" in disposition
        data = b"".join(response.streaming_content)
        assert "学院实验室共建项目" in word_text(io.BytesIO(data))
        entry = Record.objects.get(action=Action.EXPORT)
        assert (entry.actor, entry.object_type, entry.object_id) == (world.org_admin, "insights.generateddocument", str(report.pk))
        assert entry.object_repr == f"{report.title}.docx"

    def test_it_answers_404_for_a_file_not_made(self, world, report, client_for):
        client = client_for(world.org_admin)
        assert client.get(f"/insights/documents/{report.uuid}/download.pdf").status_code == 404  # no LibreOffice here
        assert client.get(f"/insights/documents/{report.uuid}/download.exe").status_code == 404
        assert not Record.objects.filter(action=Action.EXPORT).exists()

    def test_it_sends_an_unknown_period_back_with_a_message(self, world, client_for):
        response = self.create(client_for(world.org_admin), period="2023-H3")
        assert response.status_code == 302 and response["Location"] == "/insights/"
        assert not GeneratedDocument.objects.exists()

    def test_it_lists_only_the_documents_in_reach(self, world, report, client_for):
        link = f'href="{report.get_absolute_url()}"'
        assert link in client_for(world.org_admin).get("/insights/documents/").content.decode()
        assert link in client_for(world.alliance_admin).get("/insights/documents/").content.decode()
        for user in (world.outsider, world.member):
            assert link not in client_for(user).get("/insights/documents/").content.decode()

    def test_it_keeps_the_list_query_count_flat(self, world, client_for, django_assert_num_queries):
        client = client_for(world.org_admin)

        def add(count):
            for n in range(count):
                GeneratedDocument.objects.create(
                    kind="report", title=f"工作总结{n}", period_key=H1, organization=world.own_org, created_by=world.org_admin
                )

        add(2)
        client.get("/insights/documents/")  # session and scope warm-up
        with CaptureQueriesContext(connection) as small:
            client.get("/insights/documents/")
        add(10)
        with django_assert_num_queries(len(small.captured_queries)):
            body = client.get("/insights/documents/").content.decode()
        assert body.count("工作总结") >= 12 and world.org_admin.person.name in body
