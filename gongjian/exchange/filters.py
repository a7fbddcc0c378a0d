"""FilterSets shared by the list pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.lib.filtering import FilterSet
from gongjian.orgs.choices import Sector
from gongjian.orgs.pickers import PickerFilter

from .choices import ClaimStatus, ListKind, NeedStatus, ResourceStatus
from .models import Category, Claim, ListRelease, Need, Resource


class ListingFilterSet(FilterSet):
    """Search, category, region (with everything below it), organization and sector."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all())
    region = PickerFilter(label=_("Region"), source="regions", method="filter_region")
    organization = PickerFilter(label=_("Organization"), source="organizations-directory", field_name="organization")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices, field_name="organization__sector")

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value) if value else queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Keywords, e.g. 设计")


class NeedFilterSet(ListingFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=NeedStatus.choices)
    featured = django_filters.BooleanFilter(label=_("Featured"), widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]))

    class Meta:
        model = Need
        fields = ["q", "category", "region", "status", "organization", "sector", "featured"]


class ResourceFilterSet(ListingFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ResourceStatus.choices)

    class Meta:
        model = Resource
        fields = ["q", "category", "region", "status", "organization", "sector"]


class ClaimFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ClaimStatus.choices)
    target = django_filters.ChoiceFilter(
        label=pgettext_lazy("listing kind", "On"),
        choices=[("need", _("Needs")), ("resource", _("Resources"))],
        method="filter_target",
        empty_label=_("Needs and resources"),
    )

    class Meta:
        model = Claim
        fields = ["status", "target"]

    def filter_target(self, queryset, name, value):
        if value == "need":
            return queryset.filter(need__isnull=False)
        if value == "resource":
            return queryset.filter(resource__isnull=False)
        return queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")


class ReleaseFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("List"), choices=ListKind.choices)
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = ListRelease
        fields = ["year", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
