"""The newsroom list's filters, shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from gongjian.lib.filtering import FilterSet
from gongjian.orgs.models import Organization

from .choices import ArticleStatus, Category
from .models.articles import Article


@extend_schema_field(OpenApiTypes.UUID)
class OrganizationFilter(django_filters.ModelChoiceFilter):
    """An organization given by its UUID."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", lambda request: Organization.objects.directory())
        kwargs.setdefault("to_field_name", "uuid")
        super().__init__(*args, **kwargs)


class ArticleFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ArticleStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    organization = OrganizationFilter(label=_("Publishing organization"))

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
