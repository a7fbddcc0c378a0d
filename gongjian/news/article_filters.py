"""The newsroom list's filters, shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.lib.filtering import FilterSet
from gongjian.orgs.pickers import PickerFilter

from .choices import ArticleStatus, Category
from .models.articles import Article


class ArticleFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ArticleStatus.choices)
    category = django_filters.ChoiceFilter(label=pgettext_lazy("news", "Category"), choices=Category.choices)
    organization = PickerFilter(label=_("Publishing organization"), source="organizations-directory")

    class Meta:
        model = Article
        fields = ["q", "status", "category", "organization"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value)) if value else queryset
