from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.simpleseg import seg

from gongjian.lib.access import ScopedQuerySet, scope_for
from gongjian.lib.crypto import EncryptedTextField, lookup_hash, mask
from gongjian.lib.models import ArchivableModel, ArchivableQuerySet, TrackedModel
from gongjian.news.safety.publishing import validate_publishable

from .choices import MembershipRole, OrgKind, OrgStatus, RegionLevel, Sector
from .validators import validate_credit_code, validate_id_number, validate_mainland_phone, validate_public_contact


@lru_cache(maxsize=16384)
def _word_pinyin(word: str) -> tuple[str, ...]:
    """The syllables of one word as pypinyin segments a name; names share most of their words (有限公司, 党支部)."""
    return tuple(lazy_pinyin(word))


def pinyin_keys(*names: str) -> tuple[str, str]:
    """Initials and full pinyin, so "gfl" and "guangfulin" both find 广富林街道党工委.

    One pypinyin pass per word: an initial is the first letter of a Han syllable, and text
    without pinyin (digits, Latin letters, punctuation) stays as it is in both keys, exactly
    as lazy_pinyin's FIRST_LETTER and NORMAL styles answer.
    """
    initials, full = [], []
    for name in names:
        if name:
            first, whole = [], []
            for word in seg(name):
                if RE_HANS.match(word):
                    syllables = _word_pinyin(word)
                    whole.extend(syllables)
                    first.extend(syllable[:1] for syllable in syllables)
                else:
                    whole.append(word)
                    first.append(word)
            initials.append("".join(first).lower())
            full.append("".join(whole).lower())
    return " ".join(initials), " ".join(full)


class MaterializedPathMixin(models.Model):
    """A tree stored as "/1/7/42/" so a whole subtree is one prefix query."""

    path = models.CharField(max_length=512, db_index=True, editable=False, default="")

    class Meta:
        abstract = True

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def is_ancestor_of(self, other) -> bool:
        return bool(self.pk) and other.path.startswith(self.path) and other.pk != self.pk

    def _computed_path(self) -> str:
        return (self.parent.path if self.parent_id else "/") + f"{self.pk}/"

    def save(self, *args, **kwargs):
        old_path = self.path
        with transaction.atomic():
            super().save(*args, **kwargs)
            new_path = self._computed_path()
            if new_path != old_path:
                type(self)._base_manager.filter(pk=self.pk).update(path=new_path)
                self.path = new_path
                if old_path:
                    self._rebase_descendants(old_path, new_path)

    def _rebase_descendants(self, old_path, new_path):
        # Moving a node moves its subtree: rewrite every descendant's prefix.
        manager = type(self)._base_manager
        for pk, path in manager.filter(path__startswith=old_path).exclude(pk=self.pk).values_list("pk", "path"):
            manager.filter(pk=pk).update(path=new_path + path[len(old_path) :])

    def clean_parent(self):
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or self.parent.path.startswith(self.path):
                raise ValidationError({"parent": _("An item cannot be placed under itself or one of its descendants.")})


class RegionQuerySet(models.QuerySet):
    """Regions are shared reference data: every signed-in user sees and uses all of them,
    only alliance admins change them."""

    def visible_to(self, user):
        return self if user is not None and user.is_authenticated else self.none()

    def editable_by(self, user):
        return self if scope_for(user).everything else self.none()

    def subtree(self, region):
        return self.filter(path__startswith=region.path)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(models.Q(name__icontains=text) | models.Q(pinyin_initials__contains=text.lower()))


