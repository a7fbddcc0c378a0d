"""Co-building agreements (共建协议) and their lifecycle (契约化共建)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Avg, Count, Q
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
from gongjian.news.safety.detect import Scanner
from gongjian.news.safety.publishing import validate_publishable

from ..choices import ACTIVE_STATUSES, FINAL_STATUSES, PUBLIC_STATUSES, AgreementStatus
from ..storage import agreement_attachment_path, private_storage

Status = AgreementStatus


@dataclass(frozen=True)
class Transition:
    """One row of the lifecycle table: which verb moves which statuses where."""

    name: str
    sources: tuple[str, ...]
    target: str
    label: str


# The whole lifecycle in one table; every verb, view, API action and test reads it.
TRANSITIONS = {
    t.name: t
    for t in (
        Transition("sign", (Status.DRAFT,), Status.SIGNED, _("Sign")),
        Transition("publish", (Status.SIGNED,), Status.PUBLISHED, pgettext_lazy("agreement", "Publish")),
        Transition("start_performing", (Status.PUBLISHED,), Status.PERFORMING, _("Start performing")),
        Transition("evaluate", (Status.PERFORMING,), Status.EVALUATED, _("Open evaluation")),
        Transition("expire", (Status.SIGNED, Status.PUBLISHED, Status.PERFORMING, Status.EVALUATED), Status.EXPIRED, _("Expire")),
        Transition("renew", (Status.PERFORMING, Status.EVALUATED, Status.EXPIRED), Status.RENEWED, _("Renew")),
        Transition("terminate", (Status.SIGNED, Status.PUBLISHED, Status.PERFORMING, Status.EVALUATED), Status.TERMINATED, _("Terminate")),
    )
}
# Transitions a person triggers from the page; expiry is the reminders command's job.
USER_TRANSITIONS = ("sign", "publish", "start_performing", "evaluate", "renew", "terminate")
# Steps that may be dated after the fact (补录); the others are stamped with the real time.
DATED_TRANSITIONS = ("sign", "publish", "start_performing", "evaluate")

FUTURE = _("The effective date cannot be in the future.")


class AgreementQuerySet(ScopedQuerySet, ArchivableQuerySet, TitleSearchQuerySet):
    scope_lookup = "parties__organization"
    scope_multi = True

    def public(self):
        """What the public page may show: disclosed (亮约) and not withdrawn."""
        return self.filter(status__in=PUBLIC_STATUSES, archived_at__isnull=True)

    def in_force(self):
        return self.filter(status__in=ACTIVE_STATUSES, archived_at__isnull=True)

    def ending_within(self, days: int, today=None):
        today = today or timezone.localdate()
        return self.in_force().filter(end_date__gte=today, end_date__lte=today + timezone.timedelta(days=days))

    def past_end(self, today=None):
        today = today or timezone.localdate()
        return self.in_force().filter(end_date__lt=today)

    def of_organization(self, organization):
        return self.filter(pk__in=AgreementParty.objects.filter(organization=organization).values("agreement_id"))


class Agreement(ArchivableModel, TrackedModel):
    """A co-building agreement between two or more organizations, each with obligations.

    Its status moves only through the verbs below (see TRANSITIONS); each move is
    a compare-and-set update with an AgreementEvent row beside it.

    Effective dates (补录): the story starts on ``drafted_on`` (谈约, set on the form, today by
    default, never in the future). Signing, publishing, starting performance and opening the
    evaluation each take an optional effective date, never in the future and never before the
    step they follow: signed_on ≥ drafted_on, published_at ≥ signed_on, performing from ≥
    published_at, evaluation ≥ performing. The stamps (signed_on, published_at) and the event's
    ``created_at`` hold the effective date; the event's ``recorded_at`` and the audit record
    hold the real time. Expiry, renewal and termination are stamped with the real time.
    """

    Status = AgreementStatus
    Track = Track

    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True, help_text=_("e.g. 党建工作互学、先进经验互鉴、优势资源互补"))
    track = models.CharField(_("track"), max_length=16, choices=Track.choices, default=Track.BUILD)
    summary = models.TextField(_("summary"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    drafted_on = models.DateField(
        _("negotiation started on"),
        default=timezone.localdate,
        help_text=_("When negotiation (谈约) began; set an earlier day when recording an agreement after the fact."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("agreement", "published at"), null=True, blank=True, editable=False)
    termination_reason = models.TextField(_("termination reason"), blank=True, editable=False)
    previous = models.ForeignKey(
        "self", verbose_name=_("renews"), null=True, blank=True, on_delete=models.PROTECT, related_name="renewals", editable=False
    )
    reminder_sent_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-building agreement")
        verbose_name_plural = _("co-building agreements")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AgreementStatus.values), name="agreements_agreement_status_valid"),
            models.CheckConstraint(condition=Q(track__in=Track.values), name="agreements_agreement_track_valid"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="agreements_agreement_term_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:agreement_detail", kwargs={"uuid": self.uuid})

    def get_public_url(self):
        return reverse("agreements:agreement_public", kwargs={"uuid": self.uuid})

    def public_texts(self) -> list[str]:
        """Every text the 亮约 page shows, for the content-safety scan (the page and verify_published).
        Reads the parties with their organizations and obligations as prefetched."""
        parties = list(self.parties.all())
        return [
            self.title,
            self.theme,
            self.summary,
            *(text for party in parties for text in (party.organization.name, party.role)),
            *(obligation.description for party in parties for obligation in party.obligations.all()),
        ]

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The term must end after it starts.")})
        if self.drafted_on:
            effective_moment(self.drafted_on, future=FUTURE, field="drafted_on")
        if self.pk and self.status in FINAL_STATUSES:
            raise ValidationError(_("This agreement has ended and can no longer be changed."))
        if self.pk and self.status != Status.DRAFT:
            # What was signed is what the parties agreed to: the text is frozen from 签约 on.
            raise ValidationError(_("Only an agreement under negotiation can be edited."))

    def archive(self):
        # A signed agreement is ended by terminating it (with a reason), not by hiding it.
        if self.status not in (Status.DRAFT, *FINAL_STATUSES):
            raise ValidationError(_("A signed agreement cannot be archived; terminate it instead."))
        super().archive()

    # --- State -----------------------------------------------------------
    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES and self.archived_at is None

    @property
    def is_editable_content(self) -> bool:
        """Parties, obligations and term are negotiated in 谈约 and frozen once signed."""
        return self.status == Status.DRAFT

    def allowed_transitions(self) -> list[Transition]:
        return [TRANSITIONS[name] for name in USER_TRANSITIONS if self.status in TRANSITIONS[name].sources]

    def check_transition(self, name: str) -> Transition:
        transition = TRANSITIONS[name]
        if self.status not in transition.sources:
            raise ValidationError(
                _("“%(action)s” is not allowed while the agreement is %(status)s.")
                % {"action": transition.label, "status": self.get_status_display()},
                code="illegal_transition",
            )
        return transition

    def _move(self, name: str, by=None, note: str = "", at=None, **fields):
        """Compare-and-set the status and write the event row, all or nothing.

        ``at`` is when the step took effect (default now): the event's time; the
        audit record keeps the real time and the effective one.
        """
        transition = self.check_transition(name)
        old = self.status
        now = timezone.now()
        at = at or now
        with transaction.atomic():
            changed = Agreement.objects.filter(pk=self.pk, status=old).update(status=transition.target, updated_at=now, **fields)
            if changed != 1:
                # Nothing got updated: someone else moved it first.
                raise ValidationError(_("This agreement was changed by someone else. Reload the page and try again."), code="conflict")
            event = AgreementEvent.objects.create(
                agreement=self, from_status=old, to_status=transition.target, actor=by if by and by.is_authenticated else None, note=note
            )
            # created_at is stamped on insert; the event carries the moment the step took effect.
            AgreementEvent.objects.filter(pk=event.pk).update(created_at=at)
            changes = {"status": [old, transition.target], **{key: [None, str(value)] for key, value in fields.items()}}
            action = Action.PUBLISH if transition.target == Status.PUBLISHED else Action.UPDATE
            record(action, self, changes={**changes, **audit_changes(at)}, actor=by if by and by.is_authenticated else None)
        self.status = transition.target
        for key, value in fields.items():
            setattr(self, key, value)
        return transition

    def stage_started_at(self, status):
        """When the agreement last reached ``status`` (its effective date), or None."""
        return self.events.filter(to_status=status).order_by("-created_at", "-pk").values_list("created_at", flat=True).first()

    def _effective(self, name, value):
        """The effective moment of step ``name``: never in the future, never before the step it follows."""
        if name == "sign":
            floor = Floor(self.drafted_on, _("An agreement cannot be signed before its negotiation began (%(date)s)."))
        elif name == "publish":
            floor = Floor(self.signed_on, _("An agreement cannot be published before it was signed (%(date)s)."))
        elif name == "start_performing":
            floor = Floor(self.published_at, _("Performance cannot start before the agreement was published (%(date)s)."))
        else:
            started = self.stage_started_at(Status.PERFORMING) or self.published_at
            floor = Floor(started, _("The evaluation cannot open before performance started (%(date)s)."))
        return effective_moment(value, floor, future=FUTURE, field="effective_on" if name == "sign" else "effective_at")

    # --- Verbs -----------------------------------------------------------
    def sign_problems(self) -> list[str]:
        """What still stands between this draft and a signature."""
        problems = []
        parties = list(self.parties.annotate(n_obligations=Count("obligations")))
        if len(parties) < 2:
            problems.append(_("An agreement needs at least two parties."))
        missing = [str(p.organization) for p in parties if p.n_obligations == 0]
        if missing:
            problems.append(_("Every party needs at least one obligation (missing: %(names)s).") % {"names": "、".join(missing)})
        if not (self.start_date and self.end_date):
            problems.append(_("Set the term (start and end dates) before signing."))
        elif self.end_date <= self.start_date:
            problems.append(_("The term must end after it starts."))
        return problems

    def sign(self, by, signed_on=None):
        """签约, on ``signed_on`` (a date; default today)."""
        self.check_transition("sign")
        problems = self.sign_problems()
        if problems:
            raise ValidationError(problems, code="incomplete")
        at = self._effective("sign", signed_on)
        self._move("sign", by, at=at, signed_on=timezone.localdate(at))

    def publish(self, by, effective_at=None):
        """亮约, at ``effective_at`` (a date or datetime; default now)."""
        self.check_transition("publish")
        # 亮约 shows these to anyone (SECURITY.md item 13); they are frozen from 签约 on, so this is the moment.
        scanner = Scanner.from_db()
        validate_publishable(self, ["title", "theme", "summary"], scanner=scanner)
        for party in self.parties.prefetch_related("obligations"):
            validate_publishable(party, ["role"], scanner=scanner)
            for obligation in party.obligations.all():
                validate_publishable(obligation, ["description"], scanner=scanner)
        at = self._effective("publish", effective_at)
        self._move("publish", by, at=at, published_at=at)

    def start_performing(self, by, effective_at=None):
        """履约 starts at ``effective_at`` (default now)."""
        self.check_transition("start_performing")
        self._move("start_performing", by, at=self._effective("start_performing", effective_at))

    def evaluate(self, by, effective_at=None):
        """评约 opens at ``effective_at`` (default now)."""
        self.check_transition("evaluate")
        self._move("evaluate", by, at=self._effective("evaluate", effective_at))

    def expire(self, by=None):
        self._move("expire", by)

    def terminate(self, by, reason: str):
        reason = (reason or "").strip()
        if not reason:
            self.check_transition("terminate")
            raise ValidationError({"reason": _("Give a reason for terminating the agreement.")})
        self._move("terminate", by, note=reason, termination_reason=reason)

    def renew(self, by, new_start, new_end):
        """Close this agreement as renewed and return its successor (a draft for the new term).

        Parties and obligations are copied; ratings, evidence and attachments
        belong to the old term and stay with it.
        """
        self.check_transition("renew")
        errors = {}
        if not new_start:
            errors["new_start"] = _("This field is required.")
        if not new_end:
            errors["new_end"] = _("This field is required.")
        if not errors and new_end <= new_start:
            errors["new_end"] = _("The term must end after it starts.")
        if not errors and self.end_date and new_start < self.end_date:
            errors["new_start"] = _("The new term must not start before the current one ends.")
        if errors:
            raise ValidationError(errors)
        with transaction.atomic():
            self._move("renew", by)
            successor = Agreement.objects.create(
                title=self.title,
                theme=self.theme,
                track=self.track,
                summary=self.summary,
                start_date=new_start,
                end_date=new_end,
                previous=self,
                created_by=by if by and by.is_authenticated else None,
            )
            for party in self.parties.prefetch_related("obligations"):
                copy = AgreementParty.objects.create(
                    agreement=successor, organization_id=party.organization_id, role=party.role, order=party.order
                )
                Obligation.objects.bulk_create(
                    [Obligation(party=copy, description=o.description, order=o.order) for o in party.obligations.all()]
                )
            AgreementEvent.objects.create(
                agreement=successor, from_status="", to_status=Status.DRAFT, actor=successor.created_by, note=str(self.uuid)
            )
        return successor

    # --- Who may do what ------------------------------------------------
    def parties_for(self, user):
        """The parties this user may act for: admins of a party organization (or its ancestors); all for alliance admins."""
        scope = scope_for(user)
        return [p for p in self.parties.all() if scope.can_edit(p.organization_id)]

    def remove_party(self, party, by):
        """Take a party off the draft. Removing the last party one acts for would lock one out of it."""
        if party.agreement_id != self.pk:
            raise ValidationError(_("The party must belong to this agreement."), code="foreign_party")
        if not self.is_editable_content:
            raise ValidationError(_("Parties can only change while the agreement is being negotiated."), code="parties_frozen")
        if not scope_for(by).everything and self.parties_for(by) == [party]:
            raise ValidationError(_("You cannot remove the last party you act for."), code="last_party")
        party.delete()

    def attach(self, upload, kind, by):
        """Store a checked upload; ``kind`` is what agreements.uploads.check_upload returned for it."""
        _extension, content_type, original = kind
        return AgreementAttachment.objects.create(
            agreement=self, file=upload, original_name=original[:200], content_type=content_type, size=upload.size, uploaded_by=by
        )

    def remove_attachment(self, attachment):
        """Drop an attachment and its file; what was published stays as it was."""
        if attachment.agreement_id != self.pk:
            raise ValidationError(_("The attachment must belong to this agreement."), code="foreign_attachment")
        if self.status not in (Status.DRAFT, Status.SIGNED):
            raise ValidationError(_("Attachments are fixed once the agreement is published."), code="attachments_fixed")
        attachment.file.delete(save=False)
        attachment.delete()

    def rate(self, by, rater, obligation, score, comment=""):
        """Record (or revise) one party's rating of another party's obligation in 评约."""
        if rater.agreement_id != self.pk or obligation.party.agreement_id != self.pk:
            raise ValidationError(_("The party and the obligation must belong to this agreement."))
        if not scope_for(by).can_edit(rater.organization_id):
            raise ValidationError(_("Only an administrator of %(party)s can rate for it.") % {"party": rater.organization})
        with transaction.atomic():
            rating = Rating.objects.select_for_update().filter(obligation=obligation, rater=rater).first()
            rating = rating or Rating(obligation=obligation, rater=rater)
            rating.score = score
            rating.comment = (comment or "").strip()
            rating.rated_by = by
            rating.full_clean()
            rating.save()
        return rating

    def rating_summary(self):
        """Average score and count per obligation, keyed by obligation id."""
        rows = Rating.objects.filter(obligation__party__agreement=self).values("obligation_id").annotate(avg=Avg("score"), n=Count("pk"))
        return {row["obligation_id"]: row for row in rows}


class AgreementParty(TrackedModel):
    """An organization that is party to an agreement (甲方, 乙方, …)."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="agreement_parties"
    )
    role = models.CharField(_("role"), max_length=40, blank=True, help_text=_("e.g. 甲方, 乙方"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["agreement", "organization"], name="agreements_party_unique")]

    def __str__(self):
        return str(self.organization)

    def clean(self):
        if self.agreement_id and not self.agreement.is_editable_content:
            raise ValidationError(_("Parties can only change while the agreement is being negotiated."))
        if (
            self.agreement_id
            and self.organization_id
            and AgreementParty.objects.filter(agreement_id=self.agreement_id, organization_id=self.organization_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"organization": _("This organization is already a party to the agreement.")})


