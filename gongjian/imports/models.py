import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gongjian.audit import bulk as audit_bulk
from gongjian.audit.models import Action, Outcome
from gongjian.lib.access import scope_for
from gongjian.lib.jobs import WorkedJob
from gongjian.lib.models import TrackedModel

from .sheets import CREATE, UNCHANGED, UPDATE, SheetProblem, bounded_message, importer_class

logger = logging.getLogger(__name__)

# Up to this many rows a file is checked and imported while the user waits (about half a
# second for 1,000 organizations on SQLite); larger files go to the task worker.
SYNC_MAX_ROWS = 1000
# How often a running job writes its progress, at most.
PROGRESS_INTERVAL_SECONDS = 0.5
# A job keeps the errors of this many rows and counts the rest: enough to correct a file, and
# every read of the job (page, API) stays small however bad the file was.
MAX_STORED_ERROR_ROWS = 500


def bounded_errors(errors: list[dict]) -> list[dict]:
    """Errors as a job stores them: the first rows' messages, each shortened, and a count of the rest."""
    kept = [
        {"row": error["row"], "messages": [bounded_message(message) for message in error["messages"]]}
        for error in errors[:MAX_STORED_ERROR_ROWS]
    ]
    rest = len(errors) - len(kept)
    if rest > 0:
        message = ngettext(
            "%(count)s more row with errors is not listed.", "%(count)s more rows with errors are not listed.", rest
        ) % {"count": rest}
        kept.append({"row": None, "messages": [message]})
    return kept


def upload_to(instance, filename):
    # A random name: the uploaded name is kept in original_name, never used on disk.
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportJobQuerySet(models.QuerySet):
    """Jobs belong to the person who uploaded them; alliance admins see every job."""

    def visible_to(self, user):
        if scope_for(user).everything:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)

    def editable_by(self, user):
        return self.visible_to(user)


