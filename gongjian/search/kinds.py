"""Global search: one query text over every kind of object, grouped by kind.

Each kind borrows its rule from the list it belongs to: the list view's queryset (what the user
may see there: the whole alliance directory, published needs, their own agreements, people in
scope) and the list's FilterSet, given ``q`` alone. So a kind's hits are the first rows of that
list searched for the same text, and "more" opens exactly that list. Names and pinyin initials
match where a model stores them (organizations, people); the other kinds match their titles as
their lists do. One query per kind, at most ``per_kind + 1`` rows each.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import pgettext_lazy

from gongjian.activities.views.activities import ActivityListView
from gongjian.agreements.views.agreements import AgreementListView
from gongjian.exchange.views import NeedListView, ResourceListView
from gongjian.orgs.listing import with_related_columns
from gongjian.orgs.models import Membership
from gongjian.orgs.views import OrganizationListView, PersonListView
from gongjian.projects.views.projects import ProjectListView

PER_KIND = 5
MAX_PER_KIND = 20
# Longer text is no name anybody types; the pickers cut theirs at the same length.
MAX_LENGTH = 60


@dataclass(frozen=True)
class Hit:
    uuid: str
    title: str
    hint: str
    url: str


@dataclass(frozen=True)
class Kind:
    """One kind of object: the list it is searched like, and how a hit reads."""

    key: str
    label: str
    list_view: type
    url_name: str
    hint: Callable
    title: Callable = attrgetter("title")
    rows: Callable[[QuerySet], QuerySet] = lambda queryset: queryset
    personal: bool = False  # people's names: the answer must not be cached (SECURITY.md item 16)

    def more_url(self, text: str) -> str:
        return reverse(self.url_name) + "?" + urlencode({"q": text})


@dataclass(frozen=True)
class Group:
    """One kind's hits; ``more`` when its list holds further matches."""

    kind: Kind
    hits: list
    more: bool
    text: str

    @property
    def more_url(self) -> str:
        return self.kind.more_url(self.text) if self.more else ""


def _organization_rows(queryset):
    # The parent's name tells apart the many "第1党支部".
    return with_related_columns(queryset, "parent_name").only("uuid", "name", "short_name", "path")


def _person_rows(queryset):
    # A person's first current organization tells apart two people of the same name (as the pickers do).
    first = (
        Membership.objects.current().filter(person=OuterRef("pk"), organization__archived_at__isnull=True).order_by("organization__path")
    )
    return queryset.only("uuid", "name").annotate(org_name=Subquery(first.values("organization__name")[:1]))


def _joined(*parts) -> str:
    return " · ".join(str(part) for part in parts if part)


def _listing_hint(listing) -> str:
    # A need's or a resource's owner and status.
    return _joined(listing.organization.name, listing.get_status_display())


KINDS = (
    Kind(
        "organizations",
        pgettext_lazy("search kind", "Organizations"),
        OrganizationListView,
        "orgs:organization_list",
        title=lambda o: o.name,
        hint=lambda o: o.parent_name or "",
        rows=_organization_rows,
    ),
    Kind(
        "activities",
        pgettext_lazy("search kind", "Activities"),
        ActivityListView,
        "activities:list",
        hint=lambda a: _joined(a.starts_at and a.starts_at.date().isoformat(), a.host_name),
    ),
    Kind(
        "agreements",
        pgettext_lazy("search kind", "Agreements"),
        AgreementListView,
        "agreements:agreement_list",
        hint=lambda a: a.get_status_display(),
        rows=lambda queryset: queryset.only("uuid", "title", "status"),
    ),
    Kind(
        "needs",
        pgettext_lazy("search kind", "Needs"),
        NeedListView,
        "exchange:need_list",
        hint=_listing_hint,
    ),
    Kind(
        "resources",
        pgettext_lazy("search kind", "Resources"),
        ResourceListView,
        "exchange:resource_list",
        hint=_listing_hint,
    ),
    Kind(
        "projects",
        pgettext_lazy("search kind", "Projects"),
        ProjectListView,
        "projects:list",
        hint=lambda p: _joined(p.brand, p.lead.name),
    ),
    Kind(
        "people",
        pgettext_lazy("search kind", "People"),
        PersonListView,
        "orgs:person_list",
        title=lambda p: p.name,
        hint=lambda p: p.org_name or "",
        rows=_person_rows,
        personal=True,
    ),
)

KIND_KEYS = tuple(kind.key for kind in KINDS)


def clean_text(text) -> str:
    """Whitespace collapsed, control characters (a NUL the database refuses) dropped, cut at MAX_LENGTH."""
    printable = "".join(c if c.isprintable() else " " for c in str(text or ""))
    return " ".join(printable.split())[:MAX_LENGTH]


def search(request, text: str, per_kind: int = PER_KIND) -> list[Group]:
    """Every kind's first ``per_kind`` hits for ``text``, as ``request.user`` sees that kind's list."""
    text = clean_text(text)
    if not text:
        return []
    per_kind = max(1, min(per_kind, MAX_PER_KIND))
    data = QueryDict(mutable=True)
    data["q"] = text
    groups = []
    for kind in KINDS:
        view = kind.list_view()
        filterset = view.filterset_class(data, queryset=view.get_queryset(request), request=request)
        if not filterset.is_valid():
            groups.append(Group(kind, [], False, text))
            continue
        # Prefetches serve a list's other columns; a hit shows a title and a hint.
        rows = list(kind.rows(filterset.qs.prefetch_related(None))[: per_kind + 1])
        hits = [Hit(str(obj.uuid), kind.title(obj), kind.hint(obj), obj.get_absolute_url()) for obj in rows[:per_kind]]
        groups.append(Group(kind, hits, len(rows) > per_kind, text))
    return groups
