import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjian.activities.choices import Track
from gongjian.lib.filtering import FilterSet
from gongjian.orgs.pickers import PickerFilter

from .choices import AgreementStatus, AllianceKind, BaseKind, HonorKind, HonorLevel, PairingStatus
from .models import Agreement, AgreementParty, Alliance, Honor, Pairing, PracticeBase


class OrganizationFilter(PickerFilter):
    """An organization of the alliance given by its UUID."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, source="organizations-directory", **kwargs)


class SearchFilterSet(FilterSet):
    """A free-text box plus the model's own filters; ``search_fields`` say where the text is looked for."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = hasattr(field, "choices")
            field.widget.attrs.setdefault("class", "form-select form-select-sm" if is_select else "form-control form-control-sm")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class AgreementFilterSet(SearchFilterSet):
    search_fields = ("title", "theme")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AgreementStatus.choices)
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)
    organization = OrganizationFilter(label=_("Party"), method="party")

    class Meta:
        model = Agreement
        fields = ["q", "status", "track", "organization"]

    def party(self, queryset, name, value):
        return queryset.filter(pk__in=AgreementParty.objects.filter(organization=value).values("agreement_id")) if value else queryset


class PairingFilterSet(SearchFilterSet):
    search_fields = ("theme", "org_a__name", "org_b__name")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PairingStatus.choices)
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)
    organization = OrganizationFilter(label=_("Organization"), method="involving")

    class Meta:
        model = Pairing
        fields = ["q", "status", "track", "organization"]

    def involving(self, queryset, name, value):
        return queryset.filter(Q(org_a=value) | Q(org_b=value)) if value else queryset


class AllianceFilterSet(SearchFilterSet):
    search_fields = ("name", "purpose")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AllianceKind.choices)
    organization = OrganizationFilter(label=_("Member"), method="member")

    class Meta:
        model = Alliance
        fields = ["q", "kind", "organization"]

    def member(self, queryset, name, value):
        return queryset.involving(value) if value else queryset


class PracticeBaseFilterSet(SearchFilterSet):
    search_fields = ("name", "address")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BaseKind.choices)
    organization = OrganizationFilter(label=_("Organization"), method="involving")

    class Meta:
        model = PracticeBase
        fields = ["q", "kind", "organization"]

    def involving(self, queryset, name, value):
        return queryset.involving(value) if value else queryset


class HonorFilterSet(SearchFilterSet):
    search_fields = ("title", "issuer__name", "issuer_name")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=HonorKind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=HonorLevel.choices)
    # Bounded as a date's year is: year 0 made the lookup build an impossible date (a 500).
    year = django_filters.NumberFilter(label=_("Year"), field_name="awarded_on", lookup_expr="year", min_value=1, max_value=9999)

    class Meta:
        model = Honor
        fields = ["q", "kind", "level", "year"]
