"""The alliance's published lists (清单发布)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.lib.access import scope_for
from gongjian.lib.models import TrackedModel

from ..choices import ListKind


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
