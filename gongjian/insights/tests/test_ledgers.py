"""Sign-in sheets, attendance certificates and ledgers: what they print, and who may ask for them."""

import io
import shutil
import subprocess
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.shared import Cm
from openpyxl import load_workbook

from gongjian.activities.choices import RegistrationStatus as R
from gongjian.activities.models import Activity, Registration
from gongjian.activities.models.registration import new_code
from gongjian.agreements.models import AgreementAttachment, AgreementEvidence
from gongjian.insights import ledgers, rendering
from gongjian.insights.figures import Figures
from gongjian.insights.models import GeneratedDocument
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Membership, Organization, Person

from .conftest import H1, activity, at, grow

CREATE = "/insights/documents/new/"
PHONES = ("13912345678", "13887654321", "13700001111", "13611112222", "13522223333", "13433334444")
SCAN = b"%PDF-1.4\n% a signed agreement\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HAS_PDF_TOOLS = bool(shutil.which("soffice") and shutil.which("pdftotext"))


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def no_pdf(monkeypatch):
    """Skip the LibreOffice conversion (seconds per document) where the test reads only the Word file."""

    def unavailable(data):
        raise rendering.PdfUnavailable("not in this test")

    monkeypatch.setattr(rendering, "to_pdf", unavailable)


@pytest.fixture
def partner(world):
    """A co-host of the event, administered by its own admin."""
    org = Organization.objects.create(name="松江共建企业党支部", sector="enterprise", kind="branch", region=world.district)
    admin = make_member("cohostadmin", "企业管理员", org, role=Membership.Role.ADMIN)
    return org, admin


@pytest.fixture
def event(world, partner):
    """An activity of the college with every kind of registration; each person has a phone number."""
    act = activity(
        world.own_org,
        "study",
        at(2023, 3, 1, 14),
        co_hosts=[partner[0]],
        title="学习贯彻党的二十大精神专题联学",
        venue="图文信息中心报告厅",
    )
    people = {}
    rows = [
        ("张三", world.own_branch, R.ATTENDED),
        ("李四", world.own_branch, R.REGISTERED),
        ("王五", world.foreign_org, R.NO_SHOW),
        ("赵六", None, R.ATTENDED),
        ("陈七", world.own_branch, R.CANCELLED),
        ("周八", world.foreign_org, R.WAITLISTED),
    ]
    for (name, org, status), phone in zip(rows, PHONES, strict=True):
        person = Person.objects.create(name=name, phone=phone)
        checked_in = at(2023, 3, 1, 13, 52) if status == R.ATTENDED else None
        Registration.objects.create(activity=act, person=person, organization=org, status=status, code=new_code(), checked_in_at=checked_in)
        people[name] = person
    act.people = people
    return act


def generate(kind, **fields):
    document = GeneratedDocument.objects.create(kind=kind, title=fields.pop("title", kind), content={"language": "zh-hans"}, **fields)
    document.run()
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    return document


def word(field) -> Document:
    with field.open("rb") as handle:
        return Document(io.BytesIO(handle.read()))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def document_xml(field) -> str:
    with field.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as package:
        return package.read("word/document.xml").decode("utf-8")


def pdf_text(field) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", field.path, "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())  # LibreOffice may break a long title over two lines


def certificate_sentence(person, org, act):
    who = _("%(name)s (%(organization)s)") % {"name": person, "organization": org} if org else person
    return _("This is to certify that %(person)s took part in “%(title)s”, hosted by %(host)s, on %(date)s.") % {
        "person": who,
        "title": act.title,
        "host": act.host.name,
        "date": "2023年3月1日",
    }


# --- The sign-in sheet -----------------------------------------------------------------------
def test_it_lists_everyone_holding_a_place_by_organization_then_name(world, event, no_pdf):
    document = generate("signin", activity=event, organization=event.host)
    doc = word(document.docx)
    assert not document.pdf
    [table] = doc.tables
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        pgettext("sign-in sheet", "No."),
        pgettext("participant", "Name"),
        pgettext("participant", "Organization"),
        "签到时间",
        pgettext("sign-in sheet", "Signature"),
    ]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    listed = [row for row in rows if row[1]]
    # 工业设计系… before 广富林…, people without an organization last; within one, by pinyin (李 before 张).
    assert [row[:3] for row in listed] == [
        ["1", "李四", "工业设计系教工党支部"],
        ["2", "张三", "工业设计系教工党支部"],
        ["3", "王五", "广富林街道党工委"],
        ["4", "赵六", ""],
    ]
    assert {row[1]: row[3] for row in listed} == {"李四": "", "张三": "13:52", "王五": "", "赵六": "13:52"}
    assert all(row[4] == "" for row in rows), "the signature column is for a pen"


