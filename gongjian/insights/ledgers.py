"""Paperwork drawn straight from the records: an activity's sign-in sheet (签到表) and attendance
certificates (参加证明), and an organization's ledger (台账) of a period.

Unlike the work report these keep no draft: every run reads the records as they are, so a
sheet printed after late registrations or certificates made after a late check-in are current.
Phone numbers and ID numbers are never read, so they cannot end up on paper.

The ledger is a zip: the Word ledger, the same records as xlsx, the agreements' attachment
files and a README. It is built in a temporary file, so attachments never sit in memory
together, and it is bounded: activities and agreements described in detail, rows per sheet,
names per attendee list and the attachments' total size all have a ceiling, and the files say
when one was reached.
"""

import contextlib
import html
import re
import shutil
import tempfile
import zipfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import Count, F, Prefetch, Q
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from gongjian.activities.choices import ActivityKind, RegistrationStatus, Track
from gongjian.activities.models import Activity, Registration
from gongjian.agreements.choices import AgreementStatus
from gongjian.agreements.models import Agreement, AgreementParty, Obligation
from gongjian.lib.excel import sheets_bytes

from .figures import HELD_PLACE, Figures
from .periods import Period
from .scope import InsightScope

WALK_IN_ROWS = 10  # blank rows at the foot of a sign-in sheet
MAX_ACTIVITIES = 500  # activities the ledger describes in detail (the xlsx lists more)
MAX_AGREEMENTS = 500
MAX_ATTENDEES = 500  # names per activity in the ledger's attendee list
MAX_SHEET_ROWS = 100_000  # rows per xlsx sheet
MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024  # attachment files copied into one ledger zip

# Printable width of new_document()'s A4 page (21 cm less two 2.6 cm margins), shared out:
# No., name, organization, check-in time and a wide signature column.
SIGNIN_WIDTHS = (Cm(1.2), Cm(2.6), Cm(5.0), Cm(2.4), Cm(4.6))
SIGNATURE_ROW_HEIGHT = Cm(1.2)
PERSON_PRIVATE = ("phone", "phone_hash", "id_number", "id_number_hash")  # never loaded, so never printed
ATTENDEE_WIDTHS = (Cm(1.2), Cm(4.6), Cm(10.0))
PARTY_WIDTHS = (Cm(2.0), Cm(5.0), Cm(8.8))

# Characters Windows or a zip tool refuse in a file name, plus control characters.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\\/:*?"<>|]+')
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|tr|blockquote|pre)>", re.IGNORECASE)


# --- Small pieces shared by the three documents ------------------------------------------
def _label(model, field) -> str:
    """A column or line label: the field's own verbose name, so it reads as in the rest of the site."""
    return str(capfirst(model._meta.get_field(field).verbose_name))


def _line(doc, label, value):
    paragraph = doc.add_paragraph(_("%(label)s: %(value)s") % {"label": label, "value": value})
    paragraph.paragraph_format.space_after = Pt(2)
    return paragraph


def _names(orgs) -> str:
    return "、".join(org.name for org in orgs)


def _local(value):
    return timezone.localtime(value) if value else None


def _day(value) -> str:
    """A date the way the document's language writes it: 2023年3月1日 in Chinese."""
    return formats.date_format(value, "DATE_FORMAT")


def _when(activity) -> str:
    starts, ends = _local(activity.starts_at), _local(activity.ends_at)
    end = f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%Y-%m-%d %H:%M}"
    return f"{starts:%Y-%m-%d %H:%M}–{end}"


def _held_on(activity) -> str:
    first, last = _local(activity.starts_at).date(), _local(activity.ends_at).date()
    if first == last:
        return _day(first)
    return _("%(first)s to %(last)s") % {"first": _day(first), "last": _day(last)}


def _checked_in(registration, activity) -> str:
    at = _local(registration.checked_in_at)
    if at is None:
        return ""
    return f"{at:%H:%M}" if at.date() == _local(activity.starts_at).date() else f"{at:%m-%d %H:%M}"


