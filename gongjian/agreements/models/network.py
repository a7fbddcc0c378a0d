"""Pairings (结对), alliances (联盟, 微联盟, 组团), practice bases and honours."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.activities.choices import Track
from gongjian.lib.access import ScopedQuerySet
from gongjian.lib.effective import effective_moment
from gongjian.lib.models import ArchivableModel, ArchivableQuerySet, TrackedModel

from ..choices import AllianceKind, BaseKind, HonorKind, HonorLevel, PairingStatus
from ..storage import honor_evidence_path, private_storage
from .agreement import FUTURE


class MultiPathQuerySet(ScopedQuerySet, ArchivableQuerySet):
    """Scope through several organization paths at once (e.g. host OR partners).

    ``view_lookups`` decide who sees a row, ``edit_lookups`` who may change it.
    Filtering goes through a pk subquery so rows never repeat.
    """

    view_lookups: tuple[str, ...] = ()
    edit_lookups: tuple[str, ...] = ()

    def _through(self, lookups, ids):
        q = Q()
        for lookup in lookups:
            q |= Q(**{f"{lookup}__in": ids})
        return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))

    def visible_to(self, user):
        from gongjian.lib.access import scope_for

        scope = scope_for(user)
        return self if scope.everything else self._through(self.view_lookups, scope.visible)

    def editable_by(self, user):
        from gongjian.lib.access import scope_for

        scope = scope_for(user)
        return self if scope.everything else self._through(self.edit_lookups, scope.editable)

    def involving(self, organization):
        return self._through(self.view_lookups, [organization.pk])


# --- Pairings --------------------------------------------------------------
class PairingQuerySet(MultiPathQuerySet):
    view_lookups = edit_lookups = ("org_a", "org_b")

    def current(self, today=None):
        today = today or timezone.localdate()
        return self.active().filter(
            Q(status=PairingStatus.ACTIVE),
            Q(start_date__isnull=True) | Q(start_date__lte=today),
            Q(end_date__isnull=True) | Q(end_date__gte=today),
        )

    def partners_of(self, organization, today=None) -> set[int]:
        """Ids of organizations currently paired with this one (they get first claim on its needs),
        or with any of a set of them (ids), in one query."""
        ids = set(organization) if isinstance(organization, set | frozenset) else {getattr(organization, "pk", organization)}
        rows = self.current(today).filter(Q(org_a_id__in=ids) | Q(org_b_id__in=ids)).values_list("org_a_id", "org_b_id")
        partners = set()
        for a, b in rows:
            partners |= {b} if a in ids else set()
            partners |= {a} if b in ids else set()
        return partners


class Pairing(ArchivableModel, TrackedModel):
    """Two organizations paired for co-building or joint study (结对共建, 结对联学), with a theme."""

    Status = PairingStatus

    org_a = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="pairings_as_a")
    org_b = models.ForeignKey("orgs.Organization", verbose_name=_("paired with"), on_delete=models.PROTECT, related_name="pairings_as_b")
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    track = models.CharField(_("track"), max_length=16, choices=Track.choices, default=Track.BUILD)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PairingStatus.choices, default=PairingStatus.ACTIVE)
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), null=True, blank=True, on_delete=models.SET_NULL, related_name="pairings"
    )
    description = models.TextField(_("description"), blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(org_a=models.F("org_b")), name="agreements_pairing_distinct_orgs"),
            # A pair is a pair whichever side is "a": the ordered ids must be unique.
            models.UniqueConstraint(Least("org_a", "org_b"), Greatest("org_a", "org_b"), name="agreements_pairing_unique_pair"),
            models.CheckConstraint(condition=Q(status__in=PairingStatus.values), name="agreements_pairing_status_valid"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="agreements_pairing_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.org_a} ↔ {self.org_b}"

    def get_absolute_url(self):
        return reverse("agreements:pairing_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        if self.org_a_id and self.org_a_id == self.org_b_id:
            raise ValidationError({"org_b": _("An organization cannot be paired with itself.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.org_a_id and self.org_b_id:
            same = Pairing.objects.filter(
                Q(org_a_id=self.org_a_id, org_b_id=self.org_b_id) | Q(org_a_id=self.org_b_id, org_b_id=self.org_a_id)
            ).exclude(pk=self.pk)
            if same.exists():
                raise ValidationError(_("These two organizations are already paired."))


# --- Alliances -------------------------------------------------------------
class AllianceQuerySet(MultiPathQuerySet):
    view_lookups = ("lead", "members")
    edit_lookups = ("lead",)


class Alliance(ArchivableModel, TrackedModel):
    """A named group of organizations with a lead and a purpose (联盟, 微联盟, 组团)."""

    Kind = AllianceKind

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AllianceKind.choices, default=AllianceKind.ALLIANCE)
    track = models.CharField(_("track"), max_length=16, choices=Track.choices, default=Track.BUILD)
    lead = models.ForeignKey(
        "orgs.Organization", verbose_name=_("lead organization"), on_delete=models.PROTECT, related_name="alliances_led"
    )
    members = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("members"), through="AllianceMember", related_name="alliances", blank=True
    )
    purpose = models.TextField(_("purpose"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["-founded_on", "name"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=AllianceKind.values), name="agreements_alliance_kind_valid")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreements:alliance_detail", kwargs={"uuid": self.uuid})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The lead is always a member, so member lists and counts include it.
        if self.lead_id:
            AllianceMember.objects.get_or_create(alliance=self, organization_id=self.lead_id, defaults={"joined_on": self.founded_on})


class AllianceMember(TrackedModel):
    """An organization's membership in an alliance."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="alliance_memberships"
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=60, blank=True, help_text=_("e.g. 牵头单位, 成员单位"))

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        ordering = ["alliance", "pk"]
        constraints = [models.UniqueConstraint(fields=["alliance", "organization"], name="agreements_alliance_member_unique")]

    def __str__(self):
        return f"{self.organization} @ {self.alliance}"

    def clean(self):
        if (
            self.alliance_id
            and self.organization_id
            and AllianceMember.objects.filter(alliance_id=self.alliance_id, organization_id=self.organization_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"organization": _("This organization is already a member.")})


