"""Task pages: the board, one task's page, the state-machine actions and bulk creation.

Board actions are HTMX posts: the action runs, then the board partial is rendered
again so the card moves to its new column and the progress bar follows.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.effective import posted
from gongjian.lib.excel import XLSX_TYPE, workbook_bytes
from gongjian.lib.middleware import mark_no_store
from gongjian.lib.views import ObjectEditView
from gongjian.orgs.models import Membership

from .. import bulk
from ..choices import BOARD_COLUMNS, TaskStatus
from ..filters import TaskFilterSet
from ..forms import BulkTaskForm, ClaimForm, ReviewForm, SubmitForm, TaskForm, team_choices
from ..models import Project, Task, TaskEvent, TaskEvidence
from .projects import _file_response

BOARD_LIMIT = 400


def _memberships(user):
    """The user's current organizations, once per request: team checks and claim choices both use them."""
    if not user.person_id:
        return []
    return list(
        Membership.objects.current()
        .filter(person_id=user.person_id, organization__archived_at__isnull=True)
        .select_related("organization")
        .order_by("organization__path")
    )


def annotate_permissions(tasks, user):
    """Set what the user may do on each task, without a query per task."""
    scope = scope_for(user)
    memberships = _memberships(user)
    member_orgs = {m.organization_id for m in memberships}
    for task in tasks:
        project = task.project
        active = project.status == Project.Status.ACTIVE
        team = task.is_team_member(user, member_org_ids=member_orgs)
        editor = scope.can_edit(project.lead_id)
        task.viewer_in_team = team
        task.can_claim = active and task.status == TaskStatus.OPEN and bool(memberships or user.person_id)
        task.can_reclaim = active and task.status == TaskStatus.RETURNED and team
        task.can_submit = active and task.status in (TaskStatus.CLAIMED, TaskStatus.RETURNED) and team
        task.can_review = active and task.status == TaskStatus.SUBMITTED and editor and not team
        task.can_release = task.status in (TaskStatus.CLAIMED, TaskStatus.RETURNED) and (team or editor)
    return memberships


def _claim_choices(user, memberships):
    return team_choices(user, memberships)


