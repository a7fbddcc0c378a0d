"""Creating a project's tasks in bulk, from a pasted list or a spreadsheet.

Both sources become the same list of rows, each checked on its own, so the
preview can show every row's errors at once. Tasks are only written when no
row fails, all in one transaction: a batch is created whole or not at all.
Between preview and confirmation the rows travel in a signed token, so nothing
is stored and nothing can be altered on the way.
"""

from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.excel import SheetError, read_rows

from .choices import TaskAction, TaskStatus
from .models import MAX_WEIGHT, Task, TaskEvent

MAX_ROWS = 500
TOKEN_MAX_AGE = 3600

# Column headers of the spreadsheet. They are a file format, not UI text: a sheet
# made from the Chinese template must import whatever language the UI is in.
TITLE_HEADERS = ("任务名称", "任务", "标题", "title", "task")
LOCATION_HEADERS = ("位置", "地点", "地址", "location", "address")
WEIGHT_HEADERS = ("权重", "weight")
TEMPLATE_HEADERS = ("任务名称", "位置", "权重")

TITLE_MAX = Task._meta.get_field("title").max_length
LOCATION_MAX = Task._meta.get_field("location").max_length


@dataclass
class Row:
    number: int
    title: str
    location: str = ""
    weight: int | None = 1
    errors: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        return {"number": self.number, "title": self.title, "location": self.location, "weight": self.weight}


@dataclass
class Batch:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for row in self.rows if row.errors)

    def error_detail(self) -> dict:
        """The errors in the API's shape."""
        return {
            "errors": list(self.errors),
            "rows": [{"row": row.number, "title": row.title, "errors": row.errors} for row in self.rows if row.errors],
        }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _weight(raw, row: Row) -> int | None:
    text = _text(raw)
    if not text:
        return 1
    try:
        number = float(text)
    except ValueError:
        row.errors.append(_("The weight must be a whole number from 1 to %(max)s.") % {"max": MAX_WEIGHT})
        return None
    if not number.is_integer() or not 1 <= number <= MAX_WEIGHT:
        row.errors.append(_("The weight must be a whole number from 1 to %(max)s.") % {"max": MAX_WEIGHT})
        return None
    return int(number)


def _row(number, title, location, weight) -> Row:
    row = Row(number=number, title=_text(title), location=_text(location))
    row.weight = _weight(weight, row)
    if not row.title:
        row.errors.append(_("The task name is missing."))
    elif len(row.title) > TITLE_MAX:
        row.errors.append(_("The task name is longer than %(max)s characters.") % {"max": TITLE_MAX})
    if len(row.location) > LOCATION_MAX:
        row.errors.append(_("The location is longer than %(max)s characters.") % {"max": LOCATION_MAX})
    return row


def parse_text(text: str) -> Batch:
    """One task per line: title, then optionally a tab and the location, a tab and the weight."""
    batch = Batch()
    lines = [(number, line) for number, line in enumerate((text or "").splitlines(), start=1) if line.strip()]
    if lines and lines[0][1].split("\t")[0].strip().lower() in TITLE_HEADERS:
        lines = lines[1:]  # a header row copied from a spreadsheet
    for number, line in lines:
        cells = [cell.strip() for cell in line.split("\t")]
        cells += [""] * (3 - len(cells))
        row = _row(number, cells[0], cells[1], cells[2])
        if len([cell for cell in cells[3:] if cell]):
            row.errors.append(_("Too many columns: use title, location and weight, separated by tabs."))
        batch.rows.append(row)
    return _finish(batch)


def _column(headers, names):
    lowered = [header.strip().lower() for header in headers]
    for name in names:
        if name.lower() in lowered:
            return lowered.index(name.lower())
    return None


