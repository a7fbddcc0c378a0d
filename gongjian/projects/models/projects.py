"""Projects (项目联创), their milestones, outcomes and status history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.activities.choices import Track
from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import ScopedQuerySet, scope_for
from gongjian.lib.effective import Floor, audit_changes, effective_moment
from gongjian.lib.models import ArchivableModel, ArchivableQuerySet, TitleSearchQuerySet, TrackedModel
from gongjian.lib.richtext import clean_html
from gongjian.news.safety.publishing import validate_publishable

from .. import uploads
from ..choices import OutcomeKind, ProjectStatus, TaskAction, TaskStatus

FUTURE = _("The effective date cannot be in the future.")


def involved_org_ids(user):
    """Organizations whose projects the user sees, as a QuerySet of ids; None means all of them.

    The user's own scope, plus the units above the organizations they belong to:
    a branch belongs to its parent's unit, so its members see the unit's projects.
    """
    scope = scope_for(user)
    return None if scope.everything else scope.reach


def _sum_weights(status=None):
    # The model behind Project.tasks: tasks.py imports this module, so this one cannot import it.
    tasks = Project.tasks.field.model._base_manager.filter(project=OuterRef("pk"))
    if status is not None:
        tasks = tasks.filter(status=status)
    total = tasks.order_by().values("project").annotate(total=Sum("weight")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


class ProjectQuerySet(ScopedQuerySet, ArchivableQuerySet, TitleSearchQuerySet):
    """Visible to the lead's and partners' people; editable by the lead organization's admins."""

    scope_lookup = "lead"

    def visible_to(self, user):
        ids = involved_org_ids(user)
        if ids is None:
            return self
        partnered = Project.partners.through.objects.filter(organization_id__in=ids).values("project_id")
        return self.filter(Q(lead_id__in=ids) | Q(pk__in=partnered))

    def editable_by(self, user):
        scope = scope_for(user)
        return self if scope.everything else self.filter(lead_id__in=scope.editable)

    def with_progress(self):
        """Weighted progress in SQL: accepted weight over total weight, as a whole percent."""
        return self.annotate(weight_total=_sum_weights(), weight_accepted=_sum_weights(TaskStatus.ACCEPTED)).annotate(
            progress_percent=Case(
                When(weight_total=0, then=Value(0)),
                default=F("weight_accepted") * 100 / F("weight_total"),
                output_field=IntegerField(),
            )
        )

    def showcase(self):
        """What the public showcase lists: flagged public and not archived."""
        return self.filter(is_public=True, archived_at__isnull=True).exclude(status=ProjectStatus.ARCHIVED)

    def involving(self, organization):
        partnered = Project.partners.through.objects.filter(organization=organization).values("project_id")
        return self.filter(Q(lead=organization) | Q(pk__in=partnered))


class ProjectManager(models.Manager.from_queryset(ProjectQuerySet)):
    def from_claim(self, claim, join=None):
        """Create the project an accepted claim starts, or let it join ``join``.

        The claimant leads a new project; its partners and the owner of the claimed
        need or resource become partners. Needs and resources are linked either way.
        """
        need = getattr(claim, "need", None) if getattr(claim, "need_id", None) else None
        resource = getattr(claim, "resource", None) if getattr(claim, "resource_id", None) else None
        item = need or resource
        owner = _owner_of(item)
        with transaction.atomic():
            if join is None:
                project = self.model(
                    title=str(getattr(item, "title", "") or claim)[:200],
                    track=getattr(item, "track", "") or Track.CREATE,
                    lead=claim.claimant,
                    goals=getattr(item, "description", "") or "",
                )
                project.full_clean()
                project.save()
            else:
                project = join
            partner_ids = set(claim.partners.values_list("pk", flat=True))
            for org in (owner, claim.claimant):
                if org is not None:
                    partner_ids.add(org.pk)
            partner_ids.discard(project.lead_id)
            partner_ids -= set(project.partners.values_list("pk", flat=True))
            if partner_ids:
                project.partners.add(*partner_ids)
            if need is not None:
                project.needs.add(need)
            if resource is not None:
                project.resources.add(resource)
        return project


def _owner_of(item):
    for name in ("organization", "owner", "publisher"):
        if item is not None and getattr(item, f"{name}_id", None):
            return getattr(item, name)
    return None


