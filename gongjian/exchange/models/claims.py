"""Claims (认领) on needs and requests for resources, decided by the owner; acceptance starts or joins a project."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import scope_for
from gongjian.lib.effective import Floor, audit_changes, effective_moment
from gongjian.lib.models import TrackedModel
from gongjian.projects.models import Project

from ..choices import ClaimMode, ClaimStatus, NeedStatus
from .base import FUTURE, StatusEvent
from .listings import Need, NeedEvent, Resource


class ClaimQuerySet(models.QuerySet):
    """Claims are seen by both sides: the claimant and partners, and the owner of the need or resource."""

    def _side(self, ids, owner=True, claimant=True):
        q = models.Q()
        if claimant:
            q |= models.Q(claimant__in=ids) | models.Q(partners__in=ids)
        if owner:
            q |= models.Q(need__organization__in=ids) | models.Q(resource__organization__in=ids)
        return self.filter(pk__in=Claim._base_manager.filter(q).values("pk"))

    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        scope = scope_for(user)
        return self if scope.everything else self._side(scope.visible)

    def editable_by(self, user):
        scope = scope_for(user)
        return self if scope.everything else self._side(scope.editable)

    def decidable_by(self, user):
        """Claims the user may accept or reject: on needs/resources of organizations they administer."""
        scope = scope_for(user)
        return self if scope.everything else self._side(scope.editable, claimant=False)

    def made_by(self, user):
        """Claims made by organizations the user administers (我的认领)."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(
            pk__in=Claim._base_manager.filter(models.Q(claimant__in=scope.editable) | models.Q(partners__in=scope.editable)).values("pk")
        )

    def live(self):
        return self.filter(status__in=[ClaimStatus.PENDING, ClaimStatus.ACCEPTED])

    def pending(self):
        return self.filter(status=ClaimStatus.PENDING)