def test_it_leaves_blank_rows_for_walk_ins_and_room_to_sign(event, no_pdf):
    doc = word(generate("signin", activity=event, organization=event.host).docx)
    [table] = doc.tables
    blank = table.rows[-ledgers.WALK_IN_ROWS :]
    assert len(table.rows) == 1 + 4 + ledgers.WALK_IN_ROWS
    assert all(cell.text == "" for row in blank for cell in row.cells)
    widths = [cell.width for cell in table.rows[1].cells]
    assert widths[4] > widths[1] and widths[4] >= Cm(4)
    assert all(row.height >= Cm(1) for row in table.rows[1:])
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader"), "the header repeats on every printed page"


def test_it_heads_the_sheet_with_the_activity(world, event, partner, no_pdf):
    text = all_text(word(generate("signin", activity=event, organization=event.host).docx))
    for expected in (event.title, "2023-03-01 14:00–16:00", "图文信息中心报告厅", world.own_org.name, partner[0].name):
        assert expected in text


def test_it_never_prints_a_phone_number(event, no_pdf):
    for kind in ("signin", "certificates"):
        document = generate(kind, activity=event, organization=event.host)
        xml = document_xml(document.docx)
        assert "张三" in xml
        assert not [phone for phone in PHONES if phone in xml or phone[-4:] in xml]


def test_it_lists_no_one_who_cancelled_or_waits(event, no_pdf):
    text = all_text(word(generate("signin", activity=event, organization=event.host).docx))
    assert "陈七" not in text and "周八" not in text


# --- Certificates ----------------------------------------------------------------------------
def test_it_certifies_each_checked_in_participant_on_a_page_of_their_own(world, event, no_pdf):
    doc = word(generate("certificates", activity=event, organization=event.host).docx)
    texts = [p.text for p in doc.paragraphs]
    expected = [certificate_sentence("张三", "工业设计系教工党支部", event), certificate_sentence("赵六", None, event)]
    assert [t for t in texts if t.startswith(expected[0][:4])] == expected
    titles = [p for p in doc.paragraphs if p.text == _("Certificate of attendance")]
    assert len(titles) == 2
    assert [bool(p.paragraph_format.page_break_before) for p in titles] == [False, True]
    assert texts.count(_("Hereby certified.")) == 2
    # The host signs at the foot of each page, with the day the certificates were issued.
    issued = f"{timezone.localdate().year}年{timezone.localdate().month}月{timezone.localdate().day}日"
    assert texts.count(world.own_org.name) == 2 and texts.count(issued) == 2


def test_it_says_so_when_no_one_is_left_to_certify(world, no_pdf):
    # The button is offered only after a check-in; a check-in undone before the job ran leaves no one.
    act = activity(world.own_org, "study", at(2023, 3, 8, 9), title="签到被撤销")
    text = all_text(word(generate("certificates", activity=act, organization=act.host).docx))
    assert _("No one has checked in to this activity, so there is no one to certify.") in text


def test_it_gives_the_online_link_where_there_is_no_venue(world, no_pdf):
    act = activity(world.own_org, "study", at(2023, 3, 8, 9), title="线上联学", online_url="https://meeting.example.cn/123")
    text = all_text(word(generate("signin", activity=act, organization=act.host).docx))
    assert "https://meeting.example.cn/123" in text


def test_it_writes_the_sheet_in_the_language_it_was_asked_in(event, no_pdf):
    document = GeneratedDocument.objects.create(
        kind="signin", title="sheet", activity=event, organization=event.host, content={"language": "en"}
    )
    document.run()
    document.refresh_from_db()
    doc = word(document.docx)
    assert "Sign-in sheet" in all_text(doc)
    assert [c.text for c in doc.tables[0].rows[0].cells][3] == "Checked in at"


def test_it_gives_no_certificate_to_no_shows_or_the_merely_registered(event, no_pdf):
    text = all_text(word(generate("certificates", activity=event, organization=event.host).docx))
    for name in ("李四", "王五", "陈七", "周八"):
        assert name not in text


