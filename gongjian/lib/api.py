"""Shared API pieces: one validation path (Model.full_clean), scoped viewsets."""

import math

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ErrorDetail, NotFound, ParseError, Throttled, ValidationError
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


class CleanModelSerializer(serializers.ModelSerializer):
    """Runs Model.full_clean() so the API enforces exactly the form's rules."""

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
        """Hook: what a list's rows come from, before the filters apply, with the columns only
        the rows show (counting leaves them out)."""
        return self.get_scoped_queryset()

    def counted_queryset(self):
        """The filtered list without the columns only its rows show, for ``?count=true`` (lib.api_policy)."""
        return self.filter_queryset(self.get_scoped_queryset())

    def get_object(self):
        obj = super().get_object()
        if (
            self.action in ("update", "partial_update", "destroy")
            and not self.queryset.editable_by(self.request.user).filter(pk=obj.pk).exists()
        ):
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