def parse_sheet(fileobj) -> Batch:
    """The first sheet, with the columns 任务名称 (required), 位置 and 权重 in any order."""
    batch = Batch()
    try:
        headers, data = read_rows(fileobj, max_rows=MAX_ROWS)
    except SheetError:
        batch.errors.append(_("The file could not be read as an Excel (.xlsx) spreadsheet."))
        return batch
    title_at = _column(headers, TITLE_HEADERS)
    if title_at is None:
        batch.errors.append(_("The first row must name the columns; the column 任务名称 is missing."))
        return batch
    location_at, weight_at = _column(headers, LOCATION_HEADERS), _column(headers, WEIGHT_HEADERS)
    for number, values in data:
        batch.rows.append(
            _row(
                number,
                values[title_at],
                values[location_at] if location_at is not None else "",
                values[weight_at] if weight_at is not None else None,
            )
        )
    return _finish(batch)


def parse_rows(items) -> Batch:
    """Rows given as data (the API): dicts with title, location and weight."""
    batch = Batch()
    for number, item in enumerate(items or [], start=1):
        if not isinstance(item, dict):
            batch.rows.append(Row(number=number, title="", errors=[_("Each row must be an object with a title.")]))
            continue
        batch.rows.append(_row(number, item.get("title"), item.get("location"), item.get("weight")))
    return _finish(batch)


def _finish(batch: Batch) -> Batch:
    if not batch.rows and not batch.errors:
        batch.errors.append(_("There are no tasks in the list."))
    if len(batch.rows) > MAX_ROWS:
        batch.errors.append(_("At most %(max)s tasks can be created at once.") % {"max": MAX_ROWS})
        batch.rows = batch.rows[:MAX_ROWS]
    seen = {}
    for row in batch.rows:
        if row.title and row.title in seen:
            row.errors.append(_("The same task name appears in row %(row)s.") % {"row": seen[row.title]})
        seen.setdefault(row.title, row.number)
    return batch


def check_against(project, batch: Batch) -> Batch:
    """Flag rows whose title the project already has; one query."""
    titles = [row.title for row in batch.rows if row.title]
    existing = set(Task._base_manager.filter(project=project, title__in=titles).values_list("title", flat=True))
    for row in batch.rows:
        if row.title in existing:
            row.errors.append(_("The project already has a task with this name."))
    return batch


def create_tasks(project, batch: Batch, by) -> list[Task]:
    """Write every row as a task, or none of them."""
    check_against(project, batch)
    if not batch.is_valid:
        raise ValidationError(_("Nothing was created: fix the rows with errors first."), code="invalid_rows")
    if not project.is_open_for_work and project.status != project.Status.PLANNING:
        raise ValidationError(_("Tasks can only be added while the project is in planning or active."), code="project_closed")
    tasks = []
    try:
        with transaction.atomic():
            start = (Task._base_manager.filter(project=project).aggregate(top=Max("order"))["top"] or 0) + 1
            for offset, row in enumerate(batch.rows):
                task = Task(project=project, title=row.title, location=row.location, weight=row.weight, order=start + offset)
                task.save()
                tasks.append(task)
            TaskEvent.objects.bulk_create(
                TaskEvent(task=task, action=TaskAction.CREATE, from_status="", to_status=TaskStatus.OPEN, actor=_actor(by))
                for task in tasks
            )
            record(Action.IMPORT, project, changes={"tasks": [len(tasks), [task.title for task in tasks][:MAX_ROWS]]})
    except IntegrityError as e:
        # Someone added a task with one of these names between the check and the write.
        raise ValidationError(_("Nothing was created: another task with one of these names was added just now."), code="conflict") from e
    return tasks


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _salt(project, user) -> str:
    return f"projects.bulk:{project.uuid}:{getattr(user, 'pk', '')}"


def sign_rows(project, user, batch: Batch) -> str:
    return signing.dumps([row.as_data() for row in batch.rows], salt=_salt(project, user), compress=True)


def unsign_rows(project, user, token: str) -> Batch:
    """The rows a preview showed, or a batch with an error if the token is stale or forged."""
    try:
        items = signing.loads(token or "", salt=_salt(project, user), max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return Batch(errors=[_("The preview has expired; upload or paste the list again.")])
    batch = Batch(
        rows=[Row(number=item["number"], title=item["title"], location=item["location"], weight=item["weight"]) for item in items]
    )
    return _finish(batch)