def test_it_writes_the_days_of_an_activity_that_runs_over_several(world, no_pdf):
    act = activity(world.own_org, "build", at(2023, 4, 1, 9), hours=30, title="两天的实践研学")
    Registration.objects.create(activity=act, person=Person.objects.create(name="孙九"), status=R.ATTENDED, code=new_code())
    text = all_text(word(generate("certificates", activity=act, organization=act.host).docx))
    assert _("%(first)s to %(last)s") % {"first": "2023年4月1日", "last": "2023年4月2日"} in text


@pytest.mark.skipif(not HAS_PDF_TOOLS, reason="needs LibreOffice and poppler-utils")
def test_it_prints_the_sheet_and_the_certificates_to_pdf(event):
    for kind in ("signin", "certificates"):
        document = generate(kind, activity=event, organization=event.host)
        assert document.pdf.name.endswith(".pdf")
        text = pdf_text(document.pdf)
        assert event.title in text and "张三" in text
        assert not [phone for phone in PHONES if phone in text]


# --- The ledger ------------------------------------------------------------------------------
@pytest.fixture
def ledger_world(h1):
    """The hand-counted alliance, with minutes on one activity and two attachments on one agreement."""
    h1.act_study.minutes = "<p>学习了<strong>党的二十大</strong>精神 &amp; 交流</p><ul><li>支部书记领学</li><li>党员交流发言</li></ul>"
    h1.act_study.save()
    h1.scan = AgreementAttachment(agreement=h1.g_cross, original_name="签约扫描件.pdf", content_type="application/pdf", size=len(SCAN))
    h1.scan.file.save("scan.pdf", ContentFile(SCAN), save=True)
    h1.lost = AgreementAttachment.objects.create(
        agreement=h1.g_cross, file="agreements/2023/02/lost.pdf", original_name="丢失的附件.pdf", size=10
    )
    return h1


def ledger_of(org, period=H1):
    return generate("ledger", organization=org, period_key=period.key, title=f"{org.name} 台账（2023年上半年）")


def open_ledger(document):
    with document.archive.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def ledger_docx(archive) -> Document:
    return Document(io.BytesIO(archive.read(next(n for n in archive.namelist() if n.endswith(".docx")))))


def test_it_packs_the_ledger_word_sheets_attachments_and_readme(ledger_world):
    x = ledger_world
    document = ledger_of(x.A1)
    assert not document.docx and not document.pdf
    archive = open_ledger(document)
    names = archive.namelist()
    title = f"{x.A1.name} 台账（2023年上半年）"
    assert f"{title}.docx" in names and f"{title}.xlsx" in names and "README.txt" in names
    [scan] = [n for n in names if n.endswith("签约扫描件.pdf")]
    assert scan.startswith(_("Attachments") + "/") and x.g_cross.title in scan
    assert archive.read(scan) == SCAN
    assert not [n for n in names if "丢失" in n]
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert "丢失的附件.pdf" in readme and x.g_cross.title in readme


def test_it_describes_the_activities_of_the_subtree_and_what_it_co_hosted(ledger_world):
    x = ledger_world
    archive = open_ledger(ledger_of(x.A1))
    doc = ledger_docx(archive)
    text = all_text(doc)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    # Hosted by A1 (1 Mar), by its branch A2 (20 May), co-hosted by A3 (8 Apr): in time order.
    activities = [h for h in headings if any(h.endswith(a.title) for a in (x.act_study, x.act_build, x.act_cohosted))]
    assert activities == [f"1. {x.act_study.title}", f"2. {x.act_cohosted.title}", f"3. {x.act_build.title}"]
    for left_out in (x.act_foreign, x.act_july, x.act_cancelled, x.act_archived, x.act_2022):
        assert left_out.title not in text
    # Minutes as plain text, one paragraph per paragraph or item, entities decoded.
    assert "学习了党的二十大精神 & 交流" in text and "支部书记领学" in text and "<" not in text
    # Attendance: check-ins where no count was entered, the entered count otherwise.
    assert _("Attendance: %(n)s") % {"n": 2} in text and _("Attendance: %(n)s") % {"n": 30} in text
    # The attendee list names who checked in, and only them.
    attended = [r.person.name for r in x.act_study_regs if r.status == R.ATTENDED]
    others = [r.person.name for r in x.act_study_regs if r.status != R.ATTENDED]
    assert all(name in text for name in attended) and not any(name in text for name in others)
    assert x.A2.name in text  # act_study's co-host


