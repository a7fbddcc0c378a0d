"""Needs (需求) and resources (资源): status verbs, priority windows, claiming and requesting."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import ScopedQuerySet, scope_for
from gongjian.lib.models import ArchivableQuerySet

from ..choices import ClaimMode, ClaimStatus, NeedStatus, ResourceStatus, ServiceArea
from .base import Category, Listing, StatusEvent, paired_partner_ids, priority_days, search_listings, transition


class NeedQuerySet(ScopedQuerySet, ArchivableQuerySet):
    scope_lookup = "organization"

    def visible_to(self, user):
        """Published needs are the open hall for every signed-in member; drafts stay in the owner's scope."""
        if user is None or not user.is_authenticated:
            return self.none()
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(models.Q(published_at__isnull=False) | models.Q(organization__in=scope.visible))

    def published(self):
        return self.filter(published_at__isnull=False)

    def open(self):
        """Needs an organization may still claim."""
        return self.active().filter(
            models.Q(status=NeedStatus.PUBLISHED)
            | models.Q(claim_mode=ClaimMode.MULTIPLE, status__in=[NeedStatus.CLAIMED, NeedStatus.IN_PROGRESS])
        )

    def in_hall(self, today=None):
        """The open hall (领办大厅): open needs whose paired organizations' first claim has ended."""
        today = today or timezone.localdate()
        return self.open().filter(models.Q(priority_until__isnull=True) | models.Q(priority_until__lt=today))

    def in_region(self, region):
        return self.filter(region__path__startswith=region.path)

    def search(self, text):
        return search_listings(self, text)

    def due_to_expire(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=NeedStatus.PUBLISHED, deadline__lt=today)


