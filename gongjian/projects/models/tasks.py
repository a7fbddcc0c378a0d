"""Tasks: a project's units of work, claimed by teams and reviewed by the lead.

    open ──claim──▶ claimed ──submit──▶ submitted ──accept──▶ accepted
      ▲               │  ▲                  │
      └──release──────┘  └──claim── returned ◀──return──┘
                                  │ ──submit──▶ submitted

Every change is a compare-and-set on the status column inside a transaction,
with a TaskEvent row beside it, so two teams racing for the last open task
cannot both win.

Claiming, submitting and accepting take an optional effective date for work
recorded after it happened (补录); see Task.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import ScopedQuerySet, scope_for
from gongjian.lib.effective import Floor, audit_changes, effective_moment
from gongjian.lib.models import TrackedModel

from .. import uploads
from ..choices import EvidenceKind, TaskAction, TaskStatus
from .projects import FUTURE, Project

MAX_WEIGHT = 100


class TaskQuerySet(ScopedQuerySet):
    """A task is seen by whoever sees its project and edited by the project's editors."""

    def visible_to(self, user):
        if scope_for(user).everything:
            return self
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        if scope_for(user).everything:
            return self
        return self.filter(project__in=Project.objects.editable_by(user).values("pk"))

    def for_board(self):
        """Everything a board card shows, in a fixed number of queries."""
        return self.select_related("project", "project__lead", "team_org", "claimed_by", "claimed_by__person", "reviewer").prefetch_related(
            "team_people"
        )

    def of_team(self, user):
        """Tasks the user's teams hold: claimed by them, naming them, or held by an organization they belong to."""
        if not user.is_authenticated:
            return self.none()
        q = Q(claimed_by=user)
        if user.person_id:
            from gongjian.orgs.models import Membership

            orgs = Membership.objects.current().filter(person_id=user.person_id).values("organization_id")
            q |= Q(team_people=user.person_id) | Q(team_org__in=orgs)
        return self.filter(pk__in=Task._base_manager.filter(q).values("pk"))


