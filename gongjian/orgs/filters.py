"""FilterSets shared by the UI lists and the API: one definition of every filter.

References use UUIDs (regions, organizations) or names (capability tags),
never sequential ids, because filter URLs are shared and bookmarked.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from gongjian.lib.filtering import AlwaysBoundFilterSet

from .choices import MembershipRole, OrgKind, OrgStatus, RegionLevel, Sector
from .models import CapabilityTag, Membership, Organization, Person, Region
from .pickers import PickerFilter

# Filter querysets are given as functions, evaluated for each request's form field: some of
# them depend on the user.


def _all_tags(request):
    return CapabilityTag.objects.all()


def _visible_organizations(request):
    # Archived organizations too: a list of archived rows is filtered by them.
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user)


class RegionFilterSet(AlwaysBoundFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    level = django_filters.TypedChoiceFilter(label=_("Level"), choices=RegionLevel.choices, coerce=int)
    parent = PickerFilter(label=_("Parent region"), source="regions")
    within = PickerFilter(label=_("Within region"), source="regions", method="filter_within")

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "within"]

    @extend_schema_field(OpenApiTypes.UUID)
    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)


class OrganizationFilterSet(AlwaysBoundFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrgKind.choices)
    region = PickerFilter(label=_("Region"), source="regions", method="filter_region", help_text=_("Includes the regions below it."))
    tag = django_filters.ModelChoiceFilter(label=_("Capability"), queryset=_all_tags, to_field_name="name", field_name="tags")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrgStatus.choices)
    parent = PickerFilter(label=_("Parent organization"), source="organizations", queryset=_visible_organizations, field_name="parent")
    archived = django_filters.BooleanFilter(
        label=_("Show archived"),
        method="filter_archived",
        widget=BooleanWidget,
        help_text=_("Archived organizations are hidden unless asked for."),
    )

    class Meta:
        model = Organization
        fields = ["q", "sector", "kind", "region", "tag", "status", "parent", "archived"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @extend_schema_field(OpenApiTypes.UUID)
    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_archived(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also sees the unchecked box

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.active()
        return queryset


class PersonFilterSet(AlwaysBoundFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", help_text=_("Name, pinyin initials or full phone number."))
    organization = PickerFilter(label=_("Organization"), source="organizations", queryset=_visible_organizations, method="filter_organization")
    is_speaker = django_filters.BooleanFilter(label=_("In the expert pool"), widget=BooleanWidget)
    topic = django_filters.CharFilter(label=_("Lecture topic"), method="filter_topic")
    archived = django_filters.BooleanFilter(label=_("Show archived"), method="filter_archived", widget=BooleanWidget)

    class Meta:
        model = Person
        fields = ["q", "organization", "is_speaker", "topic", "archived"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @extend_schema_field(OpenApiTypes.UUID)
    def filter_organization(self, queryset, name, value):
        # Members of the organization and of every organization below it.
        members = Membership.objects.current().filter(organization__path__startswith=value.path).values("person_id")
        return queryset.filter(pk__in=members)

    def filter_topic(self, queryset, name, value):
        # Topics are a JSON list; SQLite has no JSON containment, and the pool is small,
        # so match substrings in Python over (pk, topics) pairs only.
        value = value.strip()
        matching = [pk for pk, topics in queryset.values_list("pk", "speaker_topics") if any(value in topic for topic in topics or ())]
        return queryset.filter(pk__in=matching)

    def filter_archived(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.active()
        return queryset


class MembershipFilterSet(AlwaysBoundFilterSet):
    organization = PickerFilter(label=_("Organization"), source="organizations", queryset=_visible_organizations, field_name="organization")
    person = django_filters.UUIDFilter(label=_("Person"), field_name="person__uuid")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=MembershipRole.choices)
    current = django_filters.BooleanFilter(label=_("Current only"), method="filter_current", widget=BooleanWidget)

    class Meta:
        model = Membership
        fields = ["organization", "person", "role", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.current() if value else queryset