def board_context(request, project=None, params=None):
    mark_no_store(request)  # cards name the people in each team
    params = params if params is not None else request.GET
    base = Task.objects.visible_to(request.user).for_board().prefetch_related("evidence_files")
    if project is not None:
        base = base.filter(project=project)
    filterset = TaskFilterSet(params, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base
    tasks = list(queryset.order_by("project_id", "order", "pk")[: BOARD_LIMIT + 1])
    truncated = len(tasks) > BOARD_LIMIT
    tasks = tasks[:BOARD_LIMIT]
    memberships = annotate_permissions(tasks, request.user)
    columns = [(status, status.label, [task for task in tasks if task.status == status]) for status in BOARD_COLUMNS]
    query = params.copy() if hasattr(params, "copy") else QueryDict(mutable=True)
    return {
        "project": project,
        "filterset": filterset,
        "columns": columns,
        "task_count": len(tasks),
        "truncated": truncated,
        "board_limit": BOARD_LIMIT,
        "claim_choices": _claim_choices(request.user, memberships),
        "board_url": (reverse("projects:board", kwargs={"uuid": project.uuid}) if project else reverse("projects:task_board"))
        + (f"?{query.urlencode()}" if query else ""),
        "can_edit_project": project is not None and scope_for(request.user).can_edit(project.lead_id),
    }


def _project_for_board(request, uuid):
    queryset = Project.objects.select_related("lead").with_progress()
    return get_object_for(request.user, Project, "view", queryset=queryset, uuid=uuid)


@login_required
def board(request, uuid):
    """One project's tasks in columns by status, with its progress bar."""
    project = _project_for_board(request, uuid)
    context = {"title": _("Task board: %(project)s") % {"project": project.title}, **board_context(request, project)}
    if getattr(request, "htmx", False) and request.htmx.target == "task-board":
        return render(request, "projects/partials/board.html", context)
    return render(request, "projects/board.html", context)


@login_required
def task_board(request):
    """Tasks across every project the user sees; by default those of the user's own teams."""
    params = request.GET
    if "mine" not in params:
        params = params.copy()
        params["mine"] = "true"
    context = {"title": _("Task board"), **board_context(request, None, params)}
    if getattr(request, "htmx", False) and request.htmx.target == "task-board":
        return render(request, "projects/partials/board.html", context)
    return render(request, "projects/board.html", context)


@login_required
def task_detail(request, uuid):
    queryset = Task.objects.for_board().prefetch_related("evidence_files")
    task = get_object_for(request.user, Task, "view", queryset=queryset, uuid=uuid)
    mark_no_store(request)
    memberships = annotate_permissions([task], request.user)
    events = TaskEvent.objects.filter(task=task).select_related("actor", "actor__person")
    context = {
        "title": task.title,
        "task": task,
        "project": task.project,
        "events": list(events),
        "claim_choices": _claim_choices(request.user, memberships),
        "board_url": reverse("projects:board", kwargs={"uuid": task.project.uuid}),
        "next_url": request.get_full_path(),
        "can_edit_project": scope_for(request.user).can_edit(task.project.lead_id),
    }
    return render(request, "projects/task_detail.html", context)


def _run_action(request, task, action):
    user = request.user
    # Claiming, submitting and accepting may be dated after the fact (补录).
    dated = {"effective_at": posted(request.POST)} if action in ("claim", "submit", "accept") else {}
    if action == "claim":
        form = ClaimForm(request.POST, user=user, choices=_claim_choices(user, _memberships(user)))
        if task.status == TaskStatus.RETURNED:
            task.claim(user, **dated)
        elif not form.is_valid():
            raise ValidationError(_("Choose the team that takes this task."))
        else:
            team_org, people = form.chosen_team()
            task.claim(user, team_org=team_org, team_people=people, **dated)
        return _("You have claimed “%(task)s”.")
    if action == "submit":
        form = SubmitForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        task.submit(user, form.cleaned_data["evidence"], files=form.cleaned_data["files"], **dated)
        return _("“%(task)s” was submitted for review.")
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if action == "accept":
        task.accept(user, comment, **dated)
        return _("“%(task)s” was accepted.")
    if action == "return":
        task.return_(user, comment)
        return _("“%(task)s” was returned to its team.")
    if action == "release":
        task.release(user)
        return _("“%(task)s” is open again.")
    raise Http404


def _safe_next(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@require_POST
@login_required
def task_action(request, uuid, action):
    task = get_object_for(request.user, Task, "view", queryset=Task.objects.select_related("project"), uuid=uuid)
    status = 200
    try:
        message = _run_action(request, task, action)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        status = 400
    except PermissionDenied as e:
        messages.error(request, str(e) or _("You may not do this."))
        status = 403
    else:
        messages.success(request, message % {"task": task.title})
    target = _safe_next(request)
    if getattr(request, "htmx", False):
        # HTMX swaps only 2xx answers; the error is shown on the re-rendered board.
        return _render_board_for(request, target, task)
    if status == 403 and not target:
        raise PermissionDenied
    return HttpResponseRedirect(target or task.get_absolute_url())


def _render_board_for(request, target, task):
    """Render the board the action came from again, with its filters."""
    path, _sep, query = (target or "").partition("?")
    project = None
    try:
        match = resolve(path) if path else None
    except Resolver404:
        match = None
    params = QueryDict(query, mutable=True)
    if match is not None and match.url_name == "task_board":
        params.setdefault("mine", "true")
    else:
        project = _project_for_board(
            request, match.kwargs["uuid"] if match is not None and match.url_name == "board" else task.project.uuid
        )
    return render(request, "projects/partials/board.html", board_context(request, project, params))


# --- Creating tasks -----------------------------------------------------------


class TaskEditView(ObjectEditView):
    model = Task
    form_class = TaskForm

    def get_object(self, request, **kwargs):
        if "project" in kwargs:
            self.project = get_object_for(request.user, Project, "change", uuid=kwargs["project"])
            return Task(project=self.project)
        task = get_object_for(request.user, Task, "change", queryset=Task.objects.select_related("project"), uuid=kwargs["uuid"])
        self.project = task.project
        return task

    def get_form(self, request, obj, data=None, files=None):
        form = super().get_form(request, obj, data, files)
        if obj.pk is None and not form.is_bound:
            top = Task.objects.filter(project=obj.project).aggregate(top=Max("order"))["top"] or 0
            form.initial.setdefault("order", top + 1)
        return form


@require_POST
@login_required
def task_delete(request, uuid):
    task = get_object_for(request.user, Task, "change", queryset=Task.objects.select_related("project"), uuid=uuid)
    try:
        task.delete()
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return HttpResponseRedirect(task.get_absolute_url())
    messages.success(request, _("Deleted %(name)s.") % {"name": task})
    return HttpResponseRedirect(reverse("projects:board", kwargs={"uuid": task.project.uuid}))


@login_required
def task_import(request, uuid):
    """Paste a list or upload a spreadsheet, preview every row, then create all tasks or none."""
    project = get_object_for(request.user, Project, "change", queryset=Project.objects.select_related("lead"), uuid=uuid)
    context = {"title": _("Add tasks in bulk"), "project": project, "form": BulkTaskForm(), "max_rows": bulk.MAX_ROWS}
    if request.method == "POST":
        if "token" in request.POST:
            batch = bulk.unsign_rows(project, request.user, request.POST["token"])
            try:
                tasks = bulk.create_tasks(project, batch, request.user) if not batch.errors else None
            except ValidationError as e:
                batch.errors.extend(e.messages)
                tasks = None
            if tasks is not None:
                messages.success(request, _("Created %(count)s tasks.") % {"count": len(tasks)})
                return HttpResponseRedirect(reverse("projects:board", kwargs={"uuid": project.uuid}))
            context["batch"] = batch
        else:
            form = BulkTaskForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                upload = form.cleaned_data.get("file")
                batch = bulk.parse_sheet(upload) if upload else bulk.parse_text(form.cleaned_data["text"])
                bulk.check_against(project, batch)
                context["batch"] = batch
                if batch.is_valid:
                    context["token"] = bulk.sign_rows(project, request.user, batch)
    return render(request, "projects/task_import.html", context)


@login_required
def task_import_template(request):
    """An empty spreadsheet with the expected columns and an example row."""
    notes = [
        _("One task per row. 任务名称 is required; 位置 and 权重 (1 to 100, default 1) are optional."),
        _("Nothing is created if any row has an error; the preview lists every row's problems."),
    ]
    content = workbook_bytes(bulk.TEMPLATE_HEADERS, [("采样亭01改造设计", "广富林路1号", 1)], title="tasks", notes=notes)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _("task import template.xlsx"))
    return response


@login_required
def evidence_file(request, uuid):
    piece = TaskEvidence.objects.visible_to(request.user).filter(uuid=uuid).first()
    if piece is None:
        raise Http404
    mark_no_store(request)
    return _file_response(request, piece.file, piece.content_type, inline=piece.kind == "photo")
