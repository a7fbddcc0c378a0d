"""Releasing the year's three lists (需求清单, 资源清单, 项目清单) as frozen snapshots.

The alliance publishes them, typically once a year at its joint meeting. A
release copies what the list says that day, so later edits to a need or a
project never rewrite what was announced.
"""

import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.excel import xlsx_response
from gongjian.projects.models import Project

from .choices import ListKind, NeedStatus, ResourceStatus
from .models import ListRelease, Need, Resource

# (key in a snapshot row, column header)
COLUMNS = {
    ListKind.NEEDS: (
        ("title", _("Title")),
        ("organization", _("Organization")),
        ("category", _("Category")),
        ("region", _("Region")),
        ("scale", _("Scale")),
        ("deadline", _("Deadline")),
        ("status", _("Status")),
        ("featured", _("Featured")),
    ),
    ListKind.RESOURCES: (
        ("title", _("Title")),
        ("organization", _("Organization")),
        ("category", _("Category")),
        ("region", _("Service area")),
        ("capacity", _("Spare capacity")),
        ("available_until", _("Available until")),
        ("status", _("Status")),
        ("featured", _("Featured")),
    ),
    ListKind.PROJECTS: (
        ("title", _("Title")),
        ("brand", _("Brand")),
        ("lead", _("Lead organization")),
        ("partners", _("Partner organizations")),
        ("status", _("Status")),
        ("progress", _("Progress (%)")),
        ("featured", _("Featured")),
    ),
}

STATUS_LABELS = {ListKind.NEEDS: NeedStatus, ListKind.RESOURCES: ResourceStatus}


def _year_bounds(year: int):
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def _need_rows(year, featured):
    start, end = _year_bounds(year)
    needs = Need.objects.active().filter(published_at__gte=start, published_at__lt=end).select_related("organization", "category", "region")
    return [
        {
            "uuid": str(n.uuid),
            "title": n.title,
            "organization": n.organization.name,
            "category": n.category.name,
            "region": n.region.name if n.region_id else "",
            "scale": n.scale,
            "deadline": n.deadline.isoformat() if n.deadline else "",
            "status": n.status,
            "featured": n.featured or str(n.uuid) in featured,
        }
        for n in needs.order_by("category__order", "organization__name", "pk")
    ]


def _resource_rows(year, featured):
    start, end = _year_bounds(year)
    resources = Resource.objects.active().filter(published_at__gte=start, published_at__lt=end)
    return [
        {
            "uuid": str(r.uuid),
            "title": r.title,
            "organization": r.organization.name,
            "category": r.category.name,
            "region": r.region.name if r.region_id else "",
            "capacity": r.capacity_display,
            "available_until": r.available_until.isoformat() if r.available_until else "",
            "status": r.status,
            "featured": str(r.uuid) in featured,
        }
        for r in resources.select_related("organization", "category", "region").order_by("category__order", "organization__name", "pk")
    ]


def _project_rows(year, featured):
    start, end = _year_bounds(year)
    # The year's projects: started that year, or still running into it.
    projects = Project.objects.filter(archived_at__isnull=True, created_at__lt=end).filter(
        models.Q(created_at__gte=start) | models.Q(status__in=["planning", "active"])
    )
    if hasattr(projects, "with_progress"):
        projects = projects.with_progress()
    projects = projects.select_related("lead").prefetch_related("partners").order_by("lead__name", "pk")
    return [
        {
            "uuid": str(p.uuid),
            "title": p.title,
            "brand": getattr(p, "brand", ""),
            "lead": p.lead.name,
            "partners": [o.name for o in p.partners.all()],
            "status": p.status,
            "status_label": str(p.get_status_display()),
            "progress": _progress(p),
            "featured": bool(getattr(p, "is_featured", False)) or str(p.uuid) in featured,
        }
        for p in projects
    ]


def _progress(project):
    """Whole percent done; the projects app computes it (from the ``with_progress()`` annotation when there)."""
    progress = getattr(project, "progress", None)
    value = progress() if callable(progress) else progress
    return value if isinstance(value, int) else None


BUILDERS = {ListKind.NEEDS: _need_rows, ListKind.RESOURCES: _resource_rows, ListKind.PROJECTS: _project_rows}


def snapshot_rows(year: int, kind: str, featured=()) -> list[dict]:
    return BUILDERS[kind](year, set(featured))


def featured_choices(kind: str | None = None, limit=300):
    """(uuid, label) pairs the publisher can feature: needs and projects, newest first."""
    groups = []
    if kind in (None, ListKind.NEEDS):
        needs = Need.objects.active().published().select_related("organization").order_by("-published_at")[:limit]
        groups.append((gettext("Needs"), [(str(n.uuid), f"{n.title} · {n.organization.name}") for n in needs]))
    if kind in (None, ListKind.RESOURCES):
        resources = Resource.objects.active().published().select_related("organization").order_by("-published_at")[:limit]
        groups.append((gettext("Resources"), [(str(r.uuid), f"{r.title} · {r.organization.name}") for r in resources]))
    if kind in (None, ListKind.PROJECTS):
        projects = Project.objects.filter(archived_at__isnull=True).select_related("lead").order_by("-created_at")[:limit]
        groups.append((gettext("Projects"), [(str(p.uuid), f"{p.title} · {p.lead.name}") for p in projects]))
    return groups


def publish(year: int, kind: str, *, by, featured=(), title="", note="") -> ListRelease:
    """Freeze the list for ``year`` as a new release; the newest release of a year is the current one."""
    featured = sorted({str(u) for u in featured})
    rows = snapshot_rows(year, kind, featured)
    release = ListRelease(
        year=year,
        kind=kind,
        title=title or f"{year} {ListKind(kind).label}",
        note=note,
        published_by=by,
        snapshot=rows,
        featured=featured,
    )
    release.full_clean()
    with transaction.atomic():
        release.save()
        record(Action.PUBLISH, release, changes={"rows": [None, len(rows)], "featured": [None, featured]}, actor=by)
    return release


def status_label(kind: str, row: dict) -> str:
    if "status_label" in row:
        return row["status_label"]
    choices = STATUS_LABELS.get(kind)
    try:
        return str(choices(row.get("status")).label) if choices else row.get("status", "")
    except ValueError:
        return row.get("status", "")


def display_rows(release: ListRelease):
    """Snapshot rows as lists of cell values, in the column order of its kind."""
    columns = COLUMNS[release.kind]
    featured_word, plain = gettext("Yes"), ""
    for row in release.snapshot:
        cells = []
        for key, _header in columns:
            if key == "status":
                cells.append(status_label(release.kind, row))
            elif key == "featured":
                cells.append(featured_word if row.get("featured") else plain)
            else:
                value = row.get(key, "")
                cells.append("、".join(value) if isinstance(value, list) else ("" if value is None else value))
        yield row, cells


def export(release: ListRelease):
    """The release as an Excel workbook, recorded as an export."""
    headers = [str(header) for _key, header in COLUMNS[release.kind]]
    rows = [cells for _row, cells in display_rows(release)]
    record(Action.EXPORT, release, changes={"rows": len(rows)})
    filename = f"{release.year}-{release.get_kind_display()}.xlsx"
    notes = [str(release), gettext("Published at %(time)s") % {"time": timezone.localtime(release.published_at).strftime("%Y-%m-%d %H:%M")}]
    return xlsx_response(filename, headers, rows, title=str(release.get_kind_display()), notes=notes)
