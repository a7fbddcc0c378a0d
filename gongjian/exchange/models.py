"""Needs, resources and the claims between them (三张清单, 双向认领).

Status changes are verbs on the models below. Each one is a compare-and-set
on the status column inside a transaction, writes an event row beside it,
and raises a translated ValidationError when the move is not allowed.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import ScopedQuerySet, scope_for
from gongjian.lib.crypto import EncryptedTextField, mask
from gongjian.lib.models import ArchivableModel, ArchivableQuerySet, TrackedModel
from gongjian.orgs.validators import validate_mainland_phone

from .choices import ClaimMode, ClaimStatus, ListKind, NeedStatus, ResourceStatus

DEFAULT_PRIORITY_DAYS = 14


def priority_days() -> int:
    """Days paired organizations keep first claim after publishing (settings.EXCHANGE_PRIORITY_DAYS)."""
    return int(getattr(settings, "EXCHANGE_PRIORITY_DAYS", DEFAULT_PRIORITY_DAYS))


def paired_partner_ids(organization) -> set[int]:
    """Organizations paired with ``organization`` through a co-building pairing.

    The agreements app owns pairings; without it nobody has first claim.
    """
    try:
        Pairing = apps.get_model("agreements", "Pairing")
    except LookupError:
        return set()
    partners = getattr(Pairing.objects, "partners_of", None)
    if partners is None:
        return set()
    result = partners(organization)
    if isinstance(result, models.QuerySet):
        if result.model is apps.get_model("orgs", "Organization"):
            return set(result.values_list("pk", flat=True))
        return set(result)
    return {getattr(o, "pk", o) for o in result}


def _project_model():
    try:
        return apps.get_model("projects", "Project")
    except LookupError:
        return None


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user is not None and user.is_authenticated else self.none()

    def editable_by(self, user):
        # The taxonomy belongs to the alliance: only its admins change it.
        return self if scope_for(user).everything else self.none()

    def in_use(self):
        return self.filter(is_active=True)


class Category(TrackedModel):
    """A category of the configurable taxonomy needs and resources are filed under (人才就业, 设计规划, …)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive categories keep their items but cannot be chosen."))

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exchange:category_list")


class StatusEvent(models.Model):
    """One status transition: the history and the trigger for follow-up work."""

    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


def _transition(obj, allowed: dict, new: str, by=None, note="", event_model=None, event_fk="", **extra):
    """Move ``obj`` to ``new`` if its current status is a key of ``allowed``; compare-and-set.

    ``allowed`` maps each accepted old status to True; anything else raises the
    message for the current status. ``extra`` fields are written in the same UPDATE.
    """
    model = type(obj)
    with transaction.atomic():
        current = model._base_manager.filter(pk=obj.pk).values_list("status", flat=True).first()
        if current not in allowed:
            raise ValidationError(
                gettext("Cannot change the status from “%(old)s” to “%(new)s”.")
                % {"old": model.Status(current).label if current else "-", "new": model.Status(new).label},
                code="illegal_transition",
            )
        now = timezone.now()
        updated = model._base_manager.filter(pk=obj.pk, status=current).update(status=new, updated_at=now, **extra)
        if not updated:
            # Another request moved it between our read and our write.
            raise ValidationError(gettext("Someone else changed this item just now. Reload and try again."), code="conflict")
        event_model.objects.create(**{event_fk: obj}, from_status=current, to_status=new, actor=by, note=note)
        obj.status, obj.updated_at = new, now
        for key, value in extra.items():
            setattr(obj, key, value)
        changes = {"status": [current, new], **{k: [None, str(v)] for k, v in extra.items()}}
        record(Action.PUBLISH if new == "published" else Action.UPDATE, obj, changes=changes, actor=by)
    return current


# --------------------------------------------------------------------------- needs


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
        return _search(self, text)

    def due_to_expire(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=NeedStatus.PUBLISHED, deadline__lt=today)


