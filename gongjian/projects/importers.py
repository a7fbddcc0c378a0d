"""Project tasks for the shared Excel import (gongjian.imports), beside the project's own bulk page.

The project page (bulk.py) imports into the project it is opened from; this importer takes a
项目 column instead, so one sheet can fill several projects from the central import page. A
task is recognised by its name within its project: importing the file again updates
location and weight instead of adding duplicates.
"""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from gongjian.imports.sheets import KEEP, Column, Importer, register, text

from .choices import ProjectStatus, TaskAction, TaskStatus
from .models import MAX_WEIGHT, Project, Task, TaskEvent

OPEN_FOR_TASKS = (ProjectStatus.PLANNING, ProjectStatus.ACTIVE)


def weight(value):
    """Blank keeps the current weight (1 for a new task)."""
    if value is None or text(value) == "":
        return KEEP
    try:
        number = float(text(value))
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not 1 <= number <= MAX_WEIGHT:
        raise ValidationError(_("The weight must be a whole number from 1 to %(max)s.") % {"max": MAX_WEIGHT}, code="weight")
    return int(number)


@register
class TaskImporter(Importer):
    kind = "project_tasks"
    label = pgettext_lazy("import kind", "Project tasks")
    description = pgettext_lazy("import kind", "Tasks of joint projects, e.g. one row per sampling booth with its location.")
    model = Task
    order = 60
    max_rows = 2000
    result_url_name = "projects:task_board"
    clean_exclude = ("project",)
    columns = (
        Column(
            "project",
            pgettext_lazy("import column", "Project"),
            required=True,
            model_field=False,
            example="采样亭改造",
            help=pgettext_lazy("import help", "Title of a project your organization leads, in planning or active."),
        ),
        Column("title", pgettext_lazy("import column", "Task name"), required=True, example="01号采样亭改造设计"),
        Column("location", pgettext_lazy("import column", "Location"), example="广富林路658弄三新居民区南门"),
        Column(
            "weight",
            pgettext_lazy("import column", "Weight"),
            parse=weight,
            example=1,
            help=pgettext_lazy("import help", "1 to 100; a heavier task counts more towards progress. Blank: 1."),
        ),
    )
    notes = (pgettext_lazy("import help", "A task is recognised by its name within its project: importing again updates it."),)

    def prepare(self, rows):
        titles = {row.data["project"] for row in rows if not row.errors and row.data.get("project")}
        self.projects = {}
        for project in Project.objects.editable_by(self.user).filter(title__in=titles, archived_at__isnull=True):
            self.projects.setdefault(project.title, []).append(project)
        project_ids = [project.pk for found in self.projects.values() for project in found]
        self.tasks = {(task.project_id, task.title): task for task in Task._base_manager.filter(project_id__in=project_ids)}
        top = Task._base_manager.filter(project_id__in=project_ids).values("project_id").annotate(top=Max("order"))
        self.next_order = {item["project_id"]: (item["top"] or 0) + 1 for item in top}

    def match(self, row):
        found = self.projects.get(row.data["project"], [])
        if not found:
            raise ValidationError({"project": _("No project you administer is titled “%(title)s”.") % {"title": row.data["project"]}})
        if len(found) > 1:
            raise ValidationError(
                {"project": _("Several projects are titled “%(title)s”; rename one first.") % {"title": row.data["project"]}}
            )
        project = found[0]
        row.extra["project"] = project
        return self.tasks.get((project.pk, row.data["title"]))

    def new_instance(self, row):
        project = row.extra["project"]
        order = self.next_order.get(project.pk, 1)
        self.next_order[project.pk] = order + 1
        return Task(project=project, order=order)

    def check_scope(self, row, instance, is_new):
        if is_new and row.extra["project"].status not in OPEN_FOR_TASKS:
            raise ValidationError({"project": _("Tasks can only be added while the project is in planning or active.")})

    def validate(self, row, instance, exclude):
        # Task.clean() looks for a clash per row; match() and identities() settle that here.
        instance.title, instance.location = (instance.title or "").strip(), (instance.location or "").strip()
        instance.clean_fields(exclude=exclude)

    def identities(self, row, instance):
        return [(_("task name in the same project"), ("task", row.extra["project"].pk, instance.title))]

    def after_write(self, created, updated):
        TaskEvent.objects.bulk_create(
            TaskEvent(task=row.instance, action=TaskAction.CREATE, from_status="", to_status=TaskStatus.OPEN, actor=self.user)
            for row in created
        )
        return ()
