"""Shared pieces of the exchange models: the taxonomy, status events and transitions, listings and search."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjian.agreements.models import Pairing
from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import scope_for
from gongjian.lib.crypto import EncryptedTextField, mask
from gongjian.lib.effective import Floor, audit_changes, effective_moment
from gongjian.lib.models import ArchivableModel, TrackedModel
from gongjian.orgs.validators import validate_mainland_phone

from ..choices import HelpKind

DEFAULT_PRIORITY_DAYS = 14

FUTURE = _("The effective date cannot be in the future.")


def priority_days() -> int:
    """Days paired organizations keep first claim after publishing (settings.EXCHANGE_PRIORITY_DAYS)."""
    return int(getattr(settings, "EXCHANGE_PRIORITY_DAYS", DEFAULT_PRIORITY_DAYS))


def paired_partner_ids(organization) -> set[int]:
    """Ids of organizations paired with ``organization`` (or any of a set of ids) through a co-building pairing."""
    return Pairing.objects.partners_of(organization)


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user is not None and user.is_authenticated else self.none()

    def editable_by(self, user):
        # The taxonomy belongs to the alliance: only its admins change it.
        return self if scope_for(user).everything else self.none()

    def in_use(self):
        return self.filter(is_active=True)


class Category(TrackedModel):
    """A category of the configurable taxonomy needs and resources are filed under (人才就业, 设计规划, …).

    Related categories (为老服务 ↔ 医疗健康) count for part of a same-category match in suggestions.
    """

    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive categories keep their items but cannot be chosen."))
    related = models.ManyToManyField(
        "self",
        verbose_name=_("related categories"),
        blank=True,
        symmetrical=True,
        help_text=_("Needs in one are often met by offers in the other; suggestions count them as half a match."),
    )

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
    """One status transition: the history and the trigger for follow-up work.

    ``created_at`` is when the step took effect, which may be before it was entered
    (补录); ``recorded_at`` is when it was entered.
    """

    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    # The TextChoices of the statuses, for labels in the history.
    status_choices: type[models.TextChoices] | None = None

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def _label(self, value: str) -> str:
        if not value:
            return "—"
        try:
            return str(self.status_choices(value).label)
        except (TypeError, ValueError):
            return value

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)


def transition(obj, allowed: dict, new: str, by=None, note="", event_model=None, event_fk="", at=None, **extra):
    """Move ``obj`` to ``new`` if its current status is a key of ``allowed``; compare-and-set.

    ``allowed`` maps each accepted old status to True; anything else raises the
    message for the current status. ``extra`` fields are written in the same UPDATE.
    ``at`` is when the move took effect (default now), already checked by the caller.
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
        at = at or now
        updated = model._base_manager.filter(pk=obj.pk, status=current).update(status=new, updated_at=now, **extra)
        if not updated:
            # Another request moved it between our read and our write.
            raise ValidationError(gettext("Someone else changed this item just now. Reload and try again."), code="conflict")
        event_model.objects.create(**{event_fk: obj}, from_status=current, to_status=new, actor=by, note=note, created_at=at)
        obj.status, obj.updated_at = new, now
        for key, value in extra.items():
            setattr(obj, key, value)
        changes = {"status": [current, new], **{k: [None, str(v)] for k, v in extra.items()}, **audit_changes(at)}
        record(Action.PUBLISH if new == "published" else Action.UPDATE, obj, changes=changes, actor=by)
    return current


def search_listings(queryset, text):
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

    seeks = models.CharField(
        _("seeks"), max_length=16, choices=HelpKind.choices, blank=True, help_text=_("What kind of help it looks for, if any.")
    )
    offers = models.CharField(
        _("offers"), max_length=16, choices=HelpKind.choices, blank=True, help_text=_("What kind of help it brings, if any.")
    )

    audit_masked = ("contact_phone",)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def clean_direction(self):
        if self.seeks and self.seeks == self.offers:
            raise ValidationError({"offers": _("An item cannot seek and offer the same kind of help.")})

    @classmethod
    def direction_constraints(cls, prefix: str) -> list:
        """The database's copy of clean_direction and of the choices, for each concrete model's Meta."""
        known = models.Q(seeks__in=["", *HelpKind.values]) & models.Q(offers__in=["", *HelpKind.values])
        return [
            models.CheckConstraint(condition=known, name=f"{prefix}_help_kinds_valid"),
            models.CheckConstraint(condition=models.Q(seeks="") | ~models.Q(seeks=models.F("offers")), name=f"{prefix}_seeks_not_offers"),
        ]

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

    def effective(self, value):
        """When a status step of this item took effect: never in the future, never before its previous step."""
        last = self.events.order_by("-created_at", "-pk").values_list("created_at", flat=True).first()
        return effective_moment(value, Floor(last, _("This step cannot be dated before the previous one (%(date)s).")), future=FUTURE)

    def claim_moment(self, value):
        """When a claim or request on this item was made: never in the future, never before it was published."""
        floor = Floor(self.published_at, _("A claim cannot be dated before the item was published (%(date)s)."))
        return effective_moment(value, floor, future=FUTURE)