class ImportJob(WorkedJob, TrackedModel):
    """One uploaded spreadsheet on its way in: checked, previewed, confirmed and applied.

    pending -> validating -> invalid | ready -> running -> done | failed. Checking writes
    nothing; applying writes every row in one transaction or none. The importer runs with the
    uploader's scope, also when a background worker does the work.
    """

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting")
        VALIDATING = "validating", gettext_lazy("Checking")
        INVALID = "invalid", gettext_lazy("Has errors")
        READY = "ready", gettext_lazy("Ready to import")
        RUNNING = "running", gettext_lazy("Importing")
        DONE = "done", gettext_lazy("Imported")
        FAILED = "failed", gettext_lazy("Failed")

    BUSY = (Status.PENDING, Status.VALIDATING, Status.RUNNING)
    WORKING_STATUSES = (Status.VALIDATING, Status.RUNNING)

    kind = models.CharField(gettext_lazy("kind"), max_length=40)
    file = models.FileField(gettext_lazy("file"), upload_to=upload_to, max_length=200)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200, blank=True)
    status = models.CharField(gettext_lazy("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    apply_when_valid = models.BooleanField(gettext_lazy("import as soon as the check passes"), default=False)
    language = models.CharField(max_length=16, blank=True, editable=False)
    ip = models.GenericIPAddressField(gettext_lazy("source IP"), null=True, blank=True, editable=False)
    total = models.PositiveIntegerField(gettext_lazy("rows"), default=0)
    processed = models.PositiveIntegerField(gettext_lazy("rows processed"), default=0)
    created_count = models.PositiveIntegerField(gettext_lazy("new"), default=0)
    updated_count = models.PositiveIntegerField(gettext_lazy("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(gettext_lazy("unchanged"), default=0)
    error_count = models.PositiveIntegerField(gettext_lazy("rows with errors"), default=0)
    # [{"row": 5, "messages": ["名称：此列为必填项。"]}]; "row": null for the sheet as a whole.
    errors = models.JSONField(gettext_lazy("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("uploaded by"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    started_at = models.DateTimeField(gettext_lazy("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("import job")
        verbose_name_plural = gettext_lazy("import jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "validating", "invalid", "ready", "running", "done", "failed"]),
                name="imports_job_status_valid",
            ),
        ]

    def __str__(self):
        return self.original_name or str(self.uuid)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("imports:job", kwargs={"uuid": self.uuid})

    @property
    def importer_class(self):
        return importer_class(self.kind)

    @property
    def kind_label(self):
        cls = self.importer_class
        return cls.label if cls is not None else self.kind

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def sheet_errors(self) -> list[str]:
        return [message for error in self.errors if error.get("row") is None for message in error["messages"]]

    @property
    def row_errors(self) -> list[dict]:
        return [error for error in self.errors if error.get("row") is not None]

    @property
    def runs_in_background(self) -> bool:
        return self.total > SYNC_MAX_ROWS

    @classmethod
    def receive(cls, user, kind, upload, *, apply_when_valid=False, ip=None) -> "ImportJob":
        """A new job for an uploaded file that passed the content and size check."""
        from .xlsx import count_rows

        job = cls(
            kind=kind,
            created_by=user,
            original_name=(upload.name or "")[:200],
            apply_when_valid=apply_when_valid,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            ip=ip,
            # An estimate from the sheet's row tags decides between now and the background.
            total=count_rows(upload),
        )
        job.file = upload
        job.save()
        return job

    # --- Transitions: compare-and-set, so two clicks or two workers cannot both proceed ---

    def _move(self, old, new, **fields) -> bool:
        now = timezone.now()
        with transaction.atomic():
            moved = ImportJob.objects.filter(pk=self.pk, status__in=old).update(status=new, updated_at=now, **fields)
        if moved:
            self.status = new
            for key, value in fields.items():
                setattr(self, key, value)
        return bool(moved)

    def _progress(self):
        last = [0.0]

        def report(done, total):
            now = timezone.now().timestamp()
            if done == total or now - last[0] >= PROGRESS_INTERVAL_SECONDS:
                last[0] = now
                ImportJob.objects.filter(pk=self.pk).update(processed=done, total=total)
                self.processed, self.total = done, total

        return report

    def _importer(self):
        cls = self.importer_class
        if cls is None:
            raise SheetProblem(_("This kind of import is no longer available."))
        return cls(self.created_by)

    def _plan(self):
        with self.file.open("rb") as fileobj:
            return self._importer().plan(fileobj, progress=self._progress())

    def validate(self):
        """Check every row and record the errors or the counts; writes nothing but the job."""
        if not self._move([self.Status.PENDING], self.Status.VALIDATING, started_at=timezone.now(), processed=0):
            return
        with self.working(), translation.override(self.language or settings.LANGUAGE_CODE):
            try:
                plan = self._plan()
            except SheetProblem as problem:
                self._finish(self.Status.INVALID, errors=[{"row": None, "messages": [problem.message]}], error_count=0)
                return
            except Exception:
                logger.exception("Import job %s failed while checking", self.pk)
                self._finish(self.Status.FAILED, errors=[{"row": None, "messages": [_("The file could not be checked; nothing was imported.")]}])
                return
            errors = plan.errors
            self._finish(
                self.Status.INVALID if errors else self.Status.READY,
                total=len(plan.rows),
                processed=len(plan.rows),
                errors=errors,
                error_count=len(errors),
                created_count=plan.count(CREATE),
                updated_count=plan.count(UPDATE),
                unchanged_count=plan.count(UNCHANGED),
            )
        if not errors and self.apply_when_valid:
            self.schedule_apply()

    def confirm(self, by=None) -> bool:
        """The user confirmed the preview: ready -> running, once, however often they click.

        The import's records name the uploader, whose rights it runs with; who confirmed is recorded
        here, since an alliance admin may confirm an org admin's upload.
        """
        with transaction.atomic():
            moved = self._move([self.Status.READY], self.Status.RUNNING, processed=0, started_at=timezone.now())
            if moved and by is not None:
                changes = {"status": [self.Status.READY.value, self.Status.RUNNING.value]}
                audit_bulk.append([audit_bulk.entry(Action.UPDATE, self, changes=changes, actor=by)])
        return moved

    def apply(self):
        """Check again (the data may have changed since the preview), then write all rows or none."""
        if self.status != self.Status.RUNNING:
            return
        with self.working(), translation.override(self.language or settings.LANGUAGE_CODE):
            try:
                plan = self._plan()
                if not plan.is_valid:
                    errors = plan.errors
                    self._finish(self.Status.INVALID, errors=errors, error_count=len(errors))
                    return
                with transaction.atomic():
                    counts = plan.importer.write(plan, actor=self.created_by, ip=self.ip)
                    done = ImportJob.objects.filter(pk=self.pk, status=self.Status.RUNNING).update(
                        status=self.Status.DONE,
                        created_count=counts[CREATE],
                        updated_count=counts[UPDATE],
                        unchanged_count=counts[UNCHANGED],
                        total=len(plan.rows),
                        processed=len(plan.rows),
                        finished_at=timezone.now(),
                        updated_at=timezone.now(),
                    )
                    if not done:
                        raise IntegrityError("The job changed status while importing.")
                    audit_bulk.append(
                        [
                            audit_bulk.entry(
                                Action.IMPORT,
                                self,
                                changes={"kind": self.kind, "file": self.original_name, **counts},
                                actor=self.created_by,
                                ip=self.ip,
                            )
                        ]
                    )
            except SheetProblem as problem:
                self._finish(self.Status.INVALID, errors=[{"row": None, "messages": [problem.message]}])
                return
            except IntegrityError:
                logger.warning("Import job %s conflicted with concurrent changes", self.pk)
                message = _("The data changed while importing and nothing was written. Please upload the file again.")
                self._finish(self.Status.FAILED, errors=[{"row": None, "messages": [message]}])
                return
            except Exception:
                logger.exception("Import job %s failed while importing", self.pk)
                self._finish(self.Status.FAILED, errors=[{"row": None, "messages": [_("The import failed; nothing was written.")]}])
                audit_bulk.append([audit_bulk.entry(Action.IMPORT, self, changes={"kind": self.kind}, actor=self.created_by, ip=self.ip, outcome=Outcome.FAILURE)])
                return
        self.discard_file()
        self.refresh_from_db()

    def fail_if_worker_lost(self) -> bool:
        """End a job whose worker died (killed, restarted) as failed, saying so; True if it did.

        Nothing was written: applying is one transaction, which the dead worker never committed.
        """
        if not self.has_lost_its_worker():
            return False
        message = _("The import was interrupted: the background process stopped. Nothing was written; you can try again.")
        now = timezone.now()
        moved = ImportJob.objects.filter(pk=self.pk, status=self.status, worker=self.worker).update(
            status=self.Status.FAILED, finished_at=now, updated_at=now, errors=[{"row": None, "messages": [message]}]
        )
        if moved:
            logger.warning("Import job %s lost its worker %s", self.pk, self.worker)
            self.refresh_from_db()
        return bool(moved)

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED and bool(self.file.name)

    def retry(self) -> bool:
        """Check the kept file again from the start (failed → pending); the user confirms once more."""
        if not self.file.name or not self._move(
            [self.Status.FAILED], self.Status.PENDING, processed=0, errors=[], error_count=0, worker="", heartbeat_at=None, finished_at=None
        ):
            return False
        self.apply_when_valid = False
        ImportJob.objects.filter(pk=self.pk).update(apply_when_valid=False)
        self.schedule_validation()
        return True

    def _finish(self, status, **fields):
        now = timezone.now()
        fields["finished_at"] = now
        if "errors" in fields:
            fields["errors"] = bounded_errors(fields["errors"])
        ImportJob.objects.filter(pk=self.pk).update(status=status, updated_at=now, **fields)
        self.status = status
        for key, value in fields.items():
            setattr(self, key, value)
        if status == self.Status.INVALID:
            self.discard_file()

    def discard_file(self):
        """Delete the uploaded sheet once it is no longer needed: it may hold personal data (PIPL).

        The errors and counts stay on the job. The file goes only after the job's state is committed.
        """
        name = self.file.name
        if not name:
            return
        storage = self.file.storage
        ImportJob.objects.filter(pk=self.pk).update(file="")
        self.file.name = ""
        transaction.on_commit(lambda: storage.delete(name))

    # --- Running now or in the background ---

    def schedule_validation(self):
        if self.runs_in_background:
            from .tasks import validate_import

            transaction.on_commit(lambda: validate_import.enqueue(self.pk))
        else:
            self.validate()

    def schedule_apply(self, by=None) -> bool:
        """Confirm and import now or in the background; False when the job was not ready."""
        if not self.confirm(by=by):
            return False
        if self.runs_in_background:
            from .tasks import apply_import

            # The worker must see the job as running, so enqueue only once that is committed.
            transaction.on_commit(lambda: apply_import.enqueue(self.pk))
        else:
            self.apply()
        return True