class Project(ArchivableModel, TrackedModel):
    """A joint project (项目): lead and partners, goals, milestones, tasks and outcomes.

    Status moves planning → active → completed → archived through the verbs below,
    each a compare-and-set with a history row.

    Effective dates (补录): planning carries no date of its own (its period is a plan, not a
    stamp), so the story starts when the project starts. Starting and completing take an
    optional effective date, never in the future and never before the previous step:
    started ≥ any earlier step, completed ≥ started and ≥ the last dated step of its tasks.
    Task steps are dated after the start (see Task). The event's ``created_at`` holds the
    effective date, its ``recorded_at`` and the audit record the real time; archiving and
    restoring are stamped with the real time.
    """

    Status = ProjectStatus

    title = models.CharField(_("title"), max_length=200)
    brand = models.CharField(_("brand"), max_length=60, blank=True, help_text=_("The programme brand, e.g. 茸城e家"))
    track = models.CharField(_("track"), max_length=16, choices=Track.choices, default=Track.CREATE)
    lead = models.ForeignKey(
        "orgs.Organization", verbose_name=_("lead organization"), on_delete=models.PROTECT, related_name="led_projects"
    )
    partners = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("partner organizations"), blank=True, related_name="partner_projects"
    )
    needs = models.ManyToManyField("exchange.Need", verbose_name=_("needs"), blank=True, related_name="projects")
    resources = models.ManyToManyField("exchange.Resource", verbose_name=_("resources"), blank=True, related_name="projects")
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    goals = models.TextField(_("goals"), blank=True)
    period_start = models.DateField(_("start date"), null=True, blank=True)
    period_end = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING, editable=False)
    is_featured = models.BooleanField(_("featured"), default=False, help_text=_("A core project the alliance highlights."))
    is_public = models.BooleanField(_("public showcase"), default=False, help_text=_("Show this project on the public showcase page."))

    objects = ProjectManager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values), name="projects_project_status_valid"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True) | Q(period_end__gte=F("period_start")),
                name="projects_project_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["is_public", "archived_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"uuid": self.uuid})

    def get_showcase_url(self):
        return reverse("projects:showcase", kwargs={"uuid": self.uuid})

    def public_texts(self) -> list[str]:
        """Every text the showcase page shows, for the content-safety scan (the page and verify_published).
        Reads the lead, partners, milestones and outcomes as prefetched."""
        return [
            self.title,
            self.brand,
            self.goals,
            self.lead.name,
            *(o.name for o in self.partners.all()),
            *(m.title for m in self.milestones.all()),
            *(text for outcome in self.outcomes.all() for text in (outcome.title, outcome.text)),
        ]

    def clean(self):
        self.title = (self.title or "").strip()
        self.brand = (self.brand or "").strip()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end date cannot be before the start date.")})
        if self.is_public:
            # The showcase serves these to anyone: SECURITY.md item 13.
            validate_publishable(self, ["title", "brand", "goals"])

    @property
    def is_open_for_work(self) -> bool:
        return self.status == ProjectStatus.ACTIVE

    # --- progress -----------------------------------------------------------
    def progress(self) -> int:
        """Whole percent of accepted weight: from ``with_progress()`` if annotated, else one query."""
        if hasattr(self, "progress_percent"):
            return self.progress_percent
        row = Project.objects.filter(pk=self.pk).with_progress().values("progress_percent", "weight_total", "weight_accepted").get()
        # Not cached: the next call sees tasks accepted in between.
        self.weight_total, self.weight_accepted = row["weight_total"], row["weight_accepted"]
        return row["progress_percent"]

    # --- status verbs -------------------------------------------------------
    def _transition(self, allowed_from, to, by, message, effective_at=None, floors=(), **extra):
        """Compare-and-set the status; the history row is dated ``effective_at`` (default now), checked against ``floors``."""
        with transaction.atomic():
            current = Project._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            if current not in allowed_from:
                raise ValidationError(message, code="invalid_transition")
            previous = ProjectEvent.objects.filter(project=self).order_by("-created_at", "-pk").values_list("created_at", flat=True).first()
            floor = Floor(previous, _("This step cannot be dated before the project's previous step (%(date)s)."))
            at = effective_moment(effective_at, floor, *floors, future=FUTURE)
            now = timezone.now()
            updated = Project._base_manager.filter(pk=self.pk, status=current).update(status=to, updated_at=now, **extra)
            if not updated:
                # Another request changed the status between our read and our write.
                raise ValidationError(message, code="invalid_transition")
            ProjectEvent.objects.create(project=self, from_status=current, to_status=to, actor=_user_or_none(by), created_at=at)
            changes = {"status": [current, to], **audit_changes(at)}
            record(Action.ARCHIVE if to == ProjectStatus.ARCHIVED else Action.UPDATE, self, changes=changes)
        self.status = to
        for key, value in extra.items():
            setattr(self, key, value)
        return self

    def started_at(self):
        """When the project last started work (its effective date), or None."""
        rows = ProjectEvent.objects.filter(project_id=self.pk, to_status=ProjectStatus.ACTIVE).order_by("-created_at", "-pk")
        return rows.values_list("created_at", flat=True).first()

    def activate(self, by=None, effective_at=None):
        """planning → active (at ``effective_at``, default now); the claimed needs it came from move on to in progress."""
        with transaction.atomic():
            self._transition(
                (ProjectStatus.PLANNING,),
                ProjectStatus.ACTIVE,
                by,
                _("Only a project in planning can be started."),
                effective_at=effective_at,
            )
            at = self.started_at()
            for need in self.needs.filter(status="claimed"):
                need.start(by, effective_at=at)
        return self

    def complete(self, by=None, effective_at=None):
        """active → completed (at ``effective_at``, default now): not before the last dated step of its tasks."""
        # The model behind Task.events, reached through the tasks relation (tasks.py imports this module).
        task_events = self.tasks.model.events.field.model
        steps = task_events.objects.filter(task__project=self).exclude(action=TaskAction.CREATE)
        last = steps.order_by("-created_at", "-pk").values_list("created_at", flat=True).first()
        floor = Floor(last, _("A project cannot be completed before the last step of its tasks (%(date)s)."))
        message = _("Only an active project can be completed.")
        return self._transition((ProjectStatus.ACTIVE,), ProjectStatus.COMPLETED, by, message, effective_at=effective_at, floors=(floor,))

    def archive(self, by=None):
        """Retire a finished (or abandoned) project; an active one is completed first."""
        return self._transition(
            (ProjectStatus.PLANNING, ProjectStatus.COMPLETED),
            ProjectStatus.ARCHIVED,
            by,
            _("Only a completed project or one still in planning can be archived; complete an active project first."),
            archived_at=timezone.now(),
        )

    def restore(self, by=None):
        """Bring an archived project back as completed."""
        return self._transition(
            (ProjectStatus.ARCHIVED,), ProjectStatus.COMPLETED, by, _("Only an archived project can be restored."), archived_at=None
        )

    def set_partners(self, organizations):
        """Partners never include the lead."""
        self.partners.set([org for org in organizations if getattr(org, "pk", org) != self.lead_id])


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class ProjectEvent(models.Model):
    """One status change of a project: the project's history.

    ``created_at`` is when the change took effect, which may be before it was entered (补录);
    ``recorded_at`` is when it was entered.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=ProjectStatus.choices)
    to_status = models.CharField(max_length=16, choices=ProjectStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.project}: {self.from_status} → {self.to_status}"


class ProjectPartQuerySet(ScopedQuerySet):
    """Milestones and outcomes follow their project's scope."""

    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        return self.filter(project__in=Project.objects.editable_by(user).values("pk"))