def _search(queryset, text):
    """Chinese full-text search over title and description.

    Every word of the query must appear; words come from the shared jieba
    tokenizer when it is installed, so "社区设计" finds "为社区做空间设计".
    Substring matching keeps two-character words and partial words working.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    terms = search_terms(text)
    q = models.Q()
    for term in terms:
        q &= models.Q(title__icontains=term) | models.Q(description__icontains=term)
    return queryset.filter(q)


def search_terms(text: str) -> list[str]:
    """The words of a query: the shared segmenter's words (stop words dropped), else the raw chunks."""
    words = []
    for chunk in text.split():
        try:
            from gongjian.lib.text import cut
        except ImportError:  # the segmenter is optional; substrings still work
            tokens = [chunk]
        else:
            tokens = cut(chunk) or [chunk]
        words.extend(t for t in tokens if t not in words)
    return words


class Listing(TrackedModel, ArchivableModel):
    """What needs and resources share: an owner, a category, a region and a contact."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True, validators=[validate_mainland_phone])
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    audit_masked = ("contact_phone",)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def masked_contact_phone(self) -> str:
        return mask(self.contact_phone)

    def clean_category(self):
        if self.category_id and not self.category.is_active:
            old = type(self)._base_manager.filter(pk=self.pk).values_list("category_id", flat=True).first() if self.pk else None
            if old != self.category_id:
                raise ValidationError({"category": _("This category is no longer in use; choose another one.")})

    # Statuses in which someone relies on the item; it must be closed before archiving.
    busy_statuses: tuple[str, ...] = ()

    def archive(self):
        if self.status in self.busy_statuses:
            raise ValidationError(gettext("Close it before archiving; others may still be relying on it."), code="busy")
        super().archive()

    def check_editable_by(self, user):
        if user is None or not scope_for(user).can_edit(self.organization_id):
            raise ValidationError(gettext("You may only act for organizations you administer."), code="forbidden")


class Need(Listing):
    """A need an organization posts (需求): claimed by others, it becomes a project."""

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
        ]
        indexes = [models.Index(fields=["status", "priority_until"]), models.Index(fields=["category", "status"])]

    def get_absolute_url(self):
        return reverse("exchange:need_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        self.clean_category()
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
    def publish(self, by=None, priority_until=None):
        """draft → published. Paired organizations get first claim for EXCHANGE_PRIORITY_DAYS unless a date is set."""
        if by is not None:
            self.check_editable_by(by)
        self.full_clean()
        now = timezone.now()
        until = priority_until or self.priority_until
        if until is None and paired_partner_ids(self.organization):
            # Nobody paired means nobody to wait for: the need goes straight to the open hall.
            until = timezone.localdate(now) + datetime.timedelta(days=priority_days())
            if self.deadline and until > self.deadline:
                until = self.deadline
        _transition(
            self,
            {NeedStatus.DRAFT: True},
            NeedStatus.PUBLISHED,
            by,
            event_model=NeedEvent,
            event_fk="need",
            published_at=now,
            priority_until=until,
        )

    def close(self, by=None, note=""):
        """Withdraw a need nobody works on yet; pending claims are declined with the note."""
        if by is not None:
            self.check_editable_by(by)
        allowed = {NeedStatus.DRAFT: True, NeedStatus.PUBLISHED: True, NeedStatus.CLAIMED: True}
        with transaction.atomic():
            _transition(self, allowed, NeedStatus.CLOSED, by, note, event_model=NeedEvent, event_fk="need")
            for claim in self.claims.filter(status=ClaimStatus.PENDING):
                claim._decide(ClaimStatus.REJECTED, by, reason=gettext("The need was closed."))

    def start(self, by=None):
        """claimed → in_progress: the project working on it has started."""
        _transition(self, {NeedStatus.CLAIMED: True}, NeedStatus.IN_PROGRESS, by, event_model=NeedEvent, event_fk="need")

    def fulfil(self, by=None, note=""):
        """claimed/in_progress → fulfilled, marked by the owner."""
        if by is not None:
            self.check_editable_by(by)
        allowed = {NeedStatus.CLAIMED: True, NeedStatus.IN_PROGRESS: True}
        with transaction.atomic():
            _transition(self, allowed, NeedStatus.FULFILLED, by, note, event_model=NeedEvent, event_fk="need")
            for claim in self.claims.filter(status=ClaimStatus.PENDING):
                claim._decide(ClaimStatus.REJECTED, by, reason=gettext("The need is already fulfilled."))

    def expire(self, by=None):
        """published → expired once the deadline has passed with nobody accepted."""
        with transaction.atomic():
            _transition(self, {NeedStatus.PUBLISHED: True}, NeedStatus.EXPIRED, by, event_model=NeedEvent, event_fk="need")
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

    def claim(self, organization, *, by, partners=(), message=""):
        """``organization`` claims this need, alone or jointly with ``partners`` (联合领办); the owner decides."""
        if not scope_for(by).can_edit(organization.pk):
            raise ValidationError(gettext("You may only claim for organizations you administer."), code="forbidden")
        partners = list(partners)
        with transaction.atomic():
            need = Need.objects.select_for_update().get(pk=self.pk)
            need.check_claimable_by(organization, partners)
            claim = Claim(need=need, claimant=organization, message=message, created_by=by)
            claim._save_new(by, partners)
        return claim


class NeedEvent(StatusEvent):
    """A need's status transition."""

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
    """A resource an organization offers (资源): spare capacity others can request."""

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
        ]
        indexes = [models.Index(fields=["category", "status"])]

    def get_absolute_url(self):
        return reverse("exchange:resource_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        self.clean_category()
        if self.available_from and self.available_until and self.available_until < self.available_from:
            raise ValidationError({"available_until": _("The end of availability cannot be before its start.")})

    @property
    def is_open(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED and not self.archived_at

    @property
    def capacity_display(self) -> str:
        return f"{self.capacity} {self.capacity_unit}".strip()

    def publish(self, by=None):
        if by is not None:
            self.check_editable_by(by)
        self.full_clean()
        now = timezone.now()
        allowed = {ResourceStatus.DRAFT: True, ResourceStatus.CLOSED: True}
        published_at = self.published_at or now
        _transition(self, allowed, ResourceStatus.PUBLISHED, by, event_model=ResourceEvent, event_fk="resource", published_at=published_at)

    def close(self, by=None, note=""):
        if by is not None:
            self.check_editable_by(by)
        allowed = {ResourceStatus.DRAFT: True, ResourceStatus.PUBLISHED: True}
        with transaction.atomic():
            _transition(self, allowed, ResourceStatus.CLOSED, by, note, event_model=ResourceEvent, event_fk="resource")
            for claim in self.claims.filter(status=ClaimStatus.PENDING):
                claim._decide(ClaimStatus.REJECTED, by, reason=gettext("The resource was withdrawn."))

    def request(self, organization, *, by, partners=(), message="", quantity=None):
        """``organization`` asks to use this resource; ``quantity`` units of its spare capacity if given."""
        if not scope_for(by).can_edit(organization.pk):
            raise ValidationError(gettext("You may only request for organizations you administer."), code="forbidden")
        partners = list(partners)
        with transaction.atomic():
            resource = Resource.objects.select_for_update().get(pk=self.pk)
            if not resource.is_open:
                raise ValidationError(gettext("This resource is not open for requests."), code="not_open")
            if organization.pk == resource.organization_id:
                raise ValidationError(gettext("An organization cannot request its own resource."), code="own_resource")
            if quantity and quantity > resource.capacity:
                raise ValidationError(
                    gettext("Only %(capacity)s are still available.") % {"capacity": resource.capacity_display}, code="capacity"
                )
            claim = Claim(resource=resource, claimant=organization, message=message, created_by=by, quantity=quantity or None)
            claim._save_new(by, partners)
        return claim


class ResourceEvent(StatusEvent):
    """A resource's status transition."""

    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="events")

    def __str__(self):
        return f"{self.resource_id}: {self.from_status or '-'} → {self.to_status}"

    class Meta(StatusEvent.Meta):
        verbose_name = _("resource event")
        verbose_name_plural = _("resource events")


# --------------------------------------------------------------------------- claims


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
    """An organization claims a need (认领) or requests a resource; the owner accepts or rejects it."""

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
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING, editable=False)
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
        ordering = ["-created_at", "-pk"]
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
        ClaimEvent.objects.create(claim=self, from_status="", to_status=ClaimStatus.PENDING, actor=by, note=self.message)

    def _decide(self, new, by, reason="", **extra):
        now = timezone.now()
        fields = {"decided_by": by, "decided_at": now, **extra}
        if new == ClaimStatus.REJECTED:
            fields["reject_reason"] = reason
        with transaction.atomic():
            updated = Claim.objects.filter(pk=self.pk, status=ClaimStatus.PENDING).update(status=new, updated_at=now, **fields)
            if not updated:
                current = Claim.objects.filter(pk=self.pk).values_list("status", flat=True).first()
                raise ValidationError(
                    gettext("This claim is already %(status)s.") % {"status": ClaimStatus(current).label.lower()}, code="decided"
                )
            ClaimEvent.objects.create(claim=self, from_status=ClaimStatus.PENDING, to_status=new, actor=by, note=reason)
            self.status = new
            for key, value in fields.items():
                setattr(self, key, value)
            record(Action.UPDATE, self, changes={"status": [ClaimStatus.PENDING, new], "reason": [None, reason]}, actor=by)

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

    def accept(self, by, join=None):
        """The owner accepts: the need is claimed and a project is created (or ``join`` is joined).

        On a one-claimant need the need row is locked and moved published → claimed
        by compare-and-set, so of two simultaneous acceptances exactly one wins;
        the other pending claims are declined. Returns the project, if the
        projects app provides ``Project.objects.from_claim``.
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
            if self.need_id:
                self._take_need(target, by)
            else:
                self._take_resource(target)
            self._decide(ClaimStatus.ACCEPTED, by)
            if self.need_id and target.claim_mode == ClaimMode.SINGLE:
                for other in target.claims.filter(status=ClaimStatus.PENDING).exclude(pk=self.pk):
                    other._decide(ClaimStatus.REJECTED, by, reason=gettext("Another organization's claim was accepted."))
            project = self._make_project(join)
            if self.need_id and project is not None and getattr(project, "status", "") == "active" and target.status == NeedStatus.CLAIMED:
                target.start(by)
        if self.need_id:
            self.need = target
        return project

    def _take_need(self, need, by):
        if need.status == NeedStatus.PUBLISHED:
            updated = Need.objects.filter(pk=need.pk, status=NeedStatus.PUBLISHED).update(
                status=NeedStatus.CLAIMED, updated_at=timezone.now()
            )
            if not updated:
                raise ValidationError(gettext("Another claim on this need was accepted just now."), code="taken")
            NeedEvent.objects.create(
                need=need, from_status=NeedStatus.PUBLISHED, to_status=NeedStatus.CLAIMED, actor=by, note=str(self.claimant)
            )
            record(Action.UPDATE, need, changes={"status": [NeedStatus.PUBLISHED, NeedStatus.CLAIMED]}, actor=by)
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
        Project = _project_model()
        from_claim = getattr(getattr(Project, "objects", None), "from_claim", None)
        if from_claim is None:
            if join is not None:
                raise ValidationError(gettext("Projects are not available."), code="no_projects")
            return None
        return from_claim(self, join=join)


class ClaimEvent(StatusEvent):
    """A claim's status transition (claimed, accepted, rejected, withdrawn)."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events")

    def __str__(self):
        return f"{self.claim_id}: {self.from_status or '-'} → {self.to_status}"

    class Meta(StatusEvent.Meta):
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")