def test_it_describes_the_agreements_signed_or_in_force(ledger_world):
    x = ledger_world
    archive = open_ledger(ledger_of(x.A1))
    doc = ledger_docx(archive)
    text = all_text(doc)
    for included in (x.g_cross, x.g_in_force, x.g_terminated):
        assert included.title in text
    for left_out in (x.g_foreign, x.g_july, x.g_expired, x.g_draft):
        assert left_out.title not in text
    # Parties with their obligations, the term and the attachments, each saying where it is.
    assert f"{x.A1.name}的承诺" in text and f"{x.B1.name}的承诺" in text
    assert "2023-02-15 – 2024-02-14" in text
    assert "签约扫描件.pdf" in text and "丢失的附件.pdf" in text


def test_it_lists_the_records_again_as_spreadsheets(ledger_world):
    x = ledger_world
    archive = open_ledger(ledger_of(x.A1))
    book = load_workbook(io.BytesIO(archive.read(next(n for n in archive.namelist() if n.endswith(".xlsx")))))
    activities, registrations, agreements = book.worksheets
    titles = [row[0] for row in activities.iter_rows(min_row=2, values_only=True) if row[0]]
    assert titles == [x.act_study.title, x.act_cohosted.title, x.act_build.title]
    rows = [row for row in registrations.iter_rows(min_row=2, values_only=True) if row[0]]
    figures = Figures(InsightScope(x.A1), H1)
    assert len(rows) == figures.registrations().count() == 9  # 4 + 3 + 2 places held
    assert {row[2] for row in rows} == set(figures.registrations().values_list("person__name", flat=True))
    agreement_titles = {row[0] for row in agreements.iter_rows(min_row=2, values_only=True) if row[0]}
    assert agreement_titles == {x.g_cross.title, x.g_in_force.title, x.g_terminated.title}


def test_it_says_when_the_ledger_is_cut(ledger_world, monkeypatch):
    x = ledger_world
    monkeypatch.setattr(ledgers, "MAX_ACTIVITIES", 2)
    archive = open_ledger(ledger_of(x.A1))
    doc = ledger_docx(archive)
    text = all_text(doc)
    assert x.act_build.title not in [p.text[3:] for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert (
        _("Only the first %(shown)s of %(n)s activities are described here; the spreadsheet lists them all.") % {"shown": 2, "n": 3} in text
    )
    book = load_workbook(io.BytesIO(archive.read(next(n for n in archive.namelist() if n.endswith(".xlsx")))))
    assert len([r for r in book.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0]]) == 3


def test_it_leaves_attachments_out_past_the_size_limit(ledger_world, monkeypatch):
    monkeypatch.setattr(ledgers, "MAX_ATTACHMENT_BYTES", len(SCAN) - 1)
    archive = open_ledger(ledger_of(ledger_world.A1))
    assert not [n for n in archive.namelist() if n.endswith(".pdf")]
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert "签约扫描件.pdf" in readme and "丢失的附件.pdf" in readme


def test_it_lists_the_evidence_of_performance(ledger_world):
    x = ledger_world
    kind = ContentType.objects.get_for_model(Activity)
    AgreementEvidence.objects.create(agreement=x.g_cross, content_type=kind, object_id=x.act_study.pk, note="联合开展")
    text = all_text(ledger_docx(open_ledger(ledger_of(x.A1))))
    assert _("%(label)s: %(value)s") % {"label": "活动", "value": x.act_study.title} + " — 联合开展" in text


def test_it_keeps_two_attachments_of_the_same_name_apart(ledger_world):
    x = ledger_world
    twin = AgreementAttachment(agreement=x.g_cross, original_name="签约扫描件.pdf", size=4)
    twin.file.save("twin.pdf", ContentFile(b"%PDF-twin"), save=True)
    archive = open_ledger(ledger_of(x.A1))
    scans = sorted(n for n in archive.namelist() if "签约扫描件" in n)
    assert [n.rsplit("/", 1)[-1] for n in scans] == ["签约扫描件 (2).pdf", "签约扫描件.pdf"]
    assert {archive.read(n) for n in scans} == {SCAN, b"%PDF-twin"}


def test_it_names_the_zip_entries_safely_whatever_the_title(ledger_world):
    document = generate("ledger", organization=ledger_world.A1, period_key=H1.key, title="示例学院/党委: 台账?")
    names = open_ledger(document).namelist()
    assert "示例学院_党委_ 台账_.docx" in names and "示例学院_党委_ 台账_.xlsx" in names


