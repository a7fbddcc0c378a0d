"""A reusable Excel import: declare columns and a natural key, get validation, preview and bulk upsert.

An ``Importer`` reads the first sheet of an .xlsx file and

1. checks the header row against its declared ``Column``s (one clear message for the whole sheet),
2. parses every row's cells (``text``, ``phone``, ``listing``, ``boolean``, ``Choice`` ...),
3. finds the existing object by natural key (``match``), fills it (``fill``), checks the user's
   scope (``check_scope``) and lets the model validate itself (``Model.full_clean``), so the rules
   live in one place,
4. and answers a ``Plan``: each bad row's Excel row number with messages in the user's language,
   or how many rows are new, changed or unchanged.

Nothing is written while planning. ``Importer.write(plan)`` writes everything in one transaction,
in batches (bulk_create / bulk_update), with one audit record per created or changed object.
Apps add importers by declaring a subclass in their ``importers`` module and decorating it with
``@register``; the UI, the API and background jobs pick it up from the registry.
"""

import datetime
import gc
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from gongjian.audit import bulk as audit_bulk
from gongjian.audit.models import Action
from gongjian.audit.recording import masked_diff, snapshot
from gongjian.lib.access import scope_for
from gongjian.lib.excel import MAX_CELL_CHARS, MAX_PART_BYTES, SheetError, WorkbookTooLarge, as_text

from .xlsx import read_sheet

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Messages quote what people typed. A quote is cut to this many characters, so that a message
# never copies a cell (a workbook of 300 KB can hold a cell of 300 MB), and so is a whole message.
QUOTE_CHARS = 100
MESSAGE_CHARS = 500
_LONG_QUOTE = re.compile(rf"“([^“”]{{{QUOTE_CHARS}}})[^“”]+”")


class SheetProblem(Exception):
    """The sheet as a whole cannot be imported (wrong headers, no rows, not a workbook)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def join_names(names: Iterable) -> str:
    return pgettext("list separator", ", ").join(str(name) for name in names)


def shorten(value, limit: int = QUOTE_CHARS) -> str:
    """What people typed, as a message quotes it: at most ``limit`` characters, then "…"."""
    value = str(value)
    return value if len(value) <= limit else value[:limit] + "…"


def bounded_message(message) -> str:
    """A message with every “quote” in it shortened, and itself too: importers of other apps quote cells as well."""
    return shorten(_LONG_QUOTE.sub(r"“\1…”", str(message)), MESSAGE_CHARS)


def too_large_message() -> str:
    return _("The workbook unpacks to more than an import sheet holds (%(limit)s MB); split it into several files.") % {
        "limit": MAX_PART_BYTES // (1024 * 1024)
    }


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while tens of thousands of objects are alive.

    Its full collections would otherwise walk every row, instance and audit record again and
    again; measured on 10,000 organizations that is a quarter of the import time. Reference
    counting still frees memory; cycles wait until the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- Cell parsers: a raw cell value in, a Python value out, or ValidationError. ---

KEEP = object()
"""Returned for a blank cell that should leave the current value alone (new objects get the model default)."""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800138000 typed into a number cell comes back as a float
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def phone(value):
    """The number as typed (a number cell loses nothing: 13800138000, not 1.38e10); the model validates it.

    A blank cell keeps the number on file: phones identify people, so one is never cleared by omission.
    """
    if _blank(value):
        return KEEP
    return text(value)


def upper(value) -> str:
    return text(value).upper()


LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


def listing(value) -> list[str]:
    """ "工业设计、就业服务" -> ["工业设计", "就业服务"]: split, trimmed, deduplicated in order."""
    items = []
    for item in LIST_SEPARATORS.split(text(value)):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def _words(*labels) -> set[str]:
    """Each label in every configured language, lower-cased, for matching what people type."""
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.update(str(label).strip().lower() for label in labels)
    return words


YES = pgettext_lazy("sheet value", "yes")
NO = pgettext_lazy("sheet value", "no")
_boolean_words: dict[str, bool] = {}


def boolean(value):
    if _blank(value):
        return KEEP
    if isinstance(value, bool):
        return value
    if not _boolean_words:
        _boolean_words.update(dict.fromkeys(_words(NO, "n", "no", "false", "0", "×"), False))
        _boolean_words.update(dict.fromkeys(_words(YES, "y", "yes", "true", "1", "√", "✓"), True))
    found = _boolean_words.get(text(value).lower())
    if found is None:
        raise ValidationError(_("Enter %(yes)s or %(no)s.") % {"yes": YES, "no": NO}, code="boolean")
    return found


def integer(value):
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(text(value))
    except ValueError:
        raise ValidationError(_("Enter a whole number."), code="integer")


def date(value):
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text(value))
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValidationError(_("Enter a date such as 2025-03-01."), code="date")


class Choice:
    """A choice typed as a word: the value's label in any language, a sheet alias, or the stored value.

    ``aliases`` maps stored values to extra words, e.g. {"government": [pgettext_lazy(..., "Government")]}
    translated as 政府; the first alias (or the label) is what the template shows.
    """

    def __init__(self, choices, aliases=None):
        self.choices = choices
        self.aliases = aliases or {}
        self._lookup = None

    def words(self, value) -> list:
        return list(self.aliases.get(value, ())) + [dict(self.choices.choices)[value]]

    def display(self) -> list[str]:
        return [str(self.words(value)[0]) for value in self.choices.values if value != ""]

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            table = {}
            for value in self.choices.values:
                for word in _words(*self.words(value), value):
                    table.setdefault(word, value)
            self._lookup = table
        return self._lookup

    def __call__(self, value):
        if _blank(value):
            return KEEP
        word = text(value).lower()
        found = self.lookup().get(word)
        if found is None:
            raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": join_names(self.display())}, code="choice")
        return found


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the header people see and how a cell becomes a value.

    ``key`` is the model field the value goes to when ``model_field`` is true; otherwise the
    importer resolves it itself (a parent's name, a region path, tags). Model validation
    errors on that field are reported under this column's header.
    """

    key: str
    label: Promise | str
    required: bool = False
    parse: Callable = text
    help: Promise | str = ""
    example: Any = ""
    model_field: bool = True

    def header_names(self) -> set[str]:
        return _words(self.label) | {self.key.lower()}