class Obligation(TrackedModel):
    """What one party undertakes, e.g. the college provides design services."""

    party = models.ForeignKey(AgreementParty, verbose_name=_("party"), on_delete=models.CASCADE, related_name="obligations")
    description = models.TextField(_("obligation"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.description[:60]

    def clean(self):
        self.description = (self.description or "").strip()
        if not self.description:
            raise ValidationError({"description": _("Describe the obligation.")})
        if self.party_id and not self.party.agreement.is_editable_content:
            raise ValidationError(_("Obligations can only change while the agreement is being negotiated."))


class AgreementAttachment(TrackedModel):
    """A signed scan or photo (PDF, JPEG or PNG, checked by content), stored under a random name."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=agreement_attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=60, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The audit diff cannot serialise a FieldFile; name, size and type are recorded instead.
    audit_ignored = ("updated_at", "created_at", "file")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.file.name

    def get_absolute_url(self):
        return reverse("agreements:attachment_download", kwargs={"uuid": self.uuid})


class AgreementEvent(TrackedModel):
    """One step of an agreement's history: which status it left, which it reached, who moved it.

    ``created_at`` is when the step took effect, which may be before it was entered (补录);
    ``recorded_at`` is when it was entered.
    """

    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=AgreementStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=AgreementStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.agreement}: {self.from_status} → {self.to_status}"


class AgreementEvidence(TrackedModel):
    """An activity or project linked to an agreement as evidence of performance (履约).

    A generic relation keeps this app free of migration dependencies on them.
    """

    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="evidence")
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind"), on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["agreement", "content_type", "object_id"], name="agreements_evidence_unique")]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return str(self.target) if self.target is not None else f"{self.content_type} #{self.object_id}"


class Rating(TrackedModel):
    """One party's 1–5 rating of another party's obligation in 评约, with a comment."""

    obligation = models.ForeignKey(Obligation, verbose_name=_("obligation"), on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(AgreementParty, verbose_name=_("rated by party"), on_delete=models.CASCADE, related_name="ratings_given")
    score = models.PositiveSmallIntegerField(_("score"), choices=[(i, str(i)) for i in range(1, 6)])
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["obligation", "rater"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "rater"], name="agreements_rating_once_per_party"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="agreements_rating_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.rater} → {self.obligation}: {self.score}"

    def clean(self):
        if self.score is not None and not 1 <= self.score <= 5:
            raise ValidationError({"score": _("A score is between 1 and 5.")})
        if not (self.obligation_id and self.rater_id):
            return
        party = self.obligation.party
        if self.rater.agreement_id != party.agreement_id:
            raise ValidationError({"rater": _("The rating party must be a party to the same agreement.")})
        if self.rater_id == party.pk:
            raise ValidationError({"obligation": _("A party rates the other parties' obligations, not its own.")})
        if party.agreement.status != Status.EVALUATED:
            raise ValidationError(_("Ratings are given while the agreement is being evaluated (评约)."))
        duplicate = Rating.objects.filter(obligation_id=self.obligation_id, rater_id=self.rater_id).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError(_("This party has already rated this obligation."))