class Task(TrackedModel):
    """One unit of a project's work, e.g. the redesign of one sampling booth at its address.

    Effective dates (补录): a task's story starts when its project started (a task created
    today in bulk for a 2023 project is still worked on in 2023). Claiming, submitting and
    accepting take an optional effective date, never in the future, never before the project
    started and never before the task's previous step: accepted ≥ submitted ≥ claimed.
    ``claimed_at``, ``submitted_at``, ``reviewed_at`` and the event's ``created_at`` hold the
    effective date; the event's ``recorded_at`` and the audit record the real time. Returning
    and releasing are stamped with the real time.
    """

    Status = TaskStatus

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=120)
    location = models.CharField(_("location"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT)],
        help_text=_("Counts towards progress; 1 to 100."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN, editable=False)
    team_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("team organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_tasks",
        editable=False,
    )
    team_people = models.ManyToManyField(
        "orgs.Person", verbose_name=_("team members"), blank=True, related_name="project_tasks", editable=False
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    evidence = models.TextField(pgettext_lazy("task", "evidence"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    review_comment = models.TextField(_("review comment"), blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="projects_task_unique_title"),
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="projects_task_status_valid"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=MAX_WEIGHT), name="projects_task_weight_range"),
            # An open task belongs to no team.
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.OPEN) | Q(team_org__isnull=True, claimed_by__isnull=True),
                name="projects_task_open_has_no_team",
            ),
        ]
        indexes = [
            # The weight rides along so a project's progress is read from the index alone.
            models.Index(fields=["project", "status", "weight"], name="projects_task_progress_idx"),
            # Tasks accepted in a period (the dashboard, reports).
            models.Index(fields=["status", "reviewed_at"], name="projects_task_reviewed_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("projects:board", kwargs={"uuid": self.project.uuid}) + f"#task-{self.uuid}"

    def clean(self):
        self.title = (self.title or "").strip()
        self.location = (self.location or "").strip()
        if self.project_id and self.title:
            clash = Task._base_manager.filter(project_id=self.project_id, title=self.title).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"title": _("This project already has a task with this title.")})

    def delete(self, *args, **kwargs):
        if self.status != TaskStatus.OPEN or self.events.exclude(action=TaskAction.CREATE).exists():
            raise ValidationError(_("Only an open task that nobody has worked on can be deleted."))
        return super().delete(*args, **kwargs)

    # --- who may do what ----------------------------------------------------
    def team_label(self) -> str:
        if self.team_org_id:
            return self.team_org.name
        return "、".join(person.name for person in self.team_people.all())

    def is_team_member(self, user, member_org_ids=None) -> bool:
        """The claimant, a named person, or a current member of the claiming organization (not its admins above).

        ``member_org_ids`` (the user's current organizations) saves a query per task on the board.
        """
        if user is None or not user.is_authenticated or self.status == TaskStatus.OPEN:
            return False
        if self.claimed_by_id == user.pk:
            return True
        if not user.person_id:
            return False
        if any(person.pk == user.person_id for person in self.team_people.all()):
            return True
        if self.team_org_id and member_org_ids is not None:
            return self.team_org_id in member_org_ids
        if self.team_org_id:
            from gongjian.orgs.models import Membership

            return Membership.objects.current().filter(person_id=user.person_id, organization_id=self.team_org_id).exists()
        return False

    def can_review(self, user) -> bool:
        """Editors of the lead organization review, but never their own team's work."""
        return scope_for(user).can_edit(self.project.lead_id) and not self.is_team_member(user)

    def _check_visible(self, user):
        if not Project.objects.visible_to(user).filter(pk=self.project_id).exists():
            raise PermissionDenied(_("You cannot see this project."))

    def _check_project_active(self):
        status = Project._base_manager.filter(pk=self.project_id).values_list("status", flat=True).first()
        if status != Project.Status.ACTIVE:
            raise ValidationError(_("Tasks can only be worked on while the project is active."), code="project_not_active")

    # --- the state machine --------------------------------------------------
    def effective(self, value):
        """When a step of this task took effect: never in the future, before the project started or before the task's previous step."""
        started = Floor(self.project.started_at(), _("A task cannot be worked on before its project started (%(date)s)."))
        steps = TaskEvent.objects.filter(task_id=self.pk).exclude(action=TaskAction.CREATE).order_by("-created_at", "-pk")
        previous = Floor(
            steps.values_list("created_at", flat=True).first(), _("This step cannot be dated before the task's previous step (%(date)s).")
        )
        return effective_moment(value, started, previous, future=FUTURE)

    def _move(self, action, allowed_from, to, by, message, comment="", conflict=None, at=None, **fields):
        """Compare-and-set the status; the caller's transaction also writes the history row, dated ``at`` (default now)."""
        current = Task._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
        if current not in allowed_from:
            raise ValidationError(message, code="invalid_transition")
        now = timezone.now()
        at = at or now
        fields = {key: (at if value is _NOW else value) for key, value in fields.items()}
        updated = Task._base_manager.filter(pk=self.pk, status=current).update(status=to, updated_at=now, **fields)
        if not updated:
            # Nothing got updated: another request moved the task first.
            raise ValidationError(conflict or _("Someone else changed this task a moment ago; reload and try again."), code="conflict")
        TaskEvent.objects.create(task=self, action=action, from_status=current, to_status=to, actor=by, comment=comment, created_at=at)
        changes = {"status": [current, to], **audit_changes(at)}
        changes.update(
            {key: [None, str(getattr(value, "pk", value))] for key, value in fields.items() if key not in ("evidence", "review_comment")}
        )
        record(Action.UPDATE, self, changes=changes)
        self.status = to
        for key, value in fields.items():
            setattr(self, key, value)
        self.updated_at = now

    def claim(self, by, team_org=None, team_people=(), effective_at=None):
        """A team takes the task: an organization, or named people. A returned task goes back to its own team.

        ``effective_at`` dates a claim entered after the fact (default now).
        """
        self._check_visible(by)
        self._check_project_active()
        team_people = list(team_people or [])
        with transaction.atomic():
            current = Task._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            if current == TaskStatus.RETURNED:
                self.refresh_from_db(fields=["team_org", "claimed_by", "status"])
                if not self.is_team_member(by):
                    raise PermissionDenied(_("Only the team this task was returned to can take it up again."))
                at = self.effective(effective_at)
                self._move(TaskAction.CLAIM, (TaskStatus.RETURNED,), TaskStatus.CLAIMED, by, _("This task cannot be claimed now."), at=at)
                return self
            if current != TaskStatus.OPEN:
                raise ValidationError(_("This task has already been claimed by another team."), code="already_claimed")
            self._check_team(by, team_org, team_people)
            self._move(
                TaskAction.CLAIM,
                (TaskStatus.OPEN,),
                TaskStatus.CLAIMED,
                by,
                _("This task has already been claimed by another team."),
                conflict=_("This task has already been claimed by another team."),
                at=self.effective(effective_at),
                team_org=team_org,
                claimed_by=by,
                claimed_at=_NOW,
            )
            self.team_people.set(team_people)
        return self

    def _check_team(self, by, team_org, team_people):
        if team_org is None and not team_people:
            raise ValidationError(_("Name the team: an organization or at least one person."), code="no_team")
        scope = scope_for(by)
        if team_org is not None and not scope.can_view(team_org.pk):
            raise PermissionDenied(_("You can only claim for an organization you belong to."))
        if team_people:
            from gongjian.orgs.models import Person

            ids = {getattr(person, "pk", person) for person in team_people}
            if Person.objects.visible_to(by).filter(pk__in=ids).count() != len(ids):
                raise PermissionDenied(_("You can only name people from your own organizations."))

    def submit(self, by, evidence, files=(), effective_at=None):
        """The team hands in its work; the evidence text is required, photos and files are optional.

        ``effective_at`` dates a submission entered after the fact (default now).
        """
        evidence = (evidence or "").strip()
        if not evidence:
            raise ValidationError({"evidence": _("Describe the work done: evidence is required.")}, code="evidence_required")
        self.refresh_from_db(fields=["status", "team_org", "claimed_by"])
        if self.status not in (TaskStatus.CLAIMED, TaskStatus.RETURNED):
            raise ValidationError(_("Only a claimed or returned task can be submitted."), code="invalid_transition")
        if not self.is_team_member(by):
            raise PermissionDenied(_("Only the team that claimed this task can submit it."))
        self._check_project_active()
        pieces = [TaskEvidence.prepare(self, upload, by) for upload in files]
        with transaction.atomic():
            self._move(
                TaskAction.SUBMIT,
                (TaskStatus.CLAIMED, TaskStatus.RETURNED),
                TaskStatus.SUBMITTED,
                by,
                _("Only a claimed or returned task can be submitted."),
                at=self.effective(effective_at),
                evidence=evidence,
                submitted_at=_NOW,
            )
            for piece in pieces:
                piece.save()
        return self

    def accept(self, reviewer, comment="", effective_at=None):
        """The lead organization approves the work; it now counts towards progress.

        ``effective_at`` dates an acceptance entered after the fact (default now).
        """
        self.refresh_from_db(fields=["status", "team_org", "claimed_by"])
        if self.status != TaskStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted task can be accepted."), code="invalid_transition")
        self._check_reviewer(reviewer)
        with transaction.atomic():
            self._move(
                TaskAction.ACCEPT,
                (TaskStatus.SUBMITTED,),
                TaskStatus.ACCEPTED,
                reviewer,
                _("Only a submitted task can be accepted."),
                at=self.effective(effective_at),
                comment=(comment or "").strip(),
                reviewer=reviewer,
                review_comment=(comment or "").strip(),
                reviewed_at=_NOW,
            )
        return self

    def return_(self, reviewer, comment):
        """Send the work back to its team with the reviewer's comments."""
        comment = (comment or "").strip()
        if not comment:
            raise ValidationError(
                {"comment": _("Say what needs to change: a comment is required when returning a task.")}, code="comment_required"
            )
        self.refresh_from_db(fields=["status", "team_org", "claimed_by"])
        if self.status != TaskStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted task can be returned."), code="invalid_transition")
        self._check_reviewer(reviewer)
        with transaction.atomic():
            self._move(
                TaskAction.RETURN,
                (TaskStatus.SUBMITTED,),
                TaskStatus.RETURNED,
                reviewer,
                _("Only a submitted task can be returned."),
                comment=comment,
                reviewer=reviewer,
                review_comment=comment,
                reviewed_at=_NOW,
            )
        return self

    def release(self, by):
        """Give a claimed or returned task back to the open pool (the team or the project's editors)."""
        self.refresh_from_db(fields=["status", "team_org", "claimed_by"])
        if self.status not in (TaskStatus.CLAIMED, TaskStatus.RETURNED):
            raise ValidationError(_("Only a claimed or returned task can be released."), code="invalid_transition")
        if not (self.is_team_member(by) or scope_for(by).can_edit(self.project.lead_id)):
            raise PermissionDenied(_("Only the team or the project's editors can release this task."))
        with transaction.atomic():
            self._move(
                TaskAction.RELEASE,
                (TaskStatus.CLAIMED, TaskStatus.RETURNED),
                TaskStatus.OPEN,
                by,
                _("Only a claimed or returned task can be released."),
                team_org=None,
                claimed_by=None,
                claimed_at=None,
            )
            self.team_people.clear()
        return self

    def _check_reviewer(self, reviewer):
        self._check_visible(reviewer)
        if not scope_for(reviewer).can_edit(self.project.lead_id):
            raise PermissionDenied(_("Only an admin of the lead organization can review tasks."))
        if self.is_team_member(reviewer):
            raise PermissionDenied(_("A team member cannot review the team's own work."))
        self._check_project_active()