# --------------------------------------------------------------------------- published lists


class ListReleaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user is not None and user.is_authenticated else self.none()

    def editable_by(self, user):
        return self if scope_for(user).everything else self.none()

    def latest_for(self, year, kind):
        return self.filter(year=year, kind=kind).order_by("-published_at", "-pk").first()


class ListRelease(TrackedModel):
    """The alliance's published list for a year (需求清单/资源清单/项目清单), frozen as a snapshot.

    Releasing again the same year adds a new release; the latest one is current.
    """

    Kind = ListKind

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("list"), max_length=16, choices=ListKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(_("snapshot"), default=list, blank=True)
    featured = models.JSONField(_("featured items"), default=list, blank=True, help_text=_("UUIDs of the core needs or projects."))

    objects = ListReleaseQuerySet.as_manager()

    # The snapshot can be large; the publish record carries its size instead.
    audit_ignored = ("updated_at", "created_at", "snapshot")

    class Meta:
        verbose_name = _("list release")
        verbose_name_plural = _("list releases")
        ordering = ["-year", "kind", "-published_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ListKind.values), name="exchange_release_kind_valid"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="exchange_release_year_range"),
        ]

    def __str__(self):
        return self.title or f"{self.year} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("exchange:release_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        if not isinstance(self.featured, list) or not all(isinstance(u, str) for u in self.featured):
            raise ValidationError({"featured": _("Featured items must be a list of identifiers.")})

    @property
    def featured_set(self) -> set[str]:
        return set(self.featured or [])
