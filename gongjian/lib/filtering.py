"""The FilterSet base of every list filter, UI and API alike.

django-filter deep-copies all of a FilterSet's filters for each request, then builds a form
class with new fields and deep-copies those fields once more in Form.__init__. With choice
lists of lazy labels and model querysets, the copying was half the time of filtering the
directory. Here each filter gets a shallow copy with its own ``extra`` dict, its own method
binding and no cached form field, which is what keeps one request's state from another's;
the form, whose class is made for this one FilterSet, uses its new fields as they are.
"""

import copy

import django_filters
from django.http import QueryDict
from django_filters.filters import FilterMethod


def _copy_filter(filter_):
    new = copy.copy(filter_)
    new.extra = dict(filter_.extra)
    # A form field built for another request may hold that request's queryset.
    new.__dict__.pop("_field", None)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        new.filter = FilterMethod(new)  # bound to this copy, so it finds this copy's FilterSet
    return new


class _FieldsOfOneForm(dict):
    """Form.__init__ deep-copies its class's fields; these belong to one form already."""

    def __deepcopy__(self, memo):
        return dict(self)


class FilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        filters = self.base_filters
        self.base_filters = {}  # nothing for the base class to deep-copy; set per instance below
        try:
            super().__init__(data, queryset, request=request, prefix=prefix)
        finally:
            del self.base_filters
        self.filters = {name: _copy_filter(filter_) for name, filter_ in filters.items()}
        model = self.queryset.model
        for filter_ in self.filters.values():
            filter_.model = model
            filter_.parent = self

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _FieldsOfOneForm(form_class.base_fields)
        return form_class


class AlwaysBoundFilterSet(FilterSet):
    """Bound even without parameters, so defaults (such as hiding archived rows) apply to the bare list."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else QueryDict(), *args, **kwargs)
