"""The activities API: the same QuerySets, verbs and access rules as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.api import ScopedViewSet, django_errors_to_drf
from gongjian.orgs.models import Organization, Person

from ..access import can_cancel, can_manage, check_registration
from ..choices import RegistrationStatus
from ..filters import ActivityFilterSet, RegistrationFilterSet, SeriesFilterSet
from ..models import Activity, ActivityPhoto, Registration, Series
from .serializers import (
    ActivitySerializer,
    CancelActivitySerializer,
    CheckInResultSerializer,
    CheckInSerializer,
    CountSerializer,
    PhotoSerializer,
    RegisterSerializer,
    RegistrationSerializer,
    SelfCheckInSerializer,
    SeriesSerializer,
    TimelineEntrySerializer,
)


def _verb(call):
    """Run a model verb; its ValidationError becomes a 400 with the translated message."""
    try:
        return call()
    except DjangoValidationError as e:
        raise django_errors_to_drf(e) from e


class HostScopedViewSet(ScopedViewSet):
    """Create and update only with an organization field the user administers."""

    org_field = "host"

    def _check_org(self, serializer):
        value = serializer.validated_data.get(self.org_field) or getattr(serializer.instance, self.org_field, None)
        if value is None or not scope_for(self.request.user).can_edit(value.pk):
            raise PermissionDenied

    def check_create(self, serializer):
        self._check_org(serializer)

    def check_update(self, serializer):
        self._check_org(serializer)


class SeriesViewSet(HostScopedViewSet):
    """Lecture series (系列宣讲)."""

    queryset = Series.objects.select_related("organization")
    serializer_class = SeriesSerializer
    filterset_class = SeriesFilterSet
    org_field = "organization"

    def perform_destroy(self, instance):
        if instance.activities.exists():
            raise ValidationError({"detail": _("This series still has activities.")})
        instance.delete()


class ActivityViewSet(HostScopedViewSet):
    """Activities of all three tracks. Deleting archives. Registration, check-in and cancelling are POST actions."""

    queryset = (
        Activity.objects.active()
        .select_related("host", "series")
        .prefetch_related("co_hosts", "speakers", "invited_orgs")
        .with_counts()
        .order_by("-starts_at", "-pk")
    )
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet

    def perform_update(self, serializer):
        old_capacity = serializer.instance.capacity
        super().perform_update(serializer)
        activity = serializer.instance
        if old_capacity is not None and (activity.capacity is None or activity.capacity > old_capacity):
            activity.fill_from_waitlist(by=self.request.user)

    def _managed(self):
        activity = self.get_object()
        if not can_manage(self.request.user, activity):
            raise PermissionDenied
        return activity

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegistrationSerializer(many=True),
            409: OpenApiResponse(description=gettext_lazy("The activity has no waitlist and not enough free places: nobody was registered.")),
        },
    )
    @action(detail=True, methods=["post"])
    def register(self, request, uuid=None):
        """Register yourself (empty body), or as an org admin register members of an organization you administer."""
        activity = self.get_object()
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = None
        if data.validated_data.get("organization"):
            organization = get_object_or_404(Organization.objects.active().visible_to(request.user), uuid=data.validated_data["organization"])
        if data.validated_data.get("people"):
            people = list(Person.objects.active().filter(uuid__in=data.validated_data["people"]))
            if len(people) != len(set(data.validated_data["people"])):
                raise ValidationError({"people": [_("Unknown person.")]})
        else:
            if request.user.person_id is None:
                raise PermissionDenied
            people = [request.user.person]
        _verb(lambda: check_registration(request.user, activity, people, organization))
        try:
            created = Registration.objects.register_many(activity, people, by=request.user, organization=organization)
        except DjangoValidationError as e:
            if e.code == "full":
                # Not a bad request: the same request succeeds once a place frees up.
                return Response({"detail": e.messages[0]}, status=status.HTTP_409_CONFLICT)
            raise django_errors_to_drf(e) from e
        return Response(RegistrationSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=RegistrationSerializer(many=True),
        filters=False,
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=[s.value for s in RegistrationStatus]),
            OpenApiParameter("q", OpenApiTypes.STR, description="Name or check-in code."),
        ],
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def registrations(self, request, uuid=None):
        """Organizers see everyone; others see their own and their organizations' registrations."""
        activity = self.get_object()
        queryset = Registration.objects.visible_to(request.user).filter(activity=activity).select_related("activity", "person", "organization")
        queryset = RegistrationFilterSet(request.query_params, queryset=queryset, request=request).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)

    @extend_schema(request=CheckInSerializer, responses=CheckInResultSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, uuid=None):
        """An organizer checks someone in by their short code; a second check-in changes nothing."""
        activity = self._managed()
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code, effective_at = data.validated_data["code"], data.validated_data.get("effective_at")
        registration, changed = _verb(lambda: activity.check_in_code(code, by=request.user, effective_at=effective_at))
        return Response({"registration": RegistrationSerializer(registration).data, "changed": changed})

    @extend_schema(request=CancelActivitySerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, uuid=None):
        """Call the activity off; every registration is cancelled and its holder notified."""
        activity = self._managed()
        data = CancelActivitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _verb(lambda: activity.cancel(by=request.user, reason=data.validated_data.get("reason", "")))
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)

    @extend_schema(request=None, responses=CountSerializer)
    @action(detail=True, methods=["post"], url_path="no-shows")
    def no_shows(self, request, uuid=None):
        """After the activity, mark everyone still only registered as no-show."""
        activity = self._managed()
        return Response({"count": _verb(lambda: activity.mark_no_shows(by=request.user))})

    @extend_schema(methods=["get"], responses=PhotoSerializer(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": PhotoSerializer}, responses={201: PhotoSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser, JSONParser], pagination_class=None, filterset_class=None)
    def photos(self, request, uuid=None):
        """Photos of the activity; organizers upload JPEG or PNG (checked by content)."""
        activity = self.get_object()
        if request.method == "GET":
            return Response(PhotoSerializer(activity.photos.all(), many=True).data)
        if not can_manage(request.user, activity):
            raise PermissionDenied
        serializer = PhotoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = ActivityPhoto(activity=activity, uploaded_by=request.user, **serializer.validated_data)
        _verb(photo.full_clean)
        photo.save()
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("organization", OpenApiTypes.UUID, required=True, description="The organization's UUID.")],
        responses=TimelineEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def timeline(self, request):
        """An organization's activities, newest first: hosted, co-hosted or attended by its members."""
        from django.apps import apps

        query = TimelineQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        organization = get_object_for(request.user, Organization, "view", uuid=query.validated_data["organization"])
        entries = apps.get_app_config("activities").org_timeline(organization, request.user)
        return Response(TimelineEntrySerializer(entries, many=True).data)


class TimelineQuery(serializers.Serializer):
    """The timeline's one parameter: a missing or malformed one is the caller's error (400), not a 404."""

    organization = serializers.UUIDField()


class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Registrations you may see: your own, your organizations' and those of activities you run."""

    queryset = Registration.objects.select_related("activity", "person", "organization").order_by("-created_at", "-pk")
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilterSet
    lookup_field = "uuid"

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, uuid=None):
        """Give up the place; the first waitlisted person moves up and is notified."""
        registration = self.get_object()
        if not can_cancel(request.user, registration):
            raise PermissionDenied
        _verb(lambda: registration.cancel(by=request.user))
        registration.refresh_from_db()
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=SelfCheckInSerializer, responses=CheckInResultSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, uuid=None):
        """Organizers check anyone in; the person themselves needs the token from the activity's QR code."""
        registration = self.get_object()
        activity = registration.activity
        data = SelfCheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        effective_at = data.validated_data.get("effective_at")
        if not can_manage(request.user, activity):
            token = data.validated_data.get("token", "")
            if registration.person_id != request.user.person_id or not constant_time_compare(activity.checkin_token, str(token)):
                raise PermissionDenied
            if effective_at is not None:
                # Only organizers record a check-in after the fact; a member checks in at the venue.
                raise PermissionDenied
        changed = _verb(lambda: registration.check_in(by=request.user, effective_at=effective_at))
        return Response({"registration": RegistrationSerializer(registration).data, "changed": changed})
