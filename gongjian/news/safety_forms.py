"""Forms and list filters of the content-safety lists, shared by the pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjian.lib.filtering import FilterSet
from gongjian.lib.forms import ScopedModelForm

from .models.safety import AllowedDomain, AllowedPhrase, SafetyTerm


class SafetyTermForm(ScopedModelForm):
    class Meta:
        model = SafetyTerm
        fields = ["term", "kind", "tier", "category", "is_active", "note"]


class AllowedPhraseForm(ScopedModelForm):
    class Meta:
        model = AllowedPhrase
        fields = ["phrase", "note"]


class AllowedDomainForm(ScopedModelForm):
    class Meta:
        model = AllowedDomain
        fields = ["domain", "note"]


class TryTextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}), max_length=200_000)
    html = forms.BooleanField(
        label=_("Scan as HTML"), required=False, help_text=_("Markup is recognised by itself; tick this to scan the text as HTML anyway.")
    )


class SafetyFilterSet(FilterSet):
    """A search box over ``search_fields`` plus the model's own filters."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )

    def search(self, queryset, name, value):
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(q) if value.strip() else queryset


class SafetyTermFilterSet(SafetyFilterSet):
    search_fields = ("term", "note")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SafetyTerm.Kind.choices)
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=SafetyTerm.Tier.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=SafetyTerm.Category.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = SafetyTerm
        fields = ["q", "kind", "tier", "category", "is_active"]


class AllowedPhraseFilterSet(SafetyFilterSet):
    search_fields = ("phrase", "note")

    class Meta:
        model = AllowedPhrase
        fields = ["q"]


class AllowedDomainFilterSet(SafetyFilterSet):
    search_fields = ("domain", "note")

    class Meta:
        model = AllowedDomain
        fields = ["q"]