# --- Practice bases --------------------------------------------------------
class PracticeBaseQuerySet(MultiPathQuerySet):
    view_lookups = ("host", "partners")
    edit_lookups = ("host",)


class PracticeBase(ArchivableModel, TrackedModel):
    """A practice base (实践育人基地) run by a host with partners, resting on an agreement."""

    Kind = BaseKind

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=BaseKind.choices, default=BaseKind.PRACTICE)
    host = models.ForeignKey("orgs.Organization", verbose_name=_("host"), on_delete=models.PROTECT, related_name="practice_bases_hosted")
    partners = models.ManyToManyField("orgs.Organization", verbose_name=_("partners"), blank=True, related_name="practice_bases")
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey("orgs.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("People it can receive at a time."))
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), null=True, blank=True, on_delete=models.SET_NULL, related_name="practice_bases"
    )
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), null=True, blank=True, on_delete=models.SET_NULL, related_name="practice_bases"
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = PracticeBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice base")
        verbose_name_plural = _("practice bases")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["host", "name"], name="agreements_base_unique_name_per_host"),
            models.CheckConstraint(condition=Q(kind__in=BaseKind.values), name="agreements_base_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreements:base_detail", kwargs={"uuid": self.uuid})

    def clean(self):
        if self.host_id and self.name and PracticeBase.objects.filter(host_id=self.host_id, name=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": _("This host already has a practice base with this name.")})

    def activities(self):
        """Activities held here; empty when the activities app has no link to bases."""
        for relation in self._meta.related_objects:
            if relation.related_model._meta.label_lower == "activities.activity" and not relation.many_to_many:
                return getattr(self, relation.get_accessor_name()).all()
        return []


# --- Honours ---------------------------------------------------------------
class HonorQuerySet(MultiPathQuerySet):
    view_lookups = ("issuer", "recipients__organization", "recipients__person__memberships__organization")
    edit_lookups = ("issuer", "recipients__organization")


class Honor(ArchivableModel, TrackedModel):
    """An honour (荣誉) or appointment (聘任, e.g. a 聘书 "推介官"): issuer, level, date, recipients, evidence.

    ``awarded_on`` is the day it was awarded, today by default and never in the future; an
    honour entered after the fact (补录) carries its own earlier day, which lists, timelines and
    statistics read. Nothing in its story comes before the award, so that is the only rule; the
    audit record of its creation keeps the real time and who entered it.
    """

    Kind = HonorKind
    Level = HonorLevel

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=HonorKind.choices, default=HonorKind.HONOR)
    issuer = models.ForeignKey(
        "orgs.Organization", verbose_name=_("issuer"), null=True, blank=True, on_delete=models.PROTECT, related_name="honors_issued"
    )
    issuer_name = models.CharField(
        _("issuer (outside the platform)"),
        max_length=120,
        blank=True,
        help_text=_("When the issuer is not an organization on the platform."),
    )
    level = models.CharField(_("level"), max_length=16, choices=HonorLevel.choices, default=HonorLevel.DISTRICT)
    awarded_on = models.DateField(_("date"), default=timezone.localdate)
    description = models.TextField(_("description"), blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to=honor_evidence_path, storage=private_storage, max_length=200, blank=True, help_text=_("PDF, JPEG or PNG.")
    )

    objects = HonorQuerySet.as_manager()

    # The audit diff cannot serialise a FieldFile (the stored name is random anyway).
    audit_ignored = ("updated_at", "created_at", "evidence")

    class Meta:
        verbose_name = _("honour or appointment")
        verbose_name_plural = _("honours and appointments")
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HonorKind.values), name="agreements_honor_kind_valid"),
            models.CheckConstraint(condition=Q(level__in=HonorLevel.values), name="agreements_honor_level_valid"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:honor_detail", kwargs={"uuid": self.uuid})

    @property
    def issuer_label(self) -> str:
        return str(self.issuer) if self.issuer_id else self.issuer_name

    def clean(self):
        self.issuer_name = (self.issuer_name or "").strip()
        if not self.issuer_id and not self.issuer_name:
            raise ValidationError({"issuer": _("Choose the issuing organization or name the issuer.")})
        if self.awarded_on:
            effective_moment(self.awarded_on, future=FUTURE, field="awarded_on")


class HonorRecipient(TrackedModel):
    """Who received an honour: an organization or a person (exactly one)."""

    honor = models.ForeignKey(Honor, verbose_name=_("honour"), on_delete=models.CASCADE, related_name="recipients")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT, related_name="honors_received"
    )
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=pgettext_lazy("honour recipient", "person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors_received",
    )

    class Meta:
        verbose_name = pgettext_lazy("honour", "recipient")
        verbose_name_plural = _("recipients")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, person__isnull=True) | Q(organization__isnull=True, person__isnull=False),
                name="agreements_recipient_org_xor_person",
            ),
            models.UniqueConstraint(
                fields=["honor", "organization"], condition=Q(organization__isnull=False), name="agreements_recipient_unique_org"
            ),
            models.UniqueConstraint(
                fields=["honor", "person"], condition=Q(person__isnull=False), name="agreements_recipient_unique_person"
            ),
        ]

    def __str__(self):
        return str(self.organization or self.person)

    def clean(self):
        if bool(self.organization_id) == bool(self.person_id):
            raise ValidationError(_("A recipient is either an organization or a person."))
        if self.honor_id:
            same = HonorRecipient.objects.filter(honor_id=self.honor_id).exclude(pk=self.pk)
            if (self.organization_id and same.filter(organization_id=self.organization_id).exists()) or (
                self.person_id and same.filter(person_id=self.person_id).exists()
            ):
                raise ValidationError(_("This recipient is already listed."))
