"""How the records behind a figure are listed: a few columns per kind of record.

The drill-down page and its xlsx show the same columns, read with select_related so a
page of rows is one query whatever the kind.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.activities.models import Activity, Registration
from gongjian.agreements.models import Agreement, Alliance, Honor, Pairing, PracticeBase, Rating
from gongjian.exchange.models import Claim, Need, Resource
from gongjian.orgs.models import Organization
from gongjian.projects.models import Project, Task


def _local(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


@dataclass(frozen=True)
class RecordSpec:
    related: tuple[str, ...]
    columns: tuple[tuple[str, object], ...]  # (header, function of the object)
    url: object = None  # function of the object giving its page, or None


def _url(obj):
    return obj.get_absolute_url()


# Needs and resources are listed alike.
LISTING = RecordSpec(
    ("organization", "category"),
    (
        (_("Title"), lambda o: o.title),
        (_("Organization"), lambda o: o.organization.name),
        (_("Category"), lambda o: o.category.name),
        (_("Status"), lambda o: o.get_status_display()),
        (_("Published at"), lambda o: _local(o.published_at)),
    ),
    _url,
)

SPECS = {
    Activity: RecordSpec(
        ("host",),
        (
            (_("Title"), lambda o: o.title),
            (_("Track"), lambda o: o.get_track_display()),
            (_("Kind"), lambda o: o.get_kind_display()),
            (_("Host"), lambda o: o.host.name),
            (_("Starts at"), lambda o: _local(o.starts_at)),
            (_("Attendance"), lambda o: o.attendee_count if o.attendee_count is not None else ""),
        ),
        _url,
    ),
    Registration: RecordSpec(
        ("activity", "person", "organization"),
        (
            (_("Activity"), lambda o: o.activity.title),
            (_("Person"), lambda o: o.person.name),
            (_("Organization"), lambda o: o.organization.name if o.organization_id else ""),
            (_("Status"), lambda o: o.get_status_display()),
            (_("Checked in at"), lambda o: _local(o.checked_in_at)),
        ),
        lambda o: o.activity.get_absolute_url(),
    ),
    Agreement: RecordSpec(
        (),
        (
            (_("Title"), lambda o: o.title),
            (_("Track"), lambda o: o.get_track_display()),
            (_("Status"), lambda o: o.get_status_display()),
            (_("Signed on"), lambda o: _local(o.signed_on)),
            (_("Term"), lambda o: f"{_local(o.start_date)} – {_local(o.end_date)}"),
        ),
        _url,
    ),
    Need: LISTING,
    Resource: LISTING,
    Claim: RecordSpec(
        ("need", "resource", "claimant"),
        (
            (_("Need or resource"), lambda o: (o.need or o.resource).title),
            (_("Claimant"), lambda o: o.claimant.name),
            (_("Status"), lambda o: o.get_status_display()),
            (_("Claimed at"), lambda o: _local(o.claimed_at)),
            (_("Decided at"), lambda o: _local(o.decided_at)),
        ),
        _url,
    ),
    Project: RecordSpec(
        ("lead",),
        (
            (_("Title"), lambda o: o.title),
            (_("Lead"), lambda o: o.lead.name),
            (_("Status"), lambda o: o.get_status_display()),
            (_("Start date"), lambda o: _local(o.period_start)),
            (_("End date"), lambda o: _local(o.period_end)),
        ),
        _url,
    ),
    Task: RecordSpec(
        ("project", "team_org"),
        (
            (_("Task"), lambda o: o.title),
            (_("Project"), lambda o: o.project.title),
            (_("Team"), lambda o: o.team_org.name if o.team_org_id else ""),
            (_("Accepted at"), lambda o: _local(o.reviewed_at)),
        ),
        _url,
    ),
    Honor: RecordSpec(
        ("issuer",),
        (
            (_("Title"), lambda o: o.title),
            (_("Kind"), lambda o: o.get_kind_display()),
            (_("Issuer"), lambda o: o.issuer_label),
            (_("Date"), lambda o: _local(o.awarded_on)),
        ),
        _url,
    ),
    PracticeBase: RecordSpec(
        ("host",),
        (
            (_("Name"), lambda o: o.name),
            (_("Kind"), lambda o: o.get_kind_display()),
            (_("Host"), lambda o: o.host.name),
            (_("Established on"), lambda o: _local(o.established_on)),
        ),
        _url,
    ),
    Pairing: RecordSpec(
        ("org_a", "org_b"),
        (
            (_("Organization"), lambda o: o.org_a.name),
            (_("Paired with"), lambda o: o.org_b.name),
            (_("Theme"), lambda o: o.theme),
            (_("Start date"), lambda o: _local(o.start_date)),
        ),
        _url,
    ),
    Alliance: RecordSpec(
        ("lead",),
        (
            (_("Name"), lambda o: o.name),
            (_("Kind"), lambda o: o.get_kind_display()),
            (_("Lead"), lambda o: o.lead.name),
            (_("Founded on"), lambda o: _local(o.founded_on)),
        ),
        _url,
    ),
    Rating: RecordSpec(
        ("obligation__party__agreement", "obligation__party__organization", "rater__organization"),
        (
            (_("Agreement"), lambda o: o.obligation.party.agreement.title),
            (_("Obligation of"), lambda o: o.obligation.party.organization.name),
            (_("Rated by"), lambda o: o.rater.organization.name),
            (_("Score"), lambda o: o.score),
            (_("Comment"), lambda o: o.comment),
        ),
        lambda o: o.obligation.party.agreement.get_absolute_url(),
    ),
    Organization: RecordSpec(
        ("region",),
        (
            (_("Name"), lambda o: o.name),
            (_("Sector"), lambda o: o.get_sector_display()),
            (_("Region"), lambda o: o.region.name if o.region_id else ""),
        ),
        _url,
    ),
}


def spec_for(queryset) -> RecordSpec:
    return SPECS[queryset.model]


def rows(spec: RecordSpec, objects):
    """(url, [cell, …]) per record."""
    for obj in objects:
        yield (spec.url(obj) if spec.url else ""), [str(fn(obj)) for _, fn in spec.columns]


def prepared(queryset):
    spec = spec_for(queryset)
    return queryset.select_related(*spec.related).order_by("-pk") if spec.related else queryset.order_by("-pk")
