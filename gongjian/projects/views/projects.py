"""Pages for projects, their milestones and outcomes, and the public showcase."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.effective import posted
from gongjian.lib.middleware import mark_no_store
from gongjian.lib.uploads import open_stored
from gongjian.lib.views import ObjectDetailView, ObjectEditView, ObjectListView
from gongjian.news.safety.detect import Scanner
from gongjian.news.safety.publishing import is_publishable, refuse_if_blocked

from ..choices import BOARD_COLUMNS, OutcomeKind, TaskStatus
from ..filters import ProjectFilterSet
from ..forms import MilestoneForm, OutcomeForm, ProjectForm
from ..models import Milestone, Outcome, Project, ProjectEvent, Task


def may_create_projects(user) -> bool:
    scope = scope_for(user)
    return scope.administers


def _names(organizations):
    return "、".join(org.name for org in organizations)


class ProjectListView(ObjectListView):
    queryset = Project.objects.select_related("lead").prefetch_related("partners").with_progress()
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"
    table_template_name = "projects/partials/project_table.html"
    title = gettext_lazy("Projects")
    export_columns = (
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Brand"), "brand"),
        (gettext_lazy("Track"), lambda p: p.get_track_display()),
        (gettext_lazy("Lead organization"), lambda p: p.lead.name),
        (gettext_lazy("Partner organizations"), lambda p: _names(p.partners.all())),
        (gettext_lazy("Status"), lambda p: p.get_status_display()),
        (gettext_lazy("Start date"), "period_start"),
        (gettext_lazy("End date"), "period_end"),
        (gettext_lazy("Progress (%)"), "progress_percent"),
    )

    def can_create(self, request):
        return may_create_projects(request.user)


class ProjectDetailView(ObjectDetailView):
    model = Project
    template_name = "projects/project_detail.html"

    def get_object(self, request, **kwargs):
        queryset = Project.objects.select_related("lead", "agreement").with_progress()
        return get_object_for(request.user, Project, "view", queryset=queryset, uuid=kwargs["uuid"])

    def get_extra_context(self, request, obj):
        mark_no_store(request)  # the history names people
        counts = dict(obj.tasks.order_by().values_list("status").annotate(n=Count("pk")))
        events = ProjectEvent.objects.filter(project=obj).select_related("actor", "actor__person")
        return {
            "title": obj.title,
            "partners": list(obj.partners.all()),
            "needs": list(obj.needs.all()),
            "resources": list(obj.resources.all()),
            "milestones": list(obj.milestones.all()),
            "outcomes": list(obj.outcomes.all()),
            "task_counts": [(status, status.label, counts.get(status, 0)) for status in BOARD_COLUMNS],
            "task_total": sum(counts.values()),
            "events": list(events),
            "transitions": _transitions(obj),
            "can_view_showcase": obj.is_public and not obj.is_archived,
        }


def _transitions(project):
    """The status buttons a project in its current status offers: (verb, label, style, takes an effective date)."""
    return {
        Project.Status.PLANNING: [
            ("activate", _("Start the project"), "btn-danger", True),
            ("archive", _("Archive"), "btn-outline-secondary", False),
        ],
        Project.Status.ACTIVE: [("complete", _("Mark as completed"), "btn-outline-success", True)],
        Project.Status.COMPLETED: [("archive", _("Archive"), "btn-outline-secondary", False)],
        Project.Status.ARCHIVED: [("restore", _("Restore"), "btn-outline-secondary", False)],
    }[project.status]


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm

    def check_create(self, request):
        if not may_create_projects(request.user):
            raise PermissionDenied


PROJECT_VERBS = {"activate": "activate", "complete": "complete", "archive": "archive", "restore": "restore"}
# Steps that may be dated after the fact (补录); archiving and restoring happen now.
DATED_VERBS = ("activate", "complete")


@require_POST
@login_required
def project_transition(request, uuid, verb):
    project = get_object_for(request.user, Project, "change", uuid=uuid)
    if verb not in PROJECT_VERBS:
        raise Http404
    try:
        kwargs = {"effective_at": posted(request.POST)} if verb in DATED_VERBS else {}
        getattr(project, PROJECT_VERBS[verb])(by=request.user, **kwargs)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The project is now %(status)s.") % {"status": project.get_status_display()})
    return HttpResponseRedirect(project.get_absolute_url())


# --- Milestones and outcomes ------------------------------------------------


class ProjectPartEditView(ObjectEditView):
    """Create a part under a project (project uuid in the URL) or edit one by its own uuid."""

    def get_object(self, request, **kwargs):
        if "project" in kwargs:
            self.project = get_object_for(request.user, Project, "change", uuid=kwargs["project"])
            return self.model(project=self.project)
        obj = get_object_for(request.user, self.model, "change", queryset=self.model.objects.select_related("project"), uuid=kwargs["uuid"])
        self.project = obj.project
        return obj


class MilestoneEditView(ProjectPartEditView):
    model = Milestone
    form_class = MilestoneForm


class OutcomeEditView(ProjectPartEditView):
    model = Outcome
    form_class = OutcomeForm


@require_POST
@login_required
def milestone_toggle(request, uuid):
    milestone = get_object_for(request.user, Milestone, "change", queryset=Milestone.objects.select_related("project"), uuid=uuid)
    if milestone.is_done:
        milestone.reopen()
    else:
        milestone.mark_done()
    return HttpResponseRedirect(milestone.project.get_absolute_url() + "#milestones")


@require_POST
@login_required
def milestone_delete(request, uuid):
    milestone = get_object_for(request.user, Milestone, "change", queryset=Milestone.objects.select_related("project"), uuid=uuid)
    milestone.delete()
    messages.success(request, _("Deleted %(name)s.") % {"name": milestone})
    return HttpResponseRedirect(milestone.project.get_absolute_url() + "#milestones")


@require_POST
@login_required
def outcome_delete(request, uuid):
    outcome = get_object_for(request.user, Outcome, "change", queryset=Outcome.objects.select_related("project"), uuid=uuid)
    if outcome.file:
        outcome.file.delete(save=False)
    outcome.delete()
    messages.success(request, _("Deleted %(name)s.") % {"name": outcome})
    return HttpResponseRedirect(outcome.project.get_absolute_url() + "#outcomes")


def outcome_file(request, uuid):
    """An outcome's photo or file: for people who see the project, or anyone if it is on the showcase."""
    outcome = Outcome.objects.filter(uuid=uuid).exclude(file="").select_related("project").first()
    if outcome is None:
        raise Http404
    public = Project.objects.showcase().filter(pk=outcome.project_id).exists()
    if not public and not Project.objects.visible_to(request.user).filter(pk=outcome.project_id).exists():
        raise Http404
    return _file_response(request, outcome.file, outcome.content_type, inline=outcome.kind == OutcomeKind.PHOTO)


