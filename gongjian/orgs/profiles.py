"""An organization's public profile in the alliance directory.

Every member of the alliance sees every live organization's profile (``public_to``): its name,
sector, region, capabilities, public contact, and what it has published — needs and resources
in the open hall, disclosed agreements (亮约) and showcase projects. Each kind keeps its own
publication rule, so a draft or an undisclosed agreement never shows here. What stays scoped
(the contact person, the members, editing) is decided by ``viewer_in_scope`` and
``viewer_can_edit`` (``OrganizationQuerySet.with_access``), one annotation of the page's query.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from gongjian.agreements.models import Agreement
from gongjian.exchange.models import Need, Resource
from gongjian.projects.models import Project

from .models import Organization

# Each kind shows its latest few; a profile is a summary, the lists hold the rest.
ITEMS_PER_KIND = 10


@dataclass(frozen=True)
class Section:
    """One kind an organization publishes, newest first and at most ITEMS_PER_KIND: rows of (title, url, status)."""

    key: str
    title: str
    rows: list
    empty_text: str
    more_url: str = ""


def get_profile_for(user, queryset=None, **lookup) -> Organization:
    """One organization's public profile, annotated with what ``user`` may do with it; 404 outside the directory."""
    base = queryset if queryset is not None else Organization.objects.all()
    try:
        return base.public_to(user).with_access(user).get(**lookup)
    except (Organization.DoesNotExist, ValueError):
        raise Http404 from None


def _with_viewer_access(queryset, user):
    """``viewer_sees``: whether the user may open the full page, not only the public one."""
    return queryset.annotate(viewer_sees=Exists(queryset.model._default_manager.visible_to(user).filter(pk=OuterRef("pk"))))


def _public_or_full_url(obj, public_url):
    # A party (a partner, the lead) opens the full page; any other member the public one.
    return obj.get_absolute_url() if obj.viewer_sees else public_url


def published_by(organization, user) -> list[Section]:
    """Four queries, whatever the organization has published."""
    listing_fields = ("uuid", "title", "status", "published_at", "organization_id")
    needs = Need.objects.active().published().filter(organization=organization).only(*listing_fields).order_by("-published_at", "-pk")
    resources = (
        Resource.objects.active().published().filter(organization=organization).only(*listing_fields).order_by("-published_at", "-pk")
    )
    agreements = Agreement.objects.public().of_organization(organization).only("uuid", "title", "status", "start_date")
    agreements = _with_viewer_access(agreements.order_by("-published_at", "-pk"), user)
    projects = _with_viewer_access(Project.objects.showcase().involving(organization).only("uuid", "title", "brand", "status"), user)
    query = "?" + urlencode({"organization": organization.uuid})
    return [
        Section(
            "needs",
            _("Published needs"),
            [(n.title, n.get_absolute_url(), n.get_status_display()) for n in needs[:ITEMS_PER_KIND]],
            _("None published."),
            reverse("exchange:need_list") + query,
        ),
        Section(
            "resources",
            _("Published resources"),
            [(r.title, r.get_absolute_url(), r.get_status_display()) for r in resources[:ITEMS_PER_KIND]],
            _("None published."),
            reverse("exchange:resource_list") + query,
        ),
        Section(
            "agreements",
            _("Disclosed agreements"),
            [(a.title, _public_or_full_url(a, a.get_public_url()), a.get_status_display()) for a in agreements[:ITEMS_PER_KIND]],
            _("None disclosed."),
        ),
        Section(
            "projects",
            _("Showcase projects"),
            [
                (p.brand or p.title, _public_or_full_url(p, p.get_showcase_url()), p.get_status_display())
                for p in projects.order_by("-pk")[:ITEMS_PER_KIND]
            ],
            _("None on the showcase."),
        ),
    ]