class _Now:
    """Marks a field to be stamped with the transition's (effective) time."""


_NOW = _Now()


class TaskEvent(models.Model):
    """One step in a task's history: who moved it, from what to what, and why.

    ``created_at`` is when the step took effect, which may be before it was entered (补录);
    ``recorded_at`` is when it was entered.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=TaskAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=TaskStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.task}: {self.from_status or '-'} → {self.to_status}"


class TaskEvidenceQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self.filter(task__in=Task.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        return self.filter(task__in=Task.objects.editable_by(user).values("pk"))


class TaskEvidence(TrackedModel):
    """A photo or file handed in with a task's submission; stored under a random name."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="evidence_files")
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices, editable=False)
    file = models.FileField(_("file"), upload_to=uploads.evidence_upload_to, storage=uploads.private_storage, max_length=200)
    name = models.CharField(_("file name"), max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = TaskEvidenceQuerySet.as_manager()

    # The audit diff cannot serialise a FieldFile yet (reported); name, kind and content type are recorded.
    audit_ignored = ("updated_at", "created_at", "file")

    class Meta:
        verbose_name = _("task evidence")
        verbose_name_plural = _("task evidence")
        ordering = ["task", "created_at", "pk"]

    def __str__(self):
        return self.name or self.file.name

    @classmethod
    def prepare(cls, task, upload, by):
        """Check an upload by content before anything is written; save() stores it."""
        piece = cls(task=task, file=upload, name=str(getattr(upload, "name", ""))[-120:], uploaded_by=by)
        piece._check_file()
        return piece

    def _check_file(self):
        try:
            self._detected_type = uploads.validate_upload(self.file, uploads.DOCUMENT_TYPES)
        except ValidationError as e:
            raise ValidationError({"files": [f"{self.name}: {message}" for message in e.messages]}) from e
        self.kind = EvidenceKind.PHOTO if self._detected_type in uploads.IMAGE_TYPES else EvidenceKind.FILE
        self.content_type = uploads.CONTENT_TYPES[self._detected_type]

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed and not getattr(self, "_detected_type", None):
            self._check_file()
        super().save(*args, **kwargs)