def _file_response(request, fieldfile, content_type, inline):
    handle = open_stored(request, fieldfile)
    name = fieldfile.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, content_type=content_type or "application/octet-stream", as_attachment=not inline, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Public showcase --------------------------------------------------------

SHOWCASE_OUTCOMES = Prefetch("outcomes", queryset=Outcome.objects.order_by("created_at", "pk"))


def showcase_list(request):
    """Every project flagged public, newest first; no login needed."""
    projects = (
        Project.objects.showcase()
        .select_related("lead")
        .prefetch_related("partners")
        .with_progress()
        .order_by("-is_featured", "-created_at", "-pk")
    )
    # No public page without the content-safety scan (SECURITY.md item 13): what now scans as
    # block (changed behind the application, or the term list grew) is left out.
    scanner = Scanner.from_db()
    shown = [
        p
        for p in projects
        if not is_publishable(p.title, p.brand, p.lead.name, *(o.name for o in p.partners.all()), scanner=scanner).blocked
    ]
    return render(request, "projects/showcase_list.html", {"title": _("Project showcase"), "projects": shown})


def showcase_detail(request, uuid):
    """One public project: brand, goals, progress and outcomes. Nothing about people."""
    project = (
        Project.objects.showcase()
        .select_related("lead")
        .prefetch_related("partners", "milestones", SHOWCASE_OUTCOMES)
        .with_progress()
        .filter(uuid=uuid)
        .first()
    )
    if project is None:
        raise Http404
    refuse_if_blocked(project, *project.public_texts())
    counts = dict(Task.objects.filter(project=project).order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "title": project.brand or project.title,
        "project": project,
        "task_total": sum(counts.values()),
        "task_accepted": counts.get(TaskStatus.ACCEPTED, 0),
        "showcase_url": request.build_absolute_uri(reverse("projects:showcase", kwargs={"uuid": project.uuid})),
    }
    return render(request, "projects/showcase_detail.html", context)