class Need(Listing):
    """A need an organization posts (需求): claimed by others, it becomes a project.

    Effective dates (补录): a draft has no date of its own; the story starts when it is
    published. Publishing, claiming and accepting take an optional effective date, never in
    the future and in order: published_at ≥ the previous step, a claim ≥ published_at (the
    paired organizations' first claim is judged on the claim's day), acceptance ≥ the claim.
    ``published_at``, ``Claim.claimed_at``, ``Claim.decided_at`` and the events' ``created_at``
    hold the effective date; the events' ``recorded_at`` and the audit record the real time.
    Closing, fulfilling and expiring are stamped with the real time.
    """

    Status = NeedStatus
    ClaimMode = ClaimMode

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="needs")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="needs")
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    scale = models.CharField(_("scale"), max_length=100, blank=True, help_text=_("e.g. 25 个采样亭, 10 名志愿者"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.DRAFT, editable=False)
    claim_mode = models.CharField(
        _("claim mode"),
        max_length=16,
        choices=ClaimMode.choices,
        default=ClaimMode.SINGLE,
        help_text=_("One claimant: the first accepted claim takes the need. Several: each accepted claim joins the work."),
    )
    priority_until = models.DateField(
        _("paired organizations' first claim until"),
        null=True,
        blank=True,
        help_text=_("Until this day only paired organizations may claim; then the need is in the open hall. Empty: open at once."),
    )
    featured = models.BooleanField(_("featured"), default=False, help_text=_("A core need highlighted in the published list."))
    satisfaction = models.PositiveSmallIntegerField(
        _("owner's satisfaction"), null=True, blank=True, editable=False, help_text=_("1 (poor) to 5 (excellent), given when the need is fulfilled.")
    )

    objects = NeedQuerySet.as_manager()

    busy_statuses = (NeedStatus.PUBLISHED, NeedStatus.CLAIMED, NeedStatus.IN_PROGRESS)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=NeedStatus.values), name="exchange_need_status_valid"),
            models.CheckConstraint(condition=models.Q(claim_mode__in=ClaimMode.values), name="exchange_need_claim_mode_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=[NeedStatus.DRAFT, NeedStatus.CLOSED]) | models.Q(published_at__isnull=False),
                name="exchange_need_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="exchange_need_satisfaction_1_to_5",
            ),
            *Listing.direction_constraints("exchange_need"),
        ]
        indexes = [
            models.Index(fields=["status", "priority_until"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["published_at"], name="exchange_need_published_idx"),  # needs published in a period
        ]

    def get_absolute_url(self):
        return reverse("exchange:need_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        self.clean_category()
        self.clean_direction()
        if self.deadline and self.priority_until and self.priority_until > self.deadline:
            raise ValidationError({"priority_until": _("First claim cannot last beyond the need's deadline.")})
        if self.claim_mode == ClaimMode.SINGLE and self.pk:
            accepted = self.claims.filter(status=ClaimStatus.ACCEPTED).count()
            if accepted > 1:
                raise ValidationError({"claim_mode": _("Several claims are already accepted; the need cannot take one claimant only.")})

    # -- state ---------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        if self.archived_at:
            return False
        if self.status == NeedStatus.PUBLISHED:
            return True
        return self.claim_mode == ClaimMode.MULTIPLE and self.status in (NeedStatus.CLAIMED, NeedStatus.IN_PROGRESS)

    def in_priority_window(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.priority_until is not None and today <= self.priority_until

    @property
    def in_hall(self) -> bool:
        return self.is_open and not self.in_priority_window()

    # -- verbs ---------------------------------------------------------------
    def publish(self, by=None, priority_until=None, effective_at=None):
        """draft → published. Paired organizations get first claim for EXCHANGE_PRIORITY_DAYS unless a date is set.

        ``effective_at`` dates a publication entered after the fact; the first-claim window counts from it.
        """
        if by is not None:
            self.check_editable_by(by)
        self.full_clean()
        at = self.effective(effective_at)
        until = priority_until or self.priority_until
        if until is None and paired_partner_ids(self.organization):
            # Nobody paired means nobody to wait for: the need goes straight to the open hall.
            until = timezone.localdate(at) + datetime.timedelta(days=priority_days())
            if self.deadline and until > self.deadline:
                until = self.deadline
        transition(
            self,
            {NeedStatus.DRAFT: True},
            NeedStatus.PUBLISHED,
            by,
            event_model=NeedEvent,
            event_fk="need",
            at=at,
            published_at=at,
            priority_until=until,
        )

    def close(self, by=None, note=""):
        """Withdraw a need nobody works on yet; pending claims are declined with the note."""
        if by is not None:
            self.check_editable_by(by)
        allowed = {NeedStatus.DRAFT: True, NeedStatus.PUBLISHED: True, NeedStatus.CLAIMED: True}
        with transaction.atomic():
            transition(self, allowed, NeedStatus.CLOSED, by, note, event_model=NeedEvent, event_fk="need")
            for claim in self.claims.filter(status=ClaimStatus.PENDING):
                claim._decide(ClaimStatus.REJECTED, by, reason=gettext("The need was closed."))

    def start(self, by=None, effective_at=None):
        """claimed → in_progress: the project working on it has started (at ``effective_at``, default now)."""
        at = self.effective(effective_at)
        transition(self, {NeedStatus.CLAIMED: True}, NeedStatus.IN_PROGRESS, by, event_model=NeedEvent, event_fk="need", at=at)

    def fulfil(self, by=None, note="", satisfaction=None):
        """claimed/in_progress → fulfilled, marked by the owner, who may rate the result 1–5 (满意度)."""
        if by is not None:
            self.check_editable_by(by)
        if satisfaction is not None and satisfaction not in range(1, 6):
            raise ValidationError({"satisfaction": gettext("Satisfaction is rated from 1 to 5.")})
        allowed = {NeedStatus.CLAIMED: True, NeedStatus.IN_PROGRESS: True}
        with transaction.atomic():
            transition(self, allowed, NeedStatus.FULFILLED, by, note, event_model=NeedEvent, event_fk="need", satisfaction=satisfaction)
            for claim in self.claims.filter(status=ClaimStatus.PENDING):
                claim._decide(ClaimStatus.REJECTED, by, reason=gettext("The need is already fulfilled."))

    def expire(self, by=None):
        """published → expired once the deadline has passed with nobody accepted."""
        with transaction.atomic():
            transition(self, {NeedStatus.PUBLISHED: True}, NeedStatus.EXPIRED, by, event_model=NeedEvent, event_fk="need")
            for claim in self.claims.filter(status=ClaimStatus.PENDING):
                claim._decide(ClaimStatus.REJECTED, by, reason=gettext("The need expired."))

    def set_featured(self, value: bool, by=None):
        Need.objects.filter(pk=self.pk).update(featured=value, updated_at=timezone.now())
        self.featured = value
        record(Action.UPDATE, self, changes={"featured": [not value, value]}, actor=by)

    def check_claimable_by(self, organization, partners=(), today=None):
        """Raise why ``organization`` may not claim this need now (priority window, status, self-claims)."""
        if not self.is_open:
            raise ValidationError(gettext("This need is not open for claims."), code="not_open")
        # Past its deadline an unclaimed need is expired, whether or not the nightly expire_listings has run.
        if self.status == NeedStatus.PUBLISHED and self.deadline and self.deadline < (today or timezone.localdate()):
            raise ValidationError(gettext("The need's deadline has passed; it no longer takes claims."), code="past_deadline")
        if organization.pk == self.organization_id:
            raise ValidationError(gettext("An organization cannot claim its own need."), code="own_need")
        if any(p.pk in (organization.pk, self.organization_id) for p in partners):
            raise ValidationError(gettext("Partners must be other organizations than the claimant and the need's owner."), code="partners")
        if self.in_priority_window(today):
            paired = paired_partner_ids(self.organization)
            if organization.pk not in paired and not paired.intersection(organization.ancestor_ids()):
                raise ValidationError(
                    gettext("Until %(date)s only organizations paired with %(owner)s may claim this need; then it opens to everyone.")
                    % {"date": self.priority_until.isoformat(), "owner": self.organization.name},
                    code="priority",
                )

    def make_claim(self, organization, *, by, partners=(), quantity=None, message="", effective_at=None, from_suggestion=False):
        """Claim this need: what the page and the API call for either kind of listing."""
        if quantity:
            raise ValidationError({"quantity": gettext("A need is claimed whole; a quantity is for resources.")}, code="quantity")
        return self.claim(organization, by=by, partners=partners, message=message, effective_at=effective_at, from_suggestion=from_suggestion)

    def claim(self, organization, *, by, partners=(), message="", effective_at=None, from_suggestion=False):
        """``organization`` claims this need, alone or jointly with ``partners`` (联合领办); the owner decides.

        ``effective_at`` dates a claim entered after the fact: not before the need was published,
        and the paired organizations' first claim is judged on that day.
        """
        if not scope_for(by).can_edit(organization.pk):
            raise ValidationError(gettext("You may only claim for organizations you administer."), code="forbidden")
        partners = list(partners)
        with transaction.atomic():
            need = Need.objects.select_for_update().get(pk=self.pk)
            at = need.claim_moment(effective_at)
            need.check_claimable_by(organization, partners, today=timezone.localdate(at))
            # The related manager's model: claims.py imports this module, so this one cannot import it.
            claim = need.claims.model(need=need, claimant=organization, message=message, created_by=by, claimed_at=at, from_suggestion=from_suggestion)
            claim._save_new(by, partners)
        return claim


class NeedEvent(StatusEvent):
    """A need's status transition."""

    status_choices = NeedStatus

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="events")

    def __str__(self):
        return f"{self.need_id}: {self.from_status or '-'} → {self.to_status}"

    class Meta(StatusEvent.Meta):
        verbose_name = _("need event")
        verbose_name_plural = _("need events")


# --------------------------------------------------------------------------- resources


class ResourceQuerySet(NeedQuerySet):
    def open(self):
        return self.active().filter(status=ResourceStatus.PUBLISHED)

    def in_hall(self, today=None):
        return self.open()

    def due_to_expire(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=ResourceStatus.PUBLISHED, available_until__lt=today)


class Resource(Listing):
    """A resource an organization offers (资源): spare capacity others can request.

    Effective dates follow Need's rule: publishing ≥ the previous step (a close, when
    published again), a request ≥ published_at, acceptance ≥ the request.
    """

    Status = ResourceStatus

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="resources"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="resources")
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("service area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
    )
    service_area = models.CharField(
        _("reaches"),
        max_length=16,
        choices=ServiceArea.choices,
        blank=True,
        help_text=_("How far the offer reaches from its service area: a district-wide offer is suggested to needs in every street of it."),
    )
    capacity = models.PositiveIntegerField(_("spare capacity"), default=0, help_text=_("How many units are still free, e.g. 20."))
    capacity_unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. 名学生设计师, 场宣讲/月"))
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT, editable=False)

    objects = ResourceQuerySet.as_manager()

    busy_statuses = (ResourceStatus.PUBLISHED,)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ResourceStatus.values), name="exchange_resource_status_valid"),
            models.CheckConstraint(
                condition=models.Q(available_from__isnull=True)
                | models.Q(available_until__isnull=True)
                | models.Q(available_until__gte=models.F("available_from")),
                name="exchange_resource_availability_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[ResourceStatus.DRAFT, ResourceStatus.CLOSED]) | models.Q(published_at__isnull=False),
                name="exchange_resource_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(service_area__in=["", *ServiceArea.values]), name="exchange_resource_service_area_valid"
            ),
            *Listing.direction_constraints("exchange_resource"),
        ]
        indexes = [
            models.Index(fields=["category", "status"]),
            models.Index(fields=["published_at"], name="exchange_res_published_idx"),  # resources published in a period
        ]

    def get_absolute_url(self):
        return reverse("exchange:resource_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        self.clean_category()
        self.clean_direction()
        if self.available_from and self.available_until and self.available_until < self.available_from:
            raise ValidationError({"available_until": _("The end of availability cannot be before its start.")})
        self.clean_service_area()

    def place(self):
        """The region the resource is in: its own service area, else its organization's region (None if neither)."""
        if self.region_id:
            return self.region
        return self.organization.region if self.organization_id and self.organization.region_id else None

    def clean_service_area(self):
        if not self.service_area:
            return
        place = self.place()
        if place is None:
            raise ValidationError({"service_area": _("Choose the service area's region first: the reach is counted from it.")})
        if ServiceArea(self.service_area).level > place.level:
            raise ValidationError(
                {"service_area": _("%(region)s is not inside a region of that level; choose a wider reach.") % {"region": place.name}}
            )

    @property
    def reach_region(self):
        """The region the offer reaches: the ancestor of its place at the service area's level (None if not said)."""
        place = self.place() if self.service_area else None
        if place is None:
            return None
        level = ServiceArea(self.service_area).level
        return place if place.level == level else type(place).objects.filter(pk__in=place.ancestor_ids(), level=level).first()

    @property
    def is_open(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED and not self.archived_at

    @property
    def capacity_display(self) -> str:
        return f"{self.capacity} {self.capacity_unit}".strip()

    def publish(self, by=None, effective_at=None):
        """draft/closed → published; published again after a close, it keeps its first date unless one is given."""
        if by is not None:
            self.check_editable_by(by)
        self.full_clean()
        at = self.effective(effective_at)
        allowed = {ResourceStatus.DRAFT: True, ResourceStatus.CLOSED: True}
        published_at = at if effective_at is not None or self.published_at is None else self.published_at
        transition(
            self, allowed, ResourceStatus.PUBLISHED, by, event_model=ResourceEvent, event_fk="resource", at=at, published_at=published_at
        )

    def close(self, by=None, note=""):
        if by is not None:
            self.check_editable_by(by)
        allowed = {ResourceStatus.DRAFT: True, ResourceStatus.PUBLISHED: True}
        with transaction.atomic():
            transition(self, allowed, ResourceStatus.CLOSED, by, note, event_model=ResourceEvent, event_fk="resource")
            for claim in self.claims.filter(status=ClaimStatus.PENDING):
                claim._decide(ClaimStatus.REJECTED, by, reason=gettext("The resource was withdrawn."))

    def make_claim(self, organization, *, by, partners=(), quantity=None, message="", effective_at=None, from_suggestion=False):
        """Request this resource: what the page and the API call for either kind of listing."""
        if partners:
            raise ValidationError({"partners": gettext("A resource is requested by one organization; joint claims are for needs.")}, code="partners")
        return self.request(organization, by=by, quantity=quantity, message=message, effective_at=effective_at, from_suggestion=from_suggestion)

    def request(self, organization, *, by, partners=(), message="", quantity=None, effective_at=None, from_suggestion=False):
        """``organization`` asks to use this resource; ``quantity`` units of its spare capacity if given.

        ``effective_at`` dates a request entered after the fact, not before the resource was published.
        """
        if not scope_for(by).can_edit(organization.pk):
            raise ValidationError(gettext("You may only request for organizations you administer."), code="forbidden")
        partners = list(partners)
        with transaction.atomic():
            resource = Resource.objects.select_for_update().get(pk=self.pk)
            at = resource.claim_moment(effective_at)
            if not resource.is_open:
                raise ValidationError(gettext("This resource is not open for requests."), code="not_open")
            if organization.pk == resource.organization_id:
                raise ValidationError(gettext("An organization cannot request its own resource."), code="own_resource")
            if quantity and quantity > resource.capacity:
                raise ValidationError(
                    gettext("Only %(capacity)s are still available.") % {"capacity": resource.capacity_display}, code="capacity"
                )
            claim = resource.claims.model(
                resource=resource,
                claimant=organization,
                message=message,
                created_by=by,
                quantity=quantity or None,
                claimed_at=at,
                from_suggestion=from_suggestion,
            )
            claim._save_new(by, partners)
        return claim


class ResourceEvent(StatusEvent):
    """A resource's status transition."""

    status_choices = ResourceStatus

    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="events")

    def __str__(self):
        return f"{self.resource_id}: {self.from_status or '-'} → {self.to_status}"

    class Meta(StatusEvent.Meta):
        verbose_name = _("resource event")
        verbose_name_plural = _("resource events")