def test_it_notes_sheets_and_agreements_that_were_cut(ledger_world, monkeypatch):
    x = ledger_world
    monkeypatch.setattr(ledgers, "MAX_SHEET_ROWS", 2)
    monkeypatch.setattr(ledgers, "MAX_AGREEMENTS", 1)
    archive = open_ledger(ledger_of(x.A1))
    text = all_text(ledger_docx(archive))
    assert _("Only the first %(shown)s of %(n)s agreements are described here.") % {"shown": 1, "n": 3} in text
    assert x.g_in_force.title in text and x.g_cross.title not in text  # the earliest signed comes first
    book = load_workbook(io.BytesIO(archive.read(next(n for n in archive.namelist() if n.endswith(".xlsx")))))
    for sheet, total in zip(book.worksheets, (3, 9, 3), strict=True):
        values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        shown = 1 if sheet is book.worksheets[2] else 2
        assert all(values[:shown]) and values[shown] is None  # the rows, a blank row, the note
        assert _("Only the first %(shown)s of %(n)s rows are listed.") % {"shown": shown, "n": total} in values


def test_it_reports_progress_while_building_the_ledger(ledger_world):
    document = GeneratedDocument.objects.create(kind="ledger", organization=ledger_world.A1, period_key=H1.key, title="台账")
    seen = []
    files = rendering.render(document, progress=seen.append)
    assert set(files) == {"archive"}
    assert seen == sorted(seen) and len(seen) >= 4 and seen[-1] >= 90


def test_it_reads_the_ledger_in_the_same_number_of_queries_however_long(world, design):
    def queries():
        document = GeneratedDocument.objects.create(kind="ledger", organization=world.own_org, period_key=H1.key, title="台账")
        with CaptureQueriesContext(connection) as captured:
            rendering.render(document)
        return len(captured)

    grow(world, design, 0, 2)
    few = queries()
    grow(world, design, 2, 8)
    assert queries() == few


def test_it_makes_an_empty_ledger_for_a_quiet_period(ledger_world):
    document = ledger_of(ledger_world.A4, Period.half(2020, 1))
    archive = open_ledger(document)
    assert "README.txt" in archive.namelist()
    assert not [n for n in archive.namelist() if n.startswith(_("Attachments") + "/")]


def test_it_strips_rich_text_to_lines():
    html = "<h2>议程</h2><p>一、领学<br>二、交流</p><ol><li>A &lt; B</li></ol><p>&nbsp;</p>"
    assert ledgers.plain_text(html) == "议程\n一、领学\n二、交流\nA < B"


def test_it_keeps_attachment_names_safe_in_the_zip():
    assert ledgers._safe_name("../../etc/passwd") == "_.._etc_passwd"  # one harmless name, no folders
    assert ledgers._safe_name('a:b*c?"d"<e>|f') == "a_b_c_d_e_f"
    assert ledgers._safe_name("...") == "file"


# --- Asking for them -------------------------------------------------------------------------
def test_it_lets_the_host_admin_ask_for_a_signin_sheet(client_for, world, event):
    response = client_for(world.org_admin).post(CREATE, {"kind": "signin", "activity": str(event.uuid)})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    assert (document.kind, document.activity, document.organization, document.created_by) == (
        "signin",
        event,
        world.own_org,
        world.org_admin,
    )
    assert event.title in document.title and document.status == GeneratedDocument.Status.PENDING


def test_it_lets_the_host_admin_ask_for_certificates(client_for, world, event):
    response = client_for(world.alliance_admin).post(CREATE, {"kind": "certificates", "activity": str(event.uuid)})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and (document.kind, document.activity, document.organization) == (
        "certificates",
        event,
        world.own_org,
    )


def test_it_refuses_certificates_before_anyone_checked_in(client_for, world):
    act = activity(world.own_org, "study", at(2023, 3, 8, 9), title="无人签到")
    response = client_for(world.org_admin).post(CREATE, {"kind": "certificates", "activity": str(act.uuid)})
    assert response.status_code == 302 and response.url == act.get_absolute_url()
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("kind", ["signin", "certificates"])
def test_it_refuses_others_an_activity_document(client_for, world, event, partner, kind):
    data = {"kind": kind, "activity": str(event.uuid)}
    assert client_for(world.member).post(CREATE, data).status_code == 403  # sees the activity, may not change it
    assert client_for(partner[1]).post(CREATE, data).status_code == 403  # a co-host does not run the registrations
    assert client_for(world.outsider).post(CREATE, data).status_code == 404  # does not see it at all
    assert client_for(world.org_admin).post(CREATE, {"kind": kind, "activity": "not-a-uuid"}).status_code == 404
    assert client_for(world.org_admin).post(CREATE, {"kind": kind}).status_code == 404
    assert not GeneratedDocument.objects.exists()