def plain_text(rich) -> str:
    """Sanitised rich text (minutes) as plain text, one line per paragraph or list item."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", rich or "")))
    lines = (line.strip() for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line)


def _people(queryset):
    """Registrations with their person's name and organization; contact details stay encrypted and unread."""
    queryset = queryset.select_related("person", "organization").defer(*(f"person__{name}" for name in PERSON_PRIVATE))
    return queryset.order_by(F("organization__name").asc(nulls_last=True), "person__pinyin_initials", "person__name", "pk")


def _registrations(activity, statuses):
    return list(_people(Registration.objects.filter(activity=activity, status__in=statuses)))


def _repeat_as_header(row):
    """Print the row again at the top of every page the table runs onto (python-docx has no API for it)."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _grid(doc, headers, rows, widths=None, height=None):
    """A table: add_table() makes and styles the header row, the rows are appended after it.

    add_table() fills every cell through table.cell(i, j), which walks the whole table on each
    call: a 200-person sheet took half a minute. Appending row by row keeps it linear.
    """
    from .rendering import add_table  # rendering imports this module for RENDERERS

    table = add_table(doc, [headers])
    _repeat_as_header(table.rows[0])
    if widths:
        table.autofit = False
        for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
            column.width = cell.width = width  # appended rows take their widths from the columns
    for values in rows:
        row = table.add_row()
        if height is not None:
            row.height, row.height_rule = height, WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = "" if value is None else str(value)
    return table


def _only_changes(progress):
    """progress() that writes only when the percentage moves (it is an UPDATE each time)."""
    last = [None]

    def report(percent):
        if percent != last[0]:
            last[0] = percent
            progress(percent)

    return report


def _word_and_pdf(document, doc, progress) -> dict:
    from .rendering import PdfUnavailable, docx_bytes, to_pdf

    data = docx_bytes(doc)
    files = {"docx": (f"{document.title}.docx", ContentFile(data))}
    progress(80)
    try:
        files["pdf"] = (f"{document.title}.pdf", ContentFile(to_pdf(data)))
    except PdfUnavailable:
        pass  # the document page says PDF needs LibreOffice; the Word file prints as well
    return files


def _activity_facts(doc, activity, co_hosts):
    _line(doc, _("Time"), _when(activity))
    _line(doc, _label(Activity, "venue"), activity.venue or activity.online_url or "—")
    _line(doc, _label(Activity, "host"), activity.host.name)
    if co_hosts:
        _line(doc, _label(Activity, "co_hosts"), _names(co_hosts))


# --- 签到表 ----------------------------------------------------------------------------
def render_signin(document, progress) -> dict:
    """The activity's sign-in sheet: everyone holding a place, then blank rows for walk-ins."""
    from .rendering import new_document

    progress = _only_changes(progress)
    activity = Activity.objects.select_related("host").get(pk=document.activity_id)
    registrations = _registrations(activity, HELD_PLACE)
    progress(20)
    doc = new_document()
    doc.add_paragraph(activity.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = doc.add_paragraph(_("Sign-in sheet"), style="Heading 2")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _activity_facts(doc, activity, list(activity.co_hosts.order_by("name")))
    headers = [
        pgettext("sign-in sheet", "No."),
        pgettext("participant", "Name"),
        pgettext("participant", "Organization"),
        _label(Registration, "checked_in_at"),
        pgettext("sign-in sheet", "Signature"),
    ]
    rows = [
        [i, r.person.name, r.organization.name if r.organization else "", _checked_in(r, activity), ""]
        for i, r in enumerate(registrations, start=1)
    ]
    rows += [[""] * len(headers)] * WALK_IN_ROWS
    _grid(doc, headers, rows, SIGNIN_WIDTHS, SIGNATURE_ROW_HEIGHT)
    progress(60)
    return _word_and_pdf(document, doc, progress)


# --- 参加证明 --------------------------------------------------------------------------
def render_certificates(document, progress) -> dict:
    """One page per person checked in; no-shows and the merely registered get none."""
    from .rendering import new_document

    progress = _only_changes(progress)
    activity = Activity.objects.select_related("host").get(pk=document.activity_id)
    attended = _registrations(activity, [RegistrationStatus.ATTENDED])
    doc = new_document()
    if not attended:
        doc.add_paragraph(_("No one has checked in to this activity, so there is no one to certify."))
    held_on, issued_on = _held_on(activity), _day(timezone.localdate())
    for i, registration in enumerate(attended):
        heading = doc.add_paragraph(_("Certificate of attendance"), style="Title")
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.space_before = Cm(3)
        heading.paragraph_format.space_after = Cm(2)
        if i:
            heading.paragraph_format.page_break_before = True  # one certificate per page
        person = registration.person.name
        if registration.organization:
            person = _("%(name)s (%(organization)s)") % {"name": person, "organization": registration.organization.name}
        body = _("This is to certify that %(person)s took part in “%(title)s”, hosted by %(host)s, on %(date)s.") % {
            "person": person,
            "title": activity.title,
            "host": activity.host.name,
            "date": held_on,
        }
        for text in (body, _("Hereby certified.")):
            paragraph = doc.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 16 pt
            paragraph.paragraph_format.line_spacing = 1.8
            for run in paragraph.runs:
                run.font.size = Pt(16)
        for j, text in enumerate((activity.host.name, issued_on)):
            paragraph = doc.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if j == 0:
                paragraph.paragraph_format.space_before = Cm(4)
            for run in paragraph.runs:
                run.font.size = Pt(14)
        progress(10 + 60 * (i + 1) // len(attended))
    return _word_and_pdf(document, doc, progress)


# --- 台账 ------------------------------------------------------------------------------
def _safe_name(text, default="file") -> str:
    name = _UNSAFE_NAME.sub("_", str(text)).strip(" .")[:80].strip(" .")
    return name or default


class _Zip:
    """The ledger archive, written to a temporary file as it is built."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # handed to the FileField; closed when collected
        self.zip = zipfile.ZipFile(self.file, "w", compression=zipfile.ZIP_DEFLATED)
        self.names = set()

    def unique(self, name) -> str:
        stem, dot, suffix = name.rpartition(".")
        if not dot or "/" in suffix:
            stem, suffix = name, ""
        candidate, n = name, 1
        while candidate in self.names:
            n += 1
            candidate = f"{stem} ({n}).{suffix}" if suffix else f"{stem} ({n})"
        self.names.add(candidate)
        return candidate

    def write(self, name, data: bytes):
        self.zip.writestr(self.unique(name), data)

    def copy(self, name, source) -> str:
        name = self.unique(name)
        with self.zip.open(name, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        return name

    def discard(self):
        with contextlib.suppress(Exception):
            self.zip.close()
        self.file.close()

    def close(self) -> File:
        self.zip.close()
        self.file.seek(0)
        return File(self.file)


def _ledger_activities(figures):
    attended = _people(Registration.objects.filter(status=RegistrationStatus.ATTENDED))
    return (
        figures.activities()
        .select_related("host")
        .annotate(checked_in=Count("registrations", filter=Q(registrations__status=RegistrationStatus.ATTENDED)))
        .prefetch_related(Prefetch("co_hosts", to_attr="co_host_list"), Prefetch("registrations", queryset=attended, to_attr="attendees"))
        .order_by("starts_at", "pk")
    )


def _ledger_agreements(figures):
    parties = AgreementParty.objects.select_related("organization").prefetch_related("obligations")
    return (
        (figures.agreements_signed() | figures.agreements_in_force())
        .prefetch_related(Prefetch("parties", queryset=parties), "attachments", "evidence__content_type", "evidence__target")
        .order_by(F("signed_on").asc(nulls_last=True), "pk")
    )


def _attendance(activity) -> int:
    return activity.attendee_count if activity.attendee_count is not None else activity.checked_in


def _describe_activity(doc, number, activity):
    doc.add_heading(f"{number}. {activity.title}", level=2)
    _activity_facts(doc, activity, activity.co_host_list)
    _line(doc, _label(Activity, "kind"), f"{ActivityKind(activity.kind).label} · {Track(activity.track).label}")
    doc.add_paragraph(_("Attendance: %(n)s") % {"n": _attendance(activity)})
    minutes = plain_text(activity.minutes)
    if minutes:
        doc.add_heading(_label(Activity, "minutes"), level=3)
        for line in minutes.splitlines():
            doc.add_paragraph(line)
    if activity.outcomes.strip():
        doc.add_heading(_label(Activity, "outcomes"), level=3)
        for line in activity.outcomes.strip().splitlines():
            if line.strip():
                doc.add_paragraph(line.strip())
    if activity.attendees:
        doc.add_heading(_("Checked in (%(n)s)") % {"n": len(activity.attendees)}, level=3)
        shown = activity.attendees[:MAX_ATTENDEES]
        rows = [[i, r.person.name, r.organization.name if r.organization else ""] for i, r in enumerate(shown, start=1)]
        headers = [pgettext("sign-in sheet", "No."), pgettext("participant", "Name"), pgettext("participant", "Organization")]
        _grid(doc, headers, rows, ATTENDEE_WIDTHS)
        if len(activity.attendees) > len(shown):
            doc.add_paragraph(_("…and %(n)s more.") % {"n": len(activity.attendees) - len(shown)})


def _describe_agreement(doc, number, agreement, stored):
    doc.add_heading(f"{number}. {agreement.title}", level=2)
    if agreement.theme:
        _line(doc, _label(Agreement, "theme"), agreement.theme)
    _line(doc, _label(Agreement, "track"), Track(agreement.track).label)
    _line(doc, _label(Agreement, "status"), AgreementStatus(agreement.status).label)
    _line(doc, _label(Agreement, "signed_on"), agreement.signed_on.isoformat() if agreement.signed_on else "—")
    term = [d.isoformat() if d else "…" for d in (agreement.start_date, agreement.end_date)]
    _line(doc, _("Term"), " – ".join(term))
    if agreement.summary.strip():
        doc.add_paragraph(agreement.summary.strip())
    headers = [_label(AgreementParty, "role"), _label(AgreementParty, "organization"), str(capfirst(Obligation._meta.verbose_name))]
    rows = [[p.role, p.organization.name, "\n".join(o.description for o in p.obligations.all())] for p in agreement.parties.all()]
    if rows:
        doc.add_heading(_("Parties"), level=3)
        _grid(doc, headers, rows, PARTY_WIDTHS)
    evidence = list(agreement.evidence.all())
    if evidence:
        doc.add_heading(_("Evidence"), level=3)
        for item in evidence:
            target = str(item.target) if item.target is not None else f"#{item.object_id}"
            text = _("%(label)s: %(value)s") % {"label": capfirst(item.content_type.name), "value": target}
            if item.note:
                text += f" — {item.note}"
            doc.add_paragraph(text, style="List Bullet")
    attachments = list(agreement.attachments.all())
    if attachments:
        doc.add_heading(_("Attachments"), level=3)
        for attachment in attachments:
            where = stored.get(attachment.pk)
            state = _("in the zip as %(path)s") % {"path": where} if where else _("not included; see README.txt")
            doc.add_paragraph(f"{attachment} — {state}", style="List Bullet")


def _copy_attachments(archive, agreements, folder, readme, progress) -> dict:
    """Copy each agreement's attachment files into the zip: {attachment id: path in the zip}."""
    stored, total_bytes = {}, 0
    for number, agreement in enumerate(agreements, start=1):
        directory = f"{folder}/{number:03d} {_safe_name(agreement.title, 'agreement')}"
        for attachment in agreement.attachments.all():
            stored_name, storage = attachment.file.name, attachment.file.storage
            name = _safe_name(attachment.original_name or stored_name.rsplit("/", 1)[-1])
            try:
                if not stored_name:
                    raise FileNotFoundError
                size = storage.size(stored_name)  # the file's, not the row's: older rows say 0
                if total_bytes + size > MAX_ATTACHMENT_BYTES:
                    readme.append(
                        _("Left out: %(file)s of “%(agreement)s”; the attachments together would exceed %(limit)s MB.")
                        % {"file": name, "agreement": agreement.title, "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
                    )
                    continue
                with storage.open(stored_name, "rb") as source:
                    stored[attachment.pk] = archive.copy(f"{directory}/{name}", source)
            except (FileNotFoundError, IsADirectoryError):
                # Lost from the disk outside the application: the ledger says so instead of failing.
                readme.append(
                    _("Missing: %(file)s of “%(agreement)s”; the file is no longer in storage.")
                    % {"file": name, "agreement": agreement.title}
                )
                continue
            total_bytes += size
        progress(55 + 20 * number // max(1, len(agreements)))
    return stored


def _co_host_names(activities) -> dict:
    names = {}
    through = Activity.co_hosts.through.objects.filter(activity__in=activities.values("pk")).order_by("organization__name")
    for activity_id, name in through.values_list("activity_id", "organization__name"):
        names.setdefault(activity_id, []).append(name)
    return names


def _cut_note(total, shown=None) -> list[str]:
    shown = MAX_SHEET_ROWS if shown is None else shown
    if total <= shown:
        return []
    return [_("Only the first %(shown)s of %(n)s rows are listed.") % {"shown": shown, "n": total}]


def _sheets(figures, activities, activity_total, agreements, agreement_total) -> list:
    """The ledger's records as three sheets: activities, registrations and agreements."""
    co_hosts = _co_host_names(figures.activities())
    activity_rows = (
        [
            a.title,
            str(ActivityKind(a.kind).label),
            str(Track(a.track).label),
            a.starts_at,
            a.ends_at,
            a.venue,
            a.host.name,
            co_hosts.get(a.pk, []),
            _attendance(a),
            a.checked_in,
        ]
        for a in activities.prefetch_related(None)[:MAX_SHEET_ROWS].iterator(chunk_size=1000)
    )
    registrations = figures.registrations().order_by(
        "activity__starts_at", "activity_id", F("organization__name").asc(nulls_last=True), "person__name", "pk"
    )
    registration_total = registrations.count()
    statuses = {value: str(label) for value, label in RegistrationStatus.choices}
    registration_rows = (
        [title, starts_at, person, organization or "", statuses.get(status, status), checked_in_at]
        for title, starts_at, person, organization, status, checked_in_at in registrations.values_list(
            "activity__title", "activity__starts_at", "person__name", "organization__name", "status", "checked_in_at"
        )[:MAX_SHEET_ROWS].iterator(chunk_size=2000)
    )
    agreement_rows = [
        [
            g.title,
            g.theme,
            str(Track(g.track).label),
            str(AgreementStatus(g.status).label),
            g.signed_on,
            g.start_date,
            g.end_date,
            [p.organization.name for p in g.parties.all()],
            len(g.attachments.all()),
        ]
        for g in agreements
    ]
    return [
        (
            _("Activities"),
            [_label(Activity, f) for f in ("title", "kind", "track", "starts_at", "ends_at", "venue", "host", "co_hosts", "attendee_count")]
            + [_label(Registration, "checked_in_at")],
            activity_rows,
            _cut_note(activity_total),
        ),
        (
            _("Registrations"),
            [
                _label(Activity, "title"),
                _label(Activity, "starts_at"),
                pgettext("participant", "Name"),
                pgettext("participant", "Organization"),
            ]
            + [_label(Registration, "status"), _label(Registration, "checked_in_at")],
            registration_rows,
            _cut_note(registration_total),
        ),
        (
            _("Co-building agreements"),
            [_label(Agreement, f) for f in ("title", "theme", "track", "status", "signed_on", "start_date", "end_date")]
            + [_("Parties"), _("Attachments")],
            agreement_rows,
            _cut_note(agreement_total, len(agreements)),
        ),
    ]


def render_ledger(document, progress) -> dict:
    """The organization's ledger of the period, as a zip: Word, xlsx, attachments and a README."""
    from .rendering import docx_bytes, new_document

    progress = _only_changes(progress)
    period = Period.parse(document.period_key)
    figures = Figures(InsightScope(document.organization), period)
    activities = _ledger_activities(figures)
    activity_total = activities.count()
    agreements_qs = _ledger_agreements(figures)
    agreement_total = agreements_qs.count()
    agreements = list(agreements_qs[:MAX_AGREEMENTS])
    progress(5)

    doc = new_document()
    doc.add_paragraph(document.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_("Scope: %(scope)s") % {"scope": figures.scope.label})
    doc.add_paragraph(_("Period: %(period)s (%(first)s – %(last)s)") % {"period": period.label, "first": period.first, "last": period.last})
    doc.add_paragraph(_("Drawn from the platform's records on %(date)s.") % {"date": _day(timezone.localdate())})

    doc.add_heading(_("Activities"), level=1)
    doc.add_paragraph(_("%(n)s activities hosted or co-hosted in the period.") % {"n": activity_total})
    if activity_total > MAX_ACTIVITIES:
        doc.add_paragraph(
            _("Only the first %(shown)s of %(n)s activities are described here; the spreadsheet lists them all.")
            % {"shown": MAX_ACTIVITIES, "n": activity_total}
        )
    detailed = activities[:MAX_ACTIVITIES]
    for number, activity in enumerate(detailed, start=1):
        _describe_activity(doc, number, activity)
        if number % 25 == 0:
            progress(5 + 45 * number // min(activity_total, MAX_ACTIVITIES))
    progress(50)

    title = _safe_name(document.title, "ledger")
    archive = _Zip()
    try:
        readme = []
        stored = _copy_attachments(archive, agreements, _safe_name(_("Attachments")), readme, progress)
        doc.add_heading(_("Co-building agreements"), level=1)
        doc.add_paragraph(_("%(n)s agreements signed or in force in the period.") % {"n": agreement_total})
        if agreement_total > MAX_AGREEMENTS:
            doc.add_paragraph(
                _("Only the first %(shown)s of %(n)s agreements are described here.") % {"shown": MAX_AGREEMENTS, "n": agreement_total}
            )
        for number, agreement in enumerate(agreements, start=1):
            _describe_agreement(doc, number, agreement, stored)
        archive.write(f"{title}.docx", docx_bytes(doc))
        progress(80)
        archive.write(f"{title}.xlsx", sheets_bytes(_sheets(figures, activities, activity_total, agreements, agreement_total)))
        progress(92)
        lines = [
            document.title,
            "",
            _("%(file)s: the ledger, to print.") % {"file": f"{title}.docx"},
            _("%(file)s: its activities, registrations and agreements as spreadsheets.") % {"file": f"{title}.xlsx"},
            _("%(folder)s: the agreements' attachment files, one folder per agreement.") % {"folder": _safe_name(_("Attachments"))},
        ]
        if readme:
            lines += ["", *readme]
        # A byte-order mark, so that Notepad on older Windows reads the Chinese as UTF-8.
        archive.write("README.txt", ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
        return {"archive": (f"{document.title}.zip", archive.close())}
    except BaseException:
        archive.discard()
        raise