class Milestone(TrackedModel):
    """A dated step of a project, ticked off when reached."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=120)
    due = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "order", "due", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    def clean(self):
        if self.project_id and self.project.is_public:
            # The showcase lists a public project's milestones: SECURITY.md item 13.
            validate_publishable(self, ["title"])

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def mark_done(self):
        if self.done_at is None:
            self.done_at = timezone.now()
            self.save(update_fields=["done_at", "updated_at"])

    def reopen(self):
        if self.done_at is not None:
            self.done_at = None
            self.save(update_fields=["done_at", "updated_at"])


class Outcome(TrackedModel):
    """A result of a project: a text, a photo or a file, shown on the showcase page."""

    Kind = OutcomeKind

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=8, choices=OutcomeKind.choices, default=OutcomeKind.TEXT)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=uploads.outcome_upload_to, storage=uploads.private_storage, blank=True, max_length=200)
    content_type = models.CharField(max_length=100, blank=True, editable=False)

    objects = ProjectPartQuerySet.as_manager()

    # The audit diff cannot serialise a FieldFile yet (reported); kind and content type are recorded.
    audit_ignored = ("updated_at", "created_at", "file")

    class Meta:
        verbose_name = pgettext_lazy("project", "outcome")
        verbose_name_plural = pgettext_lazy("project", "outcomes")
        ordering = ["project", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=OutcomeKind.values), name="projects_outcome_kind_valid")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    def clean(self):
        self.text = clean_html(self.text)
        if self.kind == OutcomeKind.TEXT and not self.text:
            raise ValidationError({"text": _("A text outcome needs its text.")})
        if self.project_id and self.project.is_public:
            # The showcase shows a public project's outcomes: SECURITY.md item 13.
            validate_publishable(self, ["title", "text"])
        if self.kind in (OutcomeKind.PHOTO, OutcomeKind.FILE):
            if not self.file:
                raise ValidationError({"file": _("Attach the photo or file.")})
            self._check_file()

    def _check_file(self):
        if self.file and not self.file._committed:
            allowed = uploads.IMAGE_TYPES if self.kind == OutcomeKind.PHOTO else uploads.DOCUMENT_TYPES
            try:
                self._detected_type = uploads.validate_upload(self.file, allowed)
            except ValidationError as e:
                raise ValidationError({"file": e.messages}) from e
            self.content_type = uploads.CONTENT_TYPES[self._detected_type]

    def save(self, *args, **kwargs):
        # Defence in depth: a new file is checked even when clean() was skipped.
        self.text = clean_html(self.text)
        if self.file and not self.file._committed:
            self._check_file()
        super().save(*args, **kwargs)