def test_it_lets_an_org_admin_ask_for_their_organization_ledger(client_for, world):
    response = client_for(world.org_admin).post(CREATE, {"kind": "ledger", "org": str(world.own_org.uuid), "period": "2023-H1"})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert (document.kind, document.organization, document.period_key, document.activity) == ("ledger", world.own_org, "2023-H1", None)
    assert document.title == _("%(organization)s ledger (%(period)s)") % {"organization": world.own_org.name, "period": H1.label}


def test_it_refuses_a_ledger_of_someone_elses_organization(client_for, world):
    data = {"kind": "ledger", "org": str(world.foreign_org.uuid), "period": "2023-H1"}
    assert client_for(world.org_admin).post(CREATE, data).status_code == 404
    assert client_for(world.member).post(CREATE, {**data, "org": str(world.own_branch.uuid)}).status_code == 403
    # A ledger is one organization's: the whole alliance has none.
    assert client_for(world.alliance_admin).post(CREATE, {"kind": "ledger", "period": "2023-H1"}).status_code == 404
    assert not GeneratedDocument.objects.exists()


def test_it_shows_the_buttons_to_editors_only(client_for, world, event):
    page = client_for(world.org_admin).get(event.get_absolute_url()).content.decode()
    assert 'value="signin"' in page and 'value="certificates"' in page
    page = client_for(world.member).get(event.get_absolute_url()).content.decode()
    assert 'value="signin"' not in page and 'value="certificates"' not in page


def test_it_offers_the_ledger_on_an_organization_dashboard_only(client_for, world):
    own = client_for(world.org_admin).get("/insights/", {"org": str(world.own_org.uuid), "period": "2023-H1"}).content.decode()
    assert 'value="ledger"' in own
    alliance = client_for(world.alliance_admin).get("/insights/", {"period": "2023-H1"}).content.decode()
    assert 'value="report"' in alliance and 'value="ledger"' not in alliance


# --- Who sees them ---------------------------------------------------------------------------
def test_it_shows_an_activity_document_to_the_host_side_only(client_for, world, event, partner, no_pdf):
    document = generate("signin", activity=event, organization=event.host)
    download = f"{document.get_absolute_url()}download.docx"
    for user in (world.org_admin, world.alliance_admin):
        assert client_for(user).get(document.get_absolute_url()).status_code == 200
        assert client_for(user).get(download).status_code == 200
    # The co-host's admin may not see the host's registrations, so not the sheet listing them.
    for user in (partner[1], world.outsider, world.member):
        assert client_for(user).get(document.get_absolute_url()).status_code == 404
        assert client_for(user).get(download).status_code == 404
    assert set(GeneratedDocument.objects.visible_to(partner[1])) == set()


def test_it_shows_a_ledger_to_the_admins_of_its_organization(client_for, world, no_pdf):
    document = ledger_of(world.own_org, Period.half(2020, 1))
    assert client_for(world.org_admin).get(f"{document.get_absolute_url()}download.zip").status_code == 200
    assert client_for(world.outsider).get(f"{document.get_absolute_url()}download.zip").status_code == 404


def test_it_regenerates_from_the_current_records(world, event, no_pdf):
    document = generate("signin", activity=event, organization=event.host)
    late = Person.objects.create(name="吴十")
    Registration.objects.create(activity=event, person=late, organization=world.own_branch, status=R.REGISTERED, code=new_code())
    assert document.redo()
    document.run()
    document.refresh_from_db()
    assert "吴十" in all_text(word(document.docx))


def test_it_keeps_the_dates_of_the_period(world, no_pdf):
    # 23:30 on 30 June in Shanghai is in the first half; 00:10 on 1 July is not.
    late = activity(world.own_org, "study", at(2023, 6, 30, 23, 30), title="六月最后一场")
    early = activity(world.own_org, "study", at(2023, 7, 1, 0, 10), title="七月第一场")
    archive = open_ledger(ledger_of(world.own_org))
    text = all_text(ledger_docx(archive))
    assert late.title in text and early.title not in text
