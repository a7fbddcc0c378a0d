"""Serializers for regions, organizations, people and memberships.

References are UUIDs (tags by name) and a writable reference only accepts
what the requesting user may use, exactly like the form pickers. Phone and ID
numbers are masked unless the user may see them; unmasked values are noted in
``context["revealed"]`` so the view can audit them.
"""

from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from gongjian.lib.access import scope_for
from gongjian.lib.api import CleanModelSerializer, django_errors_to_drf
from gongjian.lib.crypto import mask

from ..choices import MembershipRole
from ..models import CapabilityTag, Membership, Organization, Person, Region


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A reference by UUID whose choices are limited to the requesting user's scope.

    ``limit(queryset, user, serializer)`` narrows the base queryset; the
    serializer is passed so an unchanged current value can stay allowed.
    """

    def __init__(self, limit=None, slug_field="uuid", **kwargs):
        self.limit = limit
        super().__init__(slug_field=slug_field, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if self.limit is None:
            return queryset
        return self.limit(queryset, getattr(request, "user", None), self.parent)


class SelectedValueMixin:
    """Reads the value a list's query selected as the column ``selected_as``, and follows the
    relation only for a row without it (a detail, a row just saved).

    Showing a parent's and a region's UUID and name built two related instances per row: a
    50-row list spent more time on them than on reading its own rows (orgs.api.views).
    """

    def __init__(self, *args, selected_as, **kwargs):
        self.selected_as = selected_as
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        try:
            value = instance.__dict__[self.selected_as]
        except (AttributeError, KeyError):
            try:
                return super().get_attribute(instance)
            except SkipField:
                # DRF leaves a field that falls back to its default out of a partial update's
                # answer (DRF #5905); the schema says this one is always there.
                return self.default
        if value is None and self.default is not empty:
            return self.get_default()
        return value

    def to_representation(self, value):
        if isinstance(value, models.Model):
            return super().to_representation(value)
        # A UUID as text, as DRF's UUIDField gives it, rather than for the JSON encoder to convert.
        return str(value) if isinstance(value, UUID) else value


class SelectedCharField(SelectedValueMixin, serializers.CharField):
    pass


class SelectedSlugRelatedField(SelectedValueMixin, serializers.SlugRelatedField):
    pass


class SelectedScopedSlugField(SelectedValueMixin, ScopedSlugRelatedField):
    pass


def _note_revealed(serializer, instance, fields):
    revealed = serializer.context.setdefault("revealed", [])
    revealed.append((instance, tuple(fields)))


class RegionSerializer(CleanModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="uuid", queryset=Region.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Region
        validators = []  # Model.full_clean() checks constraints with the form's messages
        fields = ["uuid", "name", "level", "parent", "code", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class TagNamesField(serializers.ManyRelatedField):
    """Tags by name; a list page selects the names with its rows (``orgs.listing``) instead of a prefetch."""

    def get_attribute(self, instance):
        names = instance.__dict__.get("tag_names")
        if names is not None:
            return names
        return sorted(tag.name for tag in super().get_attribute(instance))  # as a list page sorts them

    def to_representation(self, iterable):
        return list(iterable)


def _parents_for(queryset, user, serializer):
    allowed = queryset.filter(pk__in=Organization.objects.parents_for(user).values("pk"))
    instance = getattr(serializer, "instance", None)
    if isinstance(instance, Organization) and instance.parent_id:
        # An unchanged parent stays valid even above the user's scope (an org admin's own top organization).
        allowed = allowed | queryset.filter(pk=instance.parent_id)
    return allowed


# What a directory entry leaves empty outside the reader's scope (the public_contact is for everyone).
PERSONAL_FIELDS = ("contact_name", "contact_phone", "contact_email")


class OrganizationSerializer(CleanModelSerializer):
    parent = SelectedScopedSlugField(
        limit=_parents_for, queryset=Organization.objects.all(), required=False, allow_null=True, selected_as="parent_uuid"
    )
    region = SelectedSlugRelatedField(
        slug_field="uuid", queryset=Region.objects.all(), required=False, allow_null=True, selected_as="region_uuid"
    )
    tags = TagNamesField(
        child_relation=serializers.SlugRelatedField(slug_field="name", queryset=CapabilityTag.objects.all()), required=False
    )
    parent_name = SelectedCharField(source="parent.name", read_only=True, default="", selected_as="parent_name")
    region_name = SelectedCharField(source="region.name", read_only=True, default="", selected_as="region_name")
    contact_phone = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Masked (138****8000) unless you may edit the organization.")
    )

    class Meta:
        model = Organization
        validators = []  # Model.full_clean() checks constraints with the form's messages
        fields = [
            "uuid",
            "name",
            "short_name",
            "sector",
            "kind",
            "parent",
            "parent_name",
            "region",
            "region_name",
            "address",
            "credit_code",
            "tags",
            "description",
            "public_contact",
            "contact_name",
            "contact_phone",
            "contact_email",
            "status",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "archived_at", "created_at", "updated_at"]
        extra_kwargs = {
            **{name: {"help_text": _("Empty for an organization outside your scope.")} for name in ("contact_name", "contact_email")},
            # No DRF UniqueValidator: Organization.clean() refuses a duplicate code with the form's message.
            "credit_code": {"validators": []},
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not scope_for(request.user).everything:
            # Only the alliance decides whether an organization is active or suspended.
            fields["status"].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not self._in_scope(instance, request.user):
            # A directory entry outside the user's scope: the contact person is personal data.
            data.update(dict.fromkeys(PERSONAL_FIELDS, ""))
            return data
        if instance.contact_phone:
            if request is not None and scope_for(request.user).can_edit(instance.pk):
                _note_revealed(self, instance, ["contact_phone"])
            else:
                data["contact_phone"] = mask(instance.contact_phone)
        return data

    @staticmethod
    def _in_scope(instance, user) -> bool:
        # Read pages annotate it (OrganizationQuerySet.with_access); a saved instance is in scope.
        in_scope = instance.__dict__.get("viewer_in_scope")
        if in_scope is None:
            in_scope = Organization.objects.visible_to(user).filter(pk=instance.pk).exists()
        return in_scope

    def _clean(self, instance):
        request = self.context.get("request")
        if request is not None:
            # The same placement rule (and message) as the organization form.
            try:
                instance.check_placement(request.user, getattr(self, "_original_parent_id", None))
            except DjangoValidationError as e:
                raise django_errors_to_drf(e) from e
        super()._clean(instance)

    def update(self, instance, validated_data):
        self._original_parent_id = instance.parent_id
        return super().update(instance, validated_data)


class MembershipSummarySerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Membership
        validators = []  # Model.full_clean() checks constraints with the form's messages
        fields = ["uuid", "organization", "organization_name", "role", "position", "joined_on", "left_on"]
        read_only_fields = fields


def _editable_organizations(queryset, user, serializer):
    return queryset.filter(pk__in=Organization.objects.parents_for(user).values("pk"))


class PersonSerializer(CleanModelSerializer):
    titles = serializers.ListField(child=serializers.CharField(max_length=100), required=False, label=_("titles and honours"))
    speaker_topics = serializers.ListField(child=serializers.CharField(max_length=100), required=False, label=_("lecture topics"))
    phone = serializers.CharField(required=False, allow_blank=True, help_text=_("Masked (138****8000) unless you may see it."))
    id_number = serializers.CharField(required=False, allow_blank=True, help_text=_("Masked unless you may see it."))
    memberships = serializers.SerializerMethodField()
    organization = ScopedSlugRelatedField(
        limit=_editable_organizations,
        queryset=Organization.objects.all(),
        write_only=True,
        required=False,
        help_text=_("On create: the organization the new person joins (required unless you are an alliance admin)."),
    )
    role = serializers.ChoiceField(choices=MembershipRole.choices, write_only=True, required=False, default=MembershipRole.MEMBER)
    position = serializers.CharField(max_length=40, write_only=True, required=False, allow_blank=True, default="")

    class Meta:
        model = Person
        validators = []  # Model.full_clean() checks constraints with the form's messages
        fields = [
            "uuid",
            "name",
            "gender",
            "phone",
            "id_number",
            "email",
            "titles",
            "is_speaker",
            "speaker_topics",
            "bio",
            "memberships",
            "organization",
            "role",
            "position",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "archived_at", "created_at", "updated_at"]

    @extend_schema_field(MembershipSummarySerializer(many=True))
    def get_memberships(self, person):
        current = [m for m in person.memberships.all() if m.is_current]
        return MembershipSummarySerializer(current, many=True).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        shown = [name for name in ("phone", "id_number") if getattr(instance, name)]
        if shown and request is not None and instance.contact_visible_to(request.user):
            _note_revealed(self, instance, shown)
        else:
            data["phone"] = mask(instance.phone)
            data["id_number"] = mask(instance.id_number)
        return data

    def create(self, validated_data):
        organization = validated_data.pop("organization", None)
        role = validated_data.pop("role", MembershipRole.MEMBER)
        position = validated_data.pop("position", "")
        person = super().create(validated_data)
        if organization is not None:
            Membership.objects.create(
                person=person, organization=organization, role=role, position=position, joined_on=timezone.localdate()
            )
        return person

    def update(self, instance, validated_data):
        # Memberships of an existing person are managed through the membership endpoint.
        for name in ("organization", "role", "position"):
            validated_data.pop(name, None)
        return super().update(instance, validated_data)


def _visible_people(queryset, user, serializer):
    return queryset.filter(pk__in=Person.objects.visible_to(user).values("pk"))


class MembershipSerializer(CleanModelSerializer):
    person = ScopedSlugRelatedField(limit=_visible_people, queryset=Person.objects.all())
    organization = ScopedSlugRelatedField(limit=_editable_organizations, queryset=Organization.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["uuid", "person", "person_name", "organization", "organization_name", "role", "position", "joined_on", "left_on"]
        read_only_fields = ["uuid", "left_on"]
        validators = []  # Model.full_clean() checks constraints with the form's messages
