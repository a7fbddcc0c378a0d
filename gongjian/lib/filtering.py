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
from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_filters.filters import FilterMethod
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field, translate_validation
from rest_framework.exceptions import ValidationError


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


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, reading an API query as strictly as the schema describes it.

    A form reads an empty field, or a yes/no field's unknown value, as "not given", which is
    right for the UI's filter forms. An API client that sends ``?region=`` or ``?unread=maybe``
    has made a mistake, though, and would otherwise get the unfiltered list: here it gets a 400
    naming the parameter. A number filter on anything but a decimal field takes whole numbers.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {}
        for name, filter_ in filterset.filters.items():
            raw = request.query_params.get(name)
            message = None if raw is None else _strict_error(filterset, filter_, filterset.form.fields[name], raw)
            if message is not None:
                errors[name] = [message]
        if errors:
            raise ValidationError(errors)
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset.qs


def _strict_error(filterset, filter_, field, raw: str):
    if isinstance(field, forms.NullBooleanField):
        return None if raw.lower() in ("true", "false", "1", "0") else _("Give true or false.")
    if raw == "":
        takes_text = isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)
        return None if takes_text else _("Give a value, or leave the parameter out.")
    if isinstance(field, forms.DecimalField):
        model_field = get_model_field(filterset._meta.model or filterset.queryset.model, filter_.field_name)
        whole = not isinstance(model_field, (models.DecimalField, models.FloatField))
        if whole and not (raw.lstrip("-").isascii() and raw.lstrip("-").isdigit()):
            return _("Give a whole number.")
    return None