@dataclass(eq=False)
class Row:
    """One data row of the sheet on its way through planning."""

    number: int
    data: dict
    errors: list[str] = field(default_factory=list)
    # Cells that could not be parsed; the rest of the row is still checked, so one pass shows every error.
    bad_keys: set = field(default_factory=set)
    # False when a required cell is missing or bad: without it the row cannot be matched or checked further.
    planable: bool = True
    instance: Any = None
    action: str = ""
    changes: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


@dataclass
class Plan:
    """What an import would do: per-row errors, or the rows to create and update."""

    importer: "Importer"
    columns: list[Column]
    rows: list[Row]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def errors(self) -> list[dict]:
        return [{"row": row.number, "messages": row.errors} for row in self.rows if row.errors]

    def count(self, action) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


class Importer:
    """Declare ``kind``, ``label``, ``model``, ``columns``; override ``match`` (natural key) and, when
    needed, ``prepare`` (bulk look-ups), ``fill``, ``identities``, ``check_scope`` and the write hooks.
    """

    kind = ""
    label: Promise | str = ""
    description: Promise | str = ""
    model = None
    columns: tuple[Column, ...] = ()
    notes: tuple = ()
    clean_exclude: tuple[str, ...] = ()
    batch_size = 500
    max_rows = 50_000
    order = 50
    # A URL name to show after a successful import, e.g. the directory list.
    result_url_name = ""
    # Templates list importer classes; they must not be called like functions there.
    do_not_call_in_templates = True

    def __init__(self, user):
        self.user = user
        self.scope = scope_for(user)

    @classmethod
    def allowed(cls, user) -> bool:
        """Who may use this importer at all; rows outside their scope are refused row by row."""
        scope = scope_for(user)
        return scope.administers

    # --- Reading ---------------------------------------------------------------------------

    def read(self, fileobj) -> tuple[list[Column | None], list[tuple[int, list]]]:
        try:
            headers, rows = read_sheet(fileobj, max_rows=self.max_rows)
        except WorkbookTooLarge:
            raise SheetProblem(too_large_message())
        except SheetError:
            raise SheetProblem(_("The file could not be read as an Excel workbook (.xlsx)."))
        if not any(headers):
            raise SheetProblem(_("The first row of the first sheet must hold the column headers of the template."))
        if any(len(header) > MAX_CELL_CHARS for header in headers):
            raise SheetProblem(
                _("A header of the first row is longer than Excel allows (%(max)s characters); use the headers of the template.")
                % {"max": MAX_CELL_CHARS}
            )
        by_name = {}
        for column in self.columns:
            for name in column.header_names():
                by_name.setdefault(name, column)
        found, unknown, twice = [], [], []
        for header in headers:
            column = by_name.get(header.strip().lower()) if header else None
            if header and column is None:
                unknown.append(shorten(header))
            elif column is not None and column in found:
                twice.append(shorten(header))
            found.append(column)
        missing = [column.label for column in self.columns if column.required and column not in found]
        if missing or unknown or twice:
            problems = []
            if missing:
                problems.append(_("Required columns are missing: %(columns)s.") % {"columns": join_names(missing)})
            if unknown:
                problems.append(_("Unknown columns: %(columns)s.") % {"columns": join_names(unknown)})
            if twice:
                problems.append(_("Columns appear more than once: %(columns)s.") % {"columns": join_names(twice)})
            problems.append(
                _("Use the headers of the template: %(columns)s.") % {"columns": join_names(column.label for column in self.columns)}
            )
            raise SheetProblem(" ".join(problems))
        if not rows:
            raise SheetProblem(_("The sheet has no data rows below the headers."))
        if len(rows) > self.max_rows:
            raise SheetProblem(_("The sheet has more than %(max)s rows; split it into several files.") % {"max": self.max_rows})
        return found, rows

    def parse_row(self, columns, number, values) -> Row:
        row = Row(number=number, data={})
        for column, value in zip(columns, values, strict=False):
            if column is None:
                continue
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                message = _("The cell is longer than Excel allows (%(max)s characters); shorten it.") % {"max": MAX_CELL_CHARS}
                row.errors.append(self.message(column.label, message))
                row.bad_keys.add(column.key)
                row.planable = row.planable and not column.required
                continue
            if column.required and _blank(value):
                row.errors.append(self.message(column.label, _("This column is required.")))
                row.planable = False
                continue
            try:
                parsed = column.parse(value)
            except ValidationError as e:
                row.errors.extend(self.message(column.label, message) for message in e.messages)
                row.bad_keys.add(column.key)
                row.planable = row.planable and not column.required
                continue
            if parsed is not KEEP:
                row.data[column.key] = parsed
        return row

    # --- Planning --------------------------------------------------------------------------

    def plan(self, fileobj, progress: Callable[[int, int], None] | None = None) -> Plan:
        """Validate every row without writing anything. Raises SheetProblem for the sheet as a whole."""
        with paused_gc():
            return self._plan(fileobj, progress)

    def _plan(self, fileobj, progress) -> Plan:
        columns, raw_rows = self.read(fileobj)
        rows = [self.parse_row(columns, number, values) for number, values in raw_rows]
        self.present = {column.key for column in columns if column is not None}
        self._not_editable = {f.name for f in self.model._meta.concrete_fields if not f.editable and f.name not in self.present}
        # prepare() sees the rows that will be planned without their cell errors, so an importer
        # that loads references for rows "without errors" also loads them for those.
        held = {}
        for row in rows:
            if row.planable and row.errors:
                held[row.number], row.errors = row.errors, []
        self.prepare(rows)
        for row in rows:
            row.errors = held.pop(row.number, []) + row.errors
        seen: dict = {}
        total = len(rows)
        for index, row in enumerate(rows, start=1):
            if row.planable:
                self.plan_row(row, seen)
            if progress is not None and (index % 250 == 0 or index == total):
                progress(index, total)
        self.finish(rows)
        return Plan(importer=self, columns=[c for c in columns if c is not None], rows=rows)

    def plan_row(self, row: Row, seen: dict):
        errors: dict[str, list] = {}
        try:
            instance = self.match(row)
        except ValidationError as e:
            row.errors.extend(self.messages(e))
            return
        before = None if instance is None else snapshot(instance)
        if instance is None:
            instance = self.new_instance(row)
        try:
            self.fill(row, instance)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            self.check_scope(row, instance, before is None)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        # Fields the sheet cannot set (ids, timestamps, computed keys) need no validation per row.
        exclude = self._not_editable | set(self.clean_exclude) | row.bad_keys | {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            self.validate(row, instance, exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        # The match succeeded, so the row's keys are known even when other cells are wrong.
        for what, key in self.identities(row, instance):
            first = seen.setdefault(key, row.number)
            if first != row.number:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    ValidationError(_("Same %(what)s as row %(row)s.") % {"what": what, "row": first})
                )
        if errors:
            row.errors.extend(self.messages(ValidationError(errors)))
        if row.errors:
            return
        row.instance = instance
        if before is None:
            # A new object's recorded diff is its whole snapshot, taken once it is written.
            row.action = CREATE
            return
        row.changes = masked_diff(instance, before, snapshot(instance))
        row.changes.update(self.extra_changes(row, instance, False))
        row.action = UPDATE if row.changes else UNCHANGED

    def label_of(self, key: str):
        return next(column.label for column in self.columns if column.key == key)

    def message(self, label, message) -> str:
        return bounded_message(_("%(column)s: %(message)s") % {"column": label, "message": message})

    def messages(self, error: ValidationError) -> list[str]:
        if not hasattr(error, "error_dict"):
            return [bounded_message(m) for m in error.messages]
        labels = {column.key: column.label for column in self.columns}
        result = []
        for name, errors in error.message_dict.items():
            label = None
            if name != NON_FIELD_ERRORS:
                label = labels.get(name)
                if label is None:
                    try:
                        label = self.model._meta.get_field(name).verbose_name
                    except FieldDoesNotExist:
                        label = name
            result.extend(bounded_message(m) if label is None else self.message(label, m) for m in errors)
        return result

    # --- Hooks for subclasses ----------------------------------------------------------------

    def prepare(self, rows: list[Row]):
        """Load everything the rows refer to in a few queries (no query per row)."""

    def match(self, row: Row):
        """The existing object this row updates, or None for a new one. Raise ValidationError to refuse the row."""
        return None

    def new_instance(self, row: Row):
        return self.model()

    def validate(self, row: Row, instance, exclude: set[str]):
        """The model's own validation. Uniqueness is settled by match() and the in-file duplicate check
        (database constraints are the last line): per-row unique and constraint queries would cost
        more than the whole import."""
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)

    def fill(self, row: Row, instance):
        """Copy the row's values onto the instance; raise ValidationError({key: message}) for bad references."""
        for column in self.columns:
            if column.model_field and column.key in row.data:
                setattr(instance, column.key, row.data[column.key])

    def check_scope(self, row: Row, instance, is_new: bool):
        """Raise ValidationError when the user may not create or change this object."""

    def identities(self, row: Row, instance) -> list[tuple[str, Any]]:
        """(what, key) pairs that must be unique within the file, e.g. ("统一社会信用代码", code)."""
        return [(_("object"), ("pk", instance.pk))] if instance.pk else []

    def extra_changes(self, row: Row, instance, is_new: bool) -> dict:
        """Changes the field snapshot cannot see, e.g. many-to-many tags, for the preview and the audit trail."""
        return {}

    def finish(self, rows: list[Row]):
        """Checks across rows after each row was planned (e.g. cycles in a tree)."""

    # --- Writing ---------------------------------------------------------------------------

    def write(self, plan: Plan, *, actor=None, ip=None) -> dict:
        """Create and update everything in one transaction; returns the counts."""
        if not plan.is_valid:
            raise ValueError("Only a valid plan can be written.")
        created = [row for row in plan.rows if row.action == CREATE]
        updated = [row for row in plan.rows if row.action == UPDATE]
        with paused_gc(), transaction.atomic():
            self.create(created)
            self.update(updated)
            extra = list(self.after_write(created, updated) or ())
            entries = list(self.audit_entries(created, updated, actor=actor, ip=ip))
            entries.extend(audit_bulk.entry(action, obj, changes=changes, actor=actor, ip=ip) for action, obj, changes in extra)
            audit_bulk.append(entries)
        return {CREATE: len(created), UPDATE: len(updated), UNCHANGED: plan.count(UNCHANGED)}

    def create(self, rows: list[Row]):
        self.model._default_manager.bulk_create([row.instance for row in rows], batch_size=self.batch_size)

    def update(self, rows: list[Row]):
        if not rows:
            return
        fields = self.update_fields(rows)
        self.model._default_manager.bulk_update([row.instance for row in rows], fields, batch_size=self.batch_size)

    def update_fields(self, rows: list[Row]) -> list[str]:
        by_attname = {f.attname: f.name for f in self.model._meta.concrete_fields}
        names = {by_attname[key] for row in rows for key in row.changes if key in by_attname}
        if "updated_at" in by_attname:
            # bulk_update skips auto_now, so the timestamp is set by hand.
            now = timezone.now()
            for row in rows:
                row.instance.updated_at = now
            names.add("updated_at")
        return sorted(names)

    def after_write(self, created: list[Row], updated: list[Row]):
        """Many-to-many rows and anything else that needs the new primary keys.

        Returns (action, object, changes) for further objects written here, to be audited too.
        """
        return ()

    def audit_entries(self, created, updated, *, actor=None, ip=None):
        for row in created:
            changes = masked_diff(row.instance, None, snapshot(row.instance))
            changes.update(self.extra_changes(row, row.instance, True))
            yield audit_bulk.entry(Action.CREATE, row.instance, changes=changes, actor=actor, ip=ip)
        for row in updated:
            yield audit_bulk.entry(Action.UPDATE, row.instance, changes=row.changes, actor=actor, ip=ip)

    # --- The template ----------------------------------------------------------------------

    def example_rows(self) -> list[list]:
        return [[column.example for column in self.columns]]

    def template(self) -> bytes:
        """An empty sheet with the headers, and a 说明 sheet with each column's rules and an example."""
        import io

        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        wb = Workbook()
        ws = wb.active
        ws.title = str(self.label)[:31]
        for index, column in enumerate(self.columns, start=1):
            cell = ws.cell(row=1, column=index, value=str(column.label))
            cell.font = Font(bold=True, color="C8161D" if column.required else "000000")
            cell.fill = PatternFill("solid", fgColor="FDE8E8" if column.required else "F2F2F2")
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(12, len(str(column.label)) * 2 + 4)
            # Text format keeps phone numbers and codes as typed instead of turning them into numbers.
            ws.column_dimensions[letter].number_format = "@"
        ws.freeze_panes = "A2"

        info = wb.create_sheet(title=str(pgettext_lazy("sheet name", "Instructions"))[:31])
        info.append([_("Column"), _("Required"), _("Rules"), _("Example")])
        for cell in info[1]:
            cell.font = Font(bold=True)
        examples = self.example_rows()
        for index, column in enumerate(self.columns):
            example = examples[0][index] if examples else column.example
            rules = str(column.help)
            if isinstance(column.parse, Choice):
                rules = rules % {"choices": join_names(column.parse.display())}
            info.append([str(column.label), str(YES if column.required else ""), rules, text(example)])
        info.append([])
        for line in self.general_notes():
            info.append([str(line)])
        for letter, width in zip("ABCD", (18, 8, 70, 36), strict=True):
            info.column_dimensions[letter].width = width
        for row in info.iter_rows(min_row=2, max_col=3):
            row[2].alignment = Alignment(wrap_text=True, vertical="top")
        # Labels, rules, examples and notes stay text, whatever a translation or a note starts with.
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    as_text(cell)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def general_notes(self) -> list:
        return [
            _("Fill in the first sheet from row 2 on; keep the headers of row 1 as they are. Columns marked red are required."),
            _("Nothing is imported unless every row is valid: the preview lists each bad row with its Excel row number."),
            _("Importing the same file again updates the existing records instead of adding duplicates."),
            _("Lists such as tags are separated by 、 or commas."),
            *self.notes,
        ]


# --- The registry ----------------------------------------------------------------------------

_registry: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    _registry[cls.kind] = cls
    return cls


def importer_class(kind: str) -> type[Importer] | None:
    return _registry.get(kind)


def importers_for(user) -> list[type[Importer]]:
    return sorted((cls for cls in _registry.values() if cls.allowed(user)), key=lambda cls: (cls.order, cls.kind))


def can_import(user) -> bool:
    return bool(user and user.is_authenticated and importers_for(user))


def kind_choices() -> list[tuple[str, str]]:
    return [(cls.kind, cls.label) for cls in sorted(_registry.values(), key=lambda cls: (cls.order, cls.kind))]