class Claim(TrackedModel):
    """An organization claims a need (认领) or requests a resource; the owner accepts or rejects it.

    ``claimed_at`` is when the claim was made, ``decided_at`` when it was decided: both may be
    earlier than the day they were entered (补录), never in the future, and in order
    (published_at ≤ claimed_at ≤ decided_at). ``created_at`` stays the real time.
    """

    Status = ClaimStatus

    need = models.ForeignKey(Need, verbose_name=_("need"), null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    claimant = models.ForeignKey("orgs.Organization", verbose_name=_("claimant"), on_delete=models.PROTECT, related_name="claims")
    partners = models.ManyToManyField(
        "orgs.Organization",
        verbose_name=_("joint partners"),
        blank=True,
        related_name="joint_claims",
        help_text=_("Joint claim (联合领办)."),
    )
    message = models.TextField(_("message"), blank=True)
    quantity = models.PositiveIntegerField(_("units requested"), null=True, blank=True)
    from_suggestion = models.BooleanField(
        _("from a suggestion"), default=False, editable=False, help_text=_("Made from the match tab: evidence for evaluating matching.")
    )
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    reject_reason = models.TextField(_("reason for rejection"), blank=True, editable=False)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(need__isnull=False, resource__isnull=True) | models.Q(need__isnull=True, resource__isnull=False),
                name="exchange_claim_need_xor_resource",
            ),
            models.CheckConstraint(condition=models.Q(status__in=ClaimStatus.values), name="exchange_claim_status_valid"),
            models.UniqueConstraint(
                fields=["need", "claimant"],
                condition=models.Q(status__in=[ClaimStatus.PENDING, ClaimStatus.ACCEPTED]),
                name="exchange_claim_one_live_per_need",
            ),
            models.UniqueConstraint(
                fields=["resource", "claimant"],
                condition=models.Q(status=ClaimStatus.PENDING),
                name="exchange_claim_one_pending_per_resource",
            ),
        ]
        indexes = [models.Index(fields=["status", "decided_at"], name="exchange_claim_decided_idx")]  # claims accepted in a period

    def __str__(self):
        return gettext("%(org)s → %(target)s") % {"org": self.claimant, "target": self.target}

    def get_absolute_url(self):
        return reverse("exchange:claim_detail", kwargs={"uuid": self.uuid})

    @property
    def target(self):
        return self.need if self.need_id else self.resource

    @property
    def owner_id(self):
        return self.need.organization_id if self.need_id else self.resource.organization_id

    @property
    def is_joint(self) -> bool:
        return bool(self.pk) and self.partners.exists()

    def clean(self):
        if bool(self.need_id) == bool(self.resource_id):
            raise ValidationError(_("A claim is for exactly one need or one resource."))
        if self.resource_id and self.quantity and self.quantity > self.resource.capacity and self.status == ClaimStatus.PENDING:
            raise ValidationError({"quantity": _("More units than the resource has free.")})

    def _save_new(self, by, partners):
        self.full_clean(exclude=["partners"], validate_unique=False, validate_constraints=False)
        live = ClaimStatus.PENDING if self.resource_id else [ClaimStatus.PENDING, ClaimStatus.ACCEPTED]
        dupes = Claim.objects.filter(need_id=self.need_id, resource_id=self.resource_id, claimant_id=self.claimant_id)
        if dupes.filter(status__in=[live] if isinstance(live, str) else live).exists():
            raise ValidationError(gettext("%(org)s has already claimed this.") % {"org": self.claimant}, code="duplicate")
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError as e:
            # The partial unique constraint caught a simultaneous second claim.
            raise ValidationError(gettext("%(org)s has already claimed this.") % {"org": self.claimant}, code="duplicate") from e
        if partners:
            self.partners.set(partners)
        # The claim's own creation record (a TrackedModel) carries claimed_at beside the real time.
        ClaimEvent.objects.create(
            claim=self, from_status="", to_status=ClaimStatus.PENDING, actor=by, note=self.message, created_at=self.claimed_at
        )

    def _decide(self, new, by, reason="", at=None, **extra):
        """Compare-and-set pending → ``new``, decided at ``at`` (when it took effect; default now)."""
        now = timezone.now()
        at = at or now
        fields = {"decided_by": by, "decided_at": at, **extra}
        if new == ClaimStatus.REJECTED:
            fields["reject_reason"] = reason
        with transaction.atomic():
            updated = Claim.objects.filter(pk=self.pk, status=ClaimStatus.PENDING).update(status=new, updated_at=now, **fields)
            if not updated:
                current = Claim.objects.filter(pk=self.pk).values_list("status", flat=True).first()
                raise ValidationError(
                    gettext("This claim is already %(status)s.") % {"status": ClaimStatus(current).label.lower()}, code="decided"
                )
            ClaimEvent.objects.create(claim=self, from_status=ClaimStatus.PENDING, to_status=new, actor=by, note=reason, created_at=at)
            self.status = new
            for key, value in fields.items():
                setattr(self, key, value)
            changes = {"status": [ClaimStatus.PENDING, new], "reason": [None, reason], **audit_changes(at)}
            record(Action.UPDATE, self, changes=changes, actor=by)

    def check_decidable_by(self, user):
        if user is None or not scope_for(user).can_edit(self.owner_id):
            raise ValidationError(gettext("Only the owner's administrators can decide on this claim."), code="forbidden")

    def reject(self, by, reason):
        """The owner declines; the claimant sees the reason."""
        self.check_decidable_by(by)
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": gettext("Give a reason so the claimant knows why.")}, code="reason_required")
        self._decide(ClaimStatus.REJECTED, by, reason)

    def withdraw(self, by):
        """The claimant takes a pending claim back."""
        if by is None or not scope_for(by).can_edit(self.claimant_id):
            raise ValidationError(gettext("Only the claimant's administrators can withdraw this claim."), code="forbidden")
        self._decide(ClaimStatus.WITHDRAWN, by)

    def accept(self, by, join=None, effective_at=None):
        """The owner accepts: the need is claimed and a project is created (or ``join`` is joined).

        On a one-claimant need the need row is locked and moved published → claimed
        by compare-and-set, so of two simultaneous acceptances exactly one wins;
        the other pending claims are declined. Returns the project, if the
        projects app provides ``Project.objects.from_claim``. ``effective_at`` dates an
        acceptance entered after the fact: never before the claim was made.
        """
        self.check_decidable_by(by)
        with transaction.atomic():
            # Lock the need (or resource) before the claim, the same order every writer uses.
            if self.need_id:
                target = Need.objects.select_for_update().get(pk=self.need_id)
            else:
                target = Resource.objects.select_for_update().get(pk=self.resource_id)
            claim = Claim.objects.select_for_update().get(pk=self.pk)
            if claim.status != ClaimStatus.PENDING:
                raise ValidationError(
                    gettext("This claim is already %(status)s.") % {"status": ClaimStatus(claim.status).label.lower()}, code="decided"
                )
            floor = Floor(claim.claimed_at, _("A claim cannot be accepted before it was made (%(date)s)."))
            at = effective_moment(effective_at, floor, future=FUTURE)
            if self.need_id:
                self._take_need(target, by, at)
            else:
                self._take_resource(target)
            self._decide(ClaimStatus.ACCEPTED, by, at=at)
            if self.need_id and target.claim_mode == ClaimMode.SINGLE:
                for other in target.claims.filter(status=ClaimStatus.PENDING).exclude(pk=self.pk):
                    # Declined by this acceptance, though never before the other claim itself was made.
                    other._decide(
                        ClaimStatus.REJECTED, by, reason=gettext("Another organization's claim was accepted."), at=max(at, other.claimed_at)
                    )
            project = self._make_project(join)
            if self.need_id and project is not None and getattr(project, "status", "") == "active" and target.status == NeedStatus.CLAIMED:
                target.start(by, effective_at=at)
        if self.need_id:
            self.need = target
        return project

    def _take_need(self, need, by, at):
        if need.status == NeedStatus.PUBLISHED:
            updated = Need.objects.filter(pk=need.pk, status=NeedStatus.PUBLISHED).update(
                status=NeedStatus.CLAIMED, updated_at=timezone.now()
            )
            if not updated:
                raise ValidationError(gettext("Another claim on this need was accepted just now."), code="taken")
            NeedEvent.objects.create(
                need=need, from_status=NeedStatus.PUBLISHED, to_status=NeedStatus.CLAIMED, actor=by, note=str(self.claimant), created_at=at
            )
            changes = {"status": [NeedStatus.PUBLISHED, NeedStatus.CLAIMED], **audit_changes(at)}
            record(Action.UPDATE, need, changes=changes, actor=by)
            need.status = NeedStatus.CLAIMED
        elif need.claim_mode == ClaimMode.SINGLE and need.status in (NeedStatus.CLAIMED, NeedStatus.IN_PROGRESS, NeedStatus.FULFILLED):
            raise ValidationError(gettext("This need has already been claimed by another organization."), code="taken")
        elif not need.is_open:
            raise ValidationError(gettext("This need is not open for claims."), code="not_open")

    def _take_resource(self, resource):
        if not resource.is_open:
            raise ValidationError(gettext("This resource is not open for requests."), code="not_open")
        if self.quantity:
            updated = Resource.objects.filter(pk=resource.pk, capacity__gte=self.quantity).update(
                capacity=models.F("capacity") - self.quantity, updated_at=timezone.now()
            )
            if not updated:
                raise ValidationError(
                    gettext("Only %(capacity)s are still available.") % {"capacity": resource.capacity_display}, code="capacity"
                )
            record(Action.UPDATE, resource, changes={"capacity": [resource.capacity, resource.capacity - self.quantity]})
            resource.capacity -= self.quantity

    def _make_project(self, join):
        return Project.objects.from_claim(self, join=join)


class ClaimEvent(StatusEvent):
    """A claim's status transition (claimed, accepted, rejected, withdrawn)."""

    status_choices = ClaimStatus

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events")

    def __str__(self):
        return f"{self.claim_id}: {self.from_status or '-'} → {self.to_status}"

    class Meta(StatusEvent.Meta):
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