class Region(MaterializedPathMixin, TrackedModel):
    """An administrative area: 市 → 区县 → 街镇 → 居村."""

    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("administrative code"), max_length=12, blank=True)
    pinyin_initials = models.CharField(max_length=100, blank=True, editable=False, db_index=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgs_region_unique_name_in_parent"),
            models.UniqueConstraint(fields=["name"], condition=models.Q(parent=None), name="orgs_region_unique_root_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.clean_parent()
        if self.parent_id and self.level is not None and self.parent.level >= self.level:
            raise ValidationError({"level": _("A region must be one level below its parent.")})

    def save(self, *args, **kwargs):
        self.pinyin_initials = pinyin_keys(self.name)[0]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"pinyin_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("orgs:region_tree") + f"#region-{self.uuid}"

    def full_name(self) -> str:
        names = dict(Region.objects.filter(pk__in=self.ancestor_ids()).values_list("pk", "name"))
        return "".join(names.get(pk, "") for pk in self.ancestor_ids()) + self.name


class CapabilityTag(models.Model):
    """A capability an organization offers, e.g. 工业设计 or 就业服务 (学科优势, 服务能力)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("capability tag")
        verbose_name_plural = _("capability tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


def may_create_organizations(user) -> bool:
    """Alliance admins create anywhere, org admins below what they administer; members never.

    The same test decides who may add people and memberships.
    """
    scope = scope_for(user)
    return scope.administers


class OrganizationQuerySet(ScopedQuerySet, ArchivableQuerySet):
    scope_lookup = "pk"

    def visible_to(self, user):
        # An organization's own path says whether it is in scope: no subquery of ids.
        scope = scope_for(user)
        return self if scope.everything else self.filter(scope.organizations_q())

    def editable_by(self, user):
        scope = scope_for(user)
        return self if scope.everything else self.filter(scope.organizations_q(editable=True))

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(short_name__icontains=text)
            | models.Q(pinyin_initials__contains=text.lower())
            | models.Q(pinyin__contains=text.lower().replace(" ", ""))
        )

    def public_to(self, user):
        """The alliance directory: what ``user`` may see of an organization's public profile.

        Every live organization for anyone who belongs to the alliance (a current membership in
        a live organization), plus whatever the user's scope reaches (their archived ones too).
        Nobody else, such as the three separated administrators, sees more than their scope.
        What stays scoped (editing, members, contact persons) keeps using visible_to/editable_by.
        """
        scope = scope_for(user)
        if scope.everything:
            return self
        scoped = self.visible_to(user)
        return self.filter(archived_at__isnull=True) | scoped if scope.belongs else scoped

    def with_access(self, user):
        """Annotate ``viewer_in_scope`` and ``viewer_can_edit``: which rows of a public list show
        scoped details (contact person, members) and edit actions, without a query per row."""
        if scope_for(user).everything:
            return self.annotate(viewer_in_scope=models.Value(True), viewer_can_edit=models.Value(True))
        # Each row's own path against the user's subtrees: no subquery per row.
        scope = scope_for(user)
        return self.annotate(
            viewer_in_scope=models.ExpressionWrapper(scope.organizations_q(), output_field=models.BooleanField()),
            viewer_can_edit=models.ExpressionWrapper(scope.organizations_q(editable=True), output_field=models.BooleanField()),
        )

    def directory(self):
        """Names every signed-in user may pick from (co-hosts, partners); no details."""
        return self.active().filter(status=OrgStatus.ACTIVE).only("pk", "uuid", "name", "sector")

    def in_region(self, region):
        """Organizations in a region or any region below it."""
        return self.filter(region__path__startswith=region.path)

    def parents_for(self, user):
        """Where the user may place an organization: active ones they can edit."""
        return self.editable_by(user).active()


class Organization(MaterializedPathMixin, ArchivableModel, TrackedModel):
    """A party organization or unit (党组织); a branch sits under its parent's unit."""

    Sector = Sector
    Kind = OrgKind
    Status = OrgStatus

    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code])
    tags = models.ManyToManyField(CapabilityTag, verbose_name=_("capability tags"), blank=True, related_name="organizations")
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True, validators=[validate_mainland_phone])
    contact_email = models.EmailField(_("contact email"), blank=True)
    public_contact = models.CharField(
        _("public contact"),
        max_length=100,
        blank=True,
        validators=[validate_public_contact],
        help_text=_("Shown to every member of the alliance: an office or a desk line, e.g. 党群服务中心 021-57890000."),
    )
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    pinyin_initials = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    pinyin = models.CharField(max_length=600, blank=True, editable=False)

    objects = OrganizationQuerySet.as_manager()

    audit_masked = ("contact_phone",)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgs_org_unique_name_in_parent"),
            models.UniqueConstraint(fields=["name"], condition=models.Q(parent=None), name="orgs_org_unique_root_name"),
            models.UniqueConstraint(fields=["credit_code"], condition=~models.Q(credit_code=""), name="orgs_org_unique_credit_code"),
            models.CheckConstraint(condition=models.Q(sector__in=Sector.values), name="orgs_org_sector_valid"),
            models.CheckConstraint(condition=models.Q(status__in=OrgStatus.values), name="orgs_org_status_valid"),
        ]
        indexes = [
            models.Index(Lower("name"), name="orgs_org_name_lower"),
            # The directory lists live organizations in tree order, often of one sector: with these a
            # page is read straight from the index. Partial, because PostgreSQL does not take
            # "archived_at IS NULL" on a leading column as fixing the order of the columns after it.
            models.Index(fields=["path"], condition=models.Q(archived_at__isnull=True), name="orgs_org_live_path"),
            models.Index(fields=["sector", "path"], condition=models.Q(archived_at__isnull=True), name="orgs_org_sector_live_path"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.clean_parent()
        self.credit_code = (self.credit_code or "").strip().upper()
        siblings = Organization.objects.filter(parent_id=self.parent_id, name=self.name).exclude(pk=self.pk)
        if self.name and siblings.exists():
            raise ValidationError({"name": _("An organization with this name already exists under the same parent.")})
        # The conditional unique constraint alone would answer with its own name (orgs_org_unique_credit_code).
        if self.credit_code and Organization.objects.filter(credit_code=self.credit_code).exclude(pk=self.pk).exists():
            raise ValidationError({"credit_code": _("Another organization already has this unified social credit code.")})
        # Names are shown on public pages (亮约, the showcase): SECURITY.md item 13.
        validate_publishable(self, ["name", "short_name", "public_contact"])

    def save(self, *args, **kwargs):
        self.pinyin_initials, self.pinyin = pinyin_keys(self.name, self.short_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "short_name"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"pinyin_initials", "pinyin"}
        super().save(*args, **kwargs)

    @property
    def masked_contact_phone(self) -> str:
        return mask(self.contact_phone)

    def get_absolute_url(self):
        return reverse("orgs:organization_detail", kwargs={"uuid": self.uuid})

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 1, 1)

    def check_placement(self, user, previous_parent_id=None):
        """Refuse a parent the user may not use.

        Alliance admins place anywhere. Everyone else creates and moves only
        under an organization they can edit; an unchanged parent is kept even
        if it lies above their scope (an org admin editing their own top org).
        """
        scope = scope_for(user)
        if scope.everything:
            return
        if self.pk and self.parent_id == previous_parent_id:
            return
        if not self.parent_id:
            raise ValidationError({"parent": _("Choose the organization this one belongs under.")})
        if not scope.can_edit(self.parent_id):
            raise ValidationError({"parent": _("You may only place organizations under one you administer.")})

    def descendants(self):
        return Organization.objects.filter(path__startswith=self.path).exclude(pk=self.pk)

    def ancestors(self):
        return Organization.objects.filter(pk__in=self.ancestor_ids()).order_by("path")

    def archive(self):
        if self.children.filter(archived_at__isnull=True).exists():
            raise ValidationError(_("Archive or move the organizations under it first."))
        super().archive()

    def restore(self):
        if self.parent_id and self.parent.archived_at is not None:
            raise ValidationError(_("Restore the organization above it first."))
        super().restore()


class PersonQuerySet(ScopedQuerySet, ArchivableQuerySet):
    scope_lookup = "memberships__organization"
    scope_multi = True

    def visible_to(self, user):
        qs = super().visible_to(user)
        if user.is_authenticated and user.person_id and not scope_for(user).everything:
            qs = qs | self.filter(pk=user.person_id)
        return qs

    def speakers(self):
        return self.active().filter(is_speaker=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit() and len(text) >= 7:
            # A phone number: found by its lookup hash, not compared with every name.
            return self.filter(phone_hash=lookup_hash(text))
        return self.filter(models.Q(name__icontains=text) | models.Q(pinyin_initials__startswith=text.lower()))


class Person(ArchivableModel, TrackedModel):
    """A person in the alliance: titles, honours, contact details and speaker profile.

    Phone and ID numbers are encrypted at rest and looked up by keyed hash.
    """

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Unspecified")
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    name = models.CharField(_("name"), max_length=40)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True, default="")
    phone = EncryptedTextField(_("mobile phone"), blank=True, validators=[validate_mainland_phone])
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number = EncryptedTextField(_("ID number"), blank=True, validators=[validate_id_number])
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    titles = models.JSONField(_("titles and honours"), default=list, blank=True)
    is_speaker = models.BooleanField(_("in the expert pool"), default=False)
    speaker_topics = models.JSONField(_("lecture topics"), default=list, blank=True)
    bio = models.TextField(_("profile"), blank=True)
    pinyin_initials = models.CharField(max_length=60, blank=True, editable=False, db_index=True)

    objects = PersonQuerySet.as_manager()

    audit_masked = ("phone", "id_number", "phone_hash", "id_number_hash")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        indexes = [
            # The people list reads live people in name order: a page of 500,000 sorted them all
            # first (90 ms). The search columns ride along, so a search scans this index alone
            # (65 ms for a term nobody matches) instead of looking up every person's row (1 s).
            models.Index(
                fields=["name", "id", "pinyin_initials"], condition=models.Q(archived_at__isnull=True), name="orgs_person_live_name"
            ),
            # The expert pool is a few hundred speakers among the people; without this each of its
            # pages walked every live person to find them (7–13 s at 500,000).
            models.Index(fields=["name", "id"], condition=models.Q(archived_at__isnull=True, is_speaker=True), name="orgs_person_speaker_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["phone_hash"], condition=~models.Q(phone_hash=""), name="orgs_person_unique_phone"),
            models.UniqueConstraint(fields=["id_number_hash"], condition=~models.Q(id_number_hash=""), name="orgs_person_unique_id_number"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.phone = (self.phone or "").replace(" ", "").replace("-", "")
        self.id_number = (self.id_number or "").strip().upper()
        if not isinstance(self.titles, list) or not all(isinstance(t, str) for t in self.titles):
            raise ValidationError({"titles": _("Titles must be a list of text.")})
        if not isinstance(self.speaker_topics, list) or not all(isinstance(t, str) for t in self.speaker_topics):
            raise ValidationError({"speaker_topics": _("Topics must be a list of text.")})
        if self.is_speaker and not self.speaker_topics:
            raise ValidationError({"speaker_topics": _("A speaker needs at least one lecture topic.")})
        if self.phone and Person.objects.filter(phone_hash=lookup_hash(self.phone)).exclude(pk=self.pk).exists():
            raise ValidationError({"phone": _("Another person already has this phone number.")})
        if self.id_number and Person.objects.filter(id_number_hash=lookup_hash(self.id_number)).exclude(pk=self.pk).exists():
            raise ValidationError({"id_number": _("Another person already has this ID number.")})

    def save(self, *args, **kwargs):
        self.phone_hash = lookup_hash(self.phone)
        self.id_number_hash = lookup_hash(self.id_number)
        self.pinyin_initials = pinyin_keys(self.name)[0]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("orgs:person_detail", kwargs={"uuid": self.uuid})

    def contact_visible_to(self, user) -> bool:
        """Alliance admins, the admins of an organization this person belongs to, and the person themself may unmask contact details."""
        scope = scope_for(user)
        if scope.everything or (self.pk and getattr(user, "person_id", None) == self.pk):
            return True
        if not scope.administers:
            return False
        # Uses prefetched memberships when the caller loaded them (lists), so no query per row.
        return any(scope.can_edit(m.organization_id) for m in self.memberships.all())

    @property
    def masked_phone(self) -> str:
        return mask(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number)


class MembershipQuerySet(ScopedQuerySet):
    scope_lookup = "organization"

    def current(self, on=None):
        """Memberships not ended by ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=on))


class Membership(TrackedModel):
    """A person's role in an organization; an admin role reaches the organizations below too."""

    Role = MembershipRole

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    position = models.CharField(_("position"), max_length=40, blank=True, help_text=_("e.g. 书记, 组织委员"))
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__path", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organization"], name="orgs_membership_unique"),
            models.CheckConstraint(condition=models.Q(role__in=MembershipRole.values), name="orgs_membership_role_valid"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(joined_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="orgs_membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person} @ {self.organization}"

    def get_absolute_url(self):
        return reverse("orgs:organization_detail", kwargs={"uuid": self.organization.uuid}) + "?tab=members"

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on > timezone.localdate()

    def check_actor(self, user):
        """Admins cannot demote or remove themselves: an organization must not lose its last admin by accident."""
        if user is not None and not scope_for(user).everything and user.person_id and user.person_id == self.person_id:
            raise ValidationError(_("You cannot change or end your own membership; ask another administrator."))

    def end(self, on=None):
        """End the membership (history is kept). Compare-and-set so two admins cannot end it twice."""
        from gongjian.audit.models import Action
        from gongjian.audit.recording import record

        on = on or timezone.localdate()
        if self.joined_on and on < self.joined_on:
            raise ValidationError({"left_on": _("The leaving date cannot be before the joining date.")})
        with transaction.atomic():
            ended = Membership.objects.filter(pk=self.pk, left_on__isnull=True).update(left_on=on, updated_at=timezone.now())
            if not ended:
                raise ValidationError(_("This membership has already ended."))
            # update() bypasses the audit signals, so the change is recorded here.
            record(Action.UPDATE, self, changes={"left_on": [None, str(on)]})
        self.left_on = on

    def clean(self):
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("The leaving date cannot be before the joining date.")})
        if (
            self.person_id
            and self.organization_id
            and Membership.objects.filter(person_id=self.person_id, organization_id=self.organization_id).exclude(pk=self.pk).exists()
        ):
            # On the person field, so the (person, organization) constraint does not repeat it in other words.
            raise ValidationError({"person": _("This person already has a membership in this organization.")})
