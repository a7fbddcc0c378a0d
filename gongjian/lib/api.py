"""Shared API pieces: one validation path (Model.full_clean), scoped viewsets."""

import copy
import datetime
import math

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import ISO_8601, serializers, status, viewsets
from rest_framework.exceptions import ErrorDetail, NotFound, ParseError, Throttled, ValidationError
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .access import scope_for


def django_errors_to_drf(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        detail = {("non_field_errors" if k == NON_FIELD_ERRORS else k): [str(m) for m in v] for k, v in error.message_dict.items()}
    else:
        detail = {"non_field_errors": [str(m) for m in error.messages]}
    return ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # get_object_or_404's message is English and names the model ("No Organization matches
        # the given query."); DRF would pass it on. Every 404 says the same (translated) thing.
        exc = NotFound()
    elif isinstance(exc, ParseError):
        # DRF appends the JSON decoder's English explanation; its own message is translated.
        exc = ParseError()
    elif isinstance(exc, Throttled) and exc.wait is not None:
        # DRF's zh_Hans catalogue has no translation for the "Expected available in …" it appends.
        wait = math.ceil(exc.wait)
        message = ngettext("Too many requests: try again in %(wait)d second.", "Too many requests: try again in %(wait)d seconds.", wait)
        exc.detail = ErrorDetail(message % {"wait": wait}, code=exc.default_code)
    elif isinstance(exc, DjangoValidationError):
        exc = django_errors_to_drf(exc)
    elif isinstance(exc, ValidationError) and isinstance(exc.detail, list):
        # ValidationError("…") raised outside a field: keyed like a serializer's own, so that
        # every 400 body is an object of messages (lib.api_schema.AutoSchema documents it so).
        exc = ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.detail})
    elif isinstance(exc, ProtectedError):
        return Response({"detail": _("This item is still in use and cannot be removed.")}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, IntegrityError):
        return Response({"detail": _("This change conflicts with existing data.")}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


_MISSING = object()


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField, looking the time zone up once per field of a serializer instance
    (that is, per request) instead of once per value: the 100 timestamps of a 50-row list took
    a tenth of the list's time. Anything but an aware datetime in ISO 8601 takes DRF's path."""

    def to_representation(self, value):
        if not isinstance(value, datetime.datetime) or hasattr(self, "timezone") or timezone.is_naive(value):
            return super().to_representation(value)
        output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
        zone = self.__dict__.get("_zone", _MISSING)
        if zone is _MISSING:
            zone = self._zone = self.default_timezone()
        if output_format is None or output_format.lower() != ISO_8601 or zone is None:
            return super().to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


def _fresh_copy(field):
    """A field for one serializer instance. A field with children (a nested serializer, a list
    or many-related field) binds them to itself, so it is deep-copied as DRF does; any other
    field keeps its state in its own attributes, which binding sets on the copy."""
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "child_relation"):
        return copy.deepcopy(field)
    return copy.copy(field)


class CleanModelSerializer(serializers.ModelSerializer):
    """Runs Model.full_clean() so the API enforces exactly the form's rules."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.DateTimeField: DateTimeField}

    def get_fields(self):
        # ModelSerializer builds every field from the model's metadata for each serializer
        # instance, 0.6 ms of a 50-row list. The result depends only on the class and its
        # Meta, so it is built once per class; each instance gets its own copies, which a
        # subclass may then change for its request.
        cls = type(self)
        prototypes = cls.__dict__.get("_field_prototypes")
        if prototypes is None:
            prototypes = super().get_fields()
            cls._field_prototypes = prototypes
        return {name: _fresh_copy(field) for name, field in prototypes.items()}

    @cached_property
    def _readable_fields(self):
        # DRF walks every field again for each row to skip the write-only ones; a list of
        # 50 rows did that a thousand times. The fields of a bound serializer do not change.
        return [field for field in self.fields.values() if not field.write_only]

    @cached_property
    def _readers(self):
        """(name, field, attribute) per readable field; the attribute is set where reading the
        value is a plain getattr() (one source attribute, the base get_attribute())."""
        readers = []
        for field in self._readable_fields:
            plain = type(field).get_attribute is serializers.Field.get_attribute and len(field.source_attrs) == 1
            readers.append((field.field_name, field, field.source_attrs[0] if plain else None))
        return readers

    def to_representation(self, instance):
        # DRF's own loop, except that a plain attribute is read with getattr() instead of
        # through get_attribute()'s general path (nested sources, mappings, callables): a
        # fifth of a 50-row list's serializing. Anything unusual takes DRF's path.
        ret = {}
        for name, field, attr in self._readers:
            value = getattr(instance, attr, _MISSING) if attr is not None else _MISSING
            if value is _MISSING or callable(value):
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    if field.default is empty or not getattr(self.root, "partial", False):
                        continue
                    # DRF skips a field that falls back to its default while the serializer is
                    # partial (DRF #5905): a PATCH answer lost parent_name and the like, which
                    # the schema marks as always present.
                    value = field.default() if callable(field.default) else field.default
            if (value.pk if isinstance(value, PKOnlyObject) else value) is None:
                ret[name] = None
            else:
                ret[name] = field.to_representation(value)
        return ret

    def _clean(self, instance):
        try:
            instance.full_clean(validate_unique=True)
        except DjangoValidationError as e:
            raise django_errors_to_drf(e) from e

    def create(self, validated_data):
        m2m = {k: validated_data.pop(k) for k in list(validated_data) if self._is_m2m(k)}
        instance = self.Meta.model(**validated_data)
        self._clean(instance)
        with transaction.atomic():
            instance.save()
            for key, value in m2m.items():
                getattr(instance, key).set(value)
        return instance

    def update(self, instance, validated_data):
        m2m = {k: validated_data.pop(k) for k in list(validated_data) if self._is_m2m(k)}
        for key, value in validated_data.items():
            setattr(instance, key, value)
        self._clean(instance)
        with transaction.atomic():
            instance.save()
            for key, value in m2m.items():
                getattr(instance, key).set(value)
        return instance

    def _is_m2m(self, name):
        field = self.Meta.model._meta.get_field(name) if name in {f.name for f in self.Meta.model._meta.get_fields()} else None
        return field is not None and field.many_to_many


class ScopedViewSet(viewsets.ModelViewSet):
    """A viewset over a ScopedQuerySet: lists what the user sees, changes what they may edit.

    Objects are addressed by UUID. Destroying an archivable object archives it.
    Subclasses decide who may create through ``check_create(serializer)``.
    """

    lookup_field = "uuid"

    def get_scoped_queryset(self):
        # Visible but not editable answers 403 from get_object().
        return self.queryset.all().visible_to(self.request.user)

    def get_queryset(self):
        return self.get_row_queryset() if self.action == "list" else self.get_scoped_queryset()

    def get_row_queryset(self):
        """Hook: what a list's rows come from, before the filters apply; a viewset may keep its
        annotated queryset ready-made instead of building it per request."""
        return self.get_scoped_queryset()

    def counted_queryset(self):
        """The filtered list without the columns only its rows show, for ``?count=true`` (lib.api_policy)."""
        return self.filter_queryset(self.get_scoped_queryset())

    def get_object(self):
        obj = super().get_object()
        if self.action in ("update", "partial_update", "destroy") and not self.queryset.editable_by(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def check_create(self, serializer):
        if not scope_for(self.request.user).everything:
            raise PermissionDenied

    def perform_create(self, serializer):
        self.check_create(serializer)
        serializer.save()

    def perform_update(self, serializer):
        self.check_update(serializer)
        serializer.save()

    def check_update(self, serializer):
        """Hook: refuse moving an object outside the user's scope."""

    def perform_destroy(self, instance):
        if hasattr(instance, "archive"):
            try:
                instance.archive()
            except DjangoValidationError as e:
                raise django_errors_to_drf(e) from e
        else:
            instance.delete()


__all__ = ["CleanModelSerializer", "Http404", "ScopedViewSet"]
