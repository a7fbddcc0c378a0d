"""API viewsets: the UI's QuerySets, FilterSets and rules behind REST endpoints."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import scope_for
from gongjian.lib.api import ScopedViewSet, django_errors_to_drf

from ..filters import MembershipFilterSet, OrganizationFilterSet, PersonFilterSet, RegionFilterSet
from ..listing import RELATED_COLUMNS, attach_tag_names, with_related_columns, with_tag_names
from ..models import Membership, Organization, Person, Region, may_create_organizations
from .serializers import MembershipSerializer, OrganizationSerializer, PersonSerializer, RegionSerializer


class OrgsViewSet(ScopedViewSet):
    """Filters apply to lists only, so an archived object can still be fetched (and restored) by UUID."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        # One audit record per response that carried unmasked phone or ID numbers.
        revealed = getattr(self, "_serializer_context", {}).get("revealed")
        if revealed and 200 <= response.status_code < 300:
            if len(revealed) == 1:
                obj, fields = revealed[0]
                record(Action.VIEW_PERSONAL, obj, changes={"fields": list(fields), "via": "api"})
            else:
                record(
                    Action.VIEW_PERSONAL,
                    changes={"objects": [str(obj.uuid) for obj, _ in revealed], "via": "api"},
                    object_repr=f"{self.queryset.model._meta.label_lower} ×{len(revealed)}",
                )
        return super().finalize_response(request, response, *args, **kwargs)

    def get_serializer_context(self):
        # Kept so finalize_response sees what the serializers revealed.
        self._serializer_context = super().get_serializer_context()
        return self._serializer_context

    def may_create(self) -> bool:
        return may_create_organizations(self.request.user)

    def create(self, request, *args, **kwargs):
        # Refused before validation, so field errors tell a reader nothing.
        if not self.may_create():
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def check_create(self, serializer):
        """Already checked in create(); subclasses add rules that need the validated data."""


class RegionViewSet(OrgsViewSet):
    """Administrative regions (市 → 区县 → 街镇 → 居村). Everyone reads; alliance admins write."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet

    def may_create(self) -> bool:
        return scope_for(self.request.user).everything


def listed_organizations(organizations):
    """What the list's rows read, on top of the user's organizations. The parent and region
    appear by UUID and name only: columns of the row, read by the serializer's Selected* fields,
    instead of two model instances per row. Tag names come as a JSON array per row (orgs.listing)."""
    return with_tag_names(with_related_columns(organizations, *RELATED_COLUMNS))


class OrganizationViewSet(OrgsViewSet):
    """Party organizations and units. DELETE archives; an organization with active sub-organizations refuses."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet

    def get_scoped_queryset(self):
        if self.action in ("list", "retrieve"):
            # Reading follows the alliance directory (orgs.profiles); writes keep the scope, 404 outside it.
            user = self.request.user
            return self.queryset.all().public_to(user).with_access(user).select_related("parent", "region")
        # A detail, which may be saved, follows the relations.
        return super().get_scoped_queryset().select_related("parent", "region")

    def get_row_queryset(self):
        user = self.request.user
        return listed_organizations(self.queryset.all().public_to(user)).with_access(user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            attach_tag_names(page)
        return page

    @extend_schema(request=None, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, uuid=None):
        organization = self.get_object()
        if not Organization.objects.editable_by(request.user).filter(pk=organization.pk).exists():
            raise PermissionDenied
        try:
            organization.restore()
        except DjangoValidationError as e:
            raise django_errors_to_drf(e) from e
        return Response(self.get_serializer(organization).data)


class PersonViewSet(OrgsViewSet):
    """People in the user's scope. Phone and ID numbers are masked unless the user may see them (and then audited)."""

    queryset = Person.objects.prefetch_related("memberships__organization")
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    def check_create(self, serializer):
        if not scope_for(self.request.user).everything and serializer.validated_data.get("organization") is None:
            # Otherwise the new person would be invisible to the admin who created them.
            raise ValidationError({"organization": [_("This field is required.")]})


class MembershipViewSet(OrgsViewSet):
    """A person's role in an organization. DELETE ends the membership; the record stays as history."""

    queryset = Membership.objects.select_related("person", "organization")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet

    def _check_actor(self, membership):
        # Changing one's own membership is a permission question: 403, with the reason.
        try:
            membership.check_actor(self.request.user)
        except DjangoValidationError as e:
            raise exceptions.PermissionDenied(" ".join(e.messages)) from e

    def check_update(self, serializer):
        self._check_actor(serializer.instance)

    def perform_destroy(self, instance):
        self._check_actor(instance)
        try:
            instance.end()
        except DjangoValidationError as e:
            raise django_errors_to_drf(e) from e
