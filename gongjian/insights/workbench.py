"""The workbench (工作台): what each user has to do, then what is coming, then a few figures.

Every section is a count plus the first few items, each read with the same scoped
QuerySet method the section's own list page uses, so the workbench never shows a thing
the user could not open. The number of queries is fixed: it does not grow with the data.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.activities.choices import RegistrationStatus
from gongjian.activities.models import Activity, Registration
from gongjian.agreements.choices import AgreementStatus
from gongjian.agreements.models import Agreement
from gongjian.exchange.models import Claim
from gongjian.imports.models import ImportJob
from gongjian.lib.access import scope_for
from gongjian.notifications.models import Notification
from gongjian.projects.choices import TaskStatus
from gongjian.projects.models import Task

SHOWN = 5

# What an agreement waits for in each stage, said as the next step.
AGREEMENT_NEXT = {
    AgreementStatus.DRAFT: _("to sign"),
    AgreementStatus.SIGNED: _("to disclose"),
    AgreementStatus.PUBLISHED: _("to put into practice"),
    AgreementStatus.PERFORMING: _("to evaluate"),
}


@dataclass
class Section:
    key: str
    title: str
    icon: str
    count: int
    items: list = field(default_factory=list)  # (title, detail, url)
    url: str = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


def _local(value) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


def _section(key, title, icon, queryset, item, url=""):
    items = list(queryset[:SHOWN])
    count = len(items) if len(items) < SHOWN else queryset.count()
    return Section(key, title, icon, count, [item(obj) for obj in items], url)


def todo(user) -> list[Section]:
    """The to-do sections for this user, most urgent first; empty sections are left out."""
    scope = scope_for(user)
    administers = scope.administers
    sections = []
    if administers:
        claims = Claim.objects.decidable_by(user).pending().select_related("need", "resource", "claimant").order_by("created_at")
        sections.append(
            _section(
                "claims",
                _("Claims awaiting my decision"),
                "bi-hand-index",
                claims,
                lambda c: ((c.need or c.resource).title, c.claimant.name, c.get_absolute_url()),
                reverse("exchange:claim_list") + "?status=pending",
            )
        )
        tasks = Task.objects.editable_by(user).filter(status=TaskStatus.SUBMITTED).select_related("project").order_by("submitted_at")
        sections.append(
            _section(
                "tasks",
                _("Tasks to review"),
                "bi-clipboard-check",
                tasks,
                lambda t: (t.title, t.project.title, t.get_absolute_url()),
                reverse("projects:task_board") + "?status=submitted",
            )
        )
        agreements = Agreement.objects.editable_by(user).active().filter(status__in=list(AGREEMENT_NEXT)).order_by("status", "-pk")
        sections.append(
            _section(
                "agreements",
                _("Agreements to sign, put into practice or evaluate"),
                "bi-pen",
                agreements,
                lambda a: (a.title, AGREEMENT_NEXT[a.status], a.get_absolute_url()),
                reverse("agreements:agreement_list"),
            )
        )
        today = timezone.localdate()
        start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
        end = start + timezone.timedelta(days=1)
        checkins = (
            Activity.objects.editable_by(user)
            .active()
            .filter(cancelled_at__isnull=True, starts_at__lt=end, ends_at__gte=start)
            .order_by("starts_at")
        )
        sections.append(
            _section(
                "checkins",
                _("Today's check-ins"),
                "bi-qr-code-scan",
                checkins,
                lambda a: (a.title, _local(a.starts_at), reverse("activities:checkin_code", kwargs={"uuid": a.uuid})),
                reverse("activities:list") + "?when=upcoming",
            )
        )
    if user.person_id:
        my_tasks = (
            Task.objects.of_team(user)
            .filter(status__in=(TaskStatus.CLAIMED, TaskStatus.RETURNED))
            .select_related("project")
            .order_by("claimed_at")
        )
        sections.append(
            _section(
                "my_tasks",
                _("My teams' tasks to finish"),
                "bi-list-check",
                my_tasks,
                lambda t: (t.title, t.get_status_display(), t.get_absolute_url()),
                reverse("projects:task_board") + "?mine=true",
            )
        )
        registrations = (
            Registration.objects.filter(person_id=user.person_id, status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED))
            .filter(activity__ends_at__gte=timezone.now(), activity__cancelled_at__isnull=True)
            .select_related("activity")
            .order_by("activity__starts_at")
        )
        sections.append(
            _section(
                "registrations",
                _("My registrations"),
                "bi-calendar-check",
                registrations,
                lambda r: (r.activity.title, f"{_local(r.activity.starts_at)} · {r.get_status_display()}", r.activity.get_absolute_url()),
            )
        )
    failed = ImportJob.objects.filter(created_by=user, status__in=(ImportJob.Status.FAILED, ImportJob.Status.INVALID)).filter(
        created_at__gte=timezone.now() - timezone.timedelta(days=30)
    )
    sections.append(
        _section(
            "imports",
            _("Imports that failed"),
            "bi-exclamation-triangle",
            failed.order_by("-created_at"),
            lambda j: (j.original_name or j.kind, j.get_status_display(), j.get_absolute_url()),
        )
    )
    notices = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")
    sections.append(
        _section(
            "notifications",
            _("Unread notifications"),
            "bi-bell",
            notices,
            lambda n: (n.title, _local(n.created_at), n.url or reverse("notifications:list")),
            reverse("notifications:list"),
        )
    )
    return [s for s in sections if s.count]


def upcoming(user, limit=6):
    """Activities ahead that reach the user: their organizations', or ones they registered for or speak at."""
    qs = Activity.objects.visible_to(user).active().upcoming().filter(cancelled_at__isnull=True)
    return list(qs.select_related("host").order_by("starts_at")[:limit])
