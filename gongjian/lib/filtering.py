"""The FilterSet base of every list filter, UI and API alike: django-filter's own.

Choice filters offer "全部" (All) as their empty choice through the FILTERS_EMPTY_CHOICE_LABEL
setting. The API reads its query parameters strictly (FilterBackend, below).
"""

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field, translate_validation
from rest_framework.exceptions import ValidationError


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
