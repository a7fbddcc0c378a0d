from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongjian.lib.api import CleanModelSerializer
from gongjian.lib.effective import EffectiveSerializer
from gongjian.orgs.models import Organization, Region

from ..choices import ListKind
from ..models import Category, Claim, ListRelease, Need, Resource, SuggestionFeedback, SynonymGroup


class CategorySerializer(CleanModelSerializer):
    related = serializers.SlugRelatedField(slug_field="uuid", queryset=Category.objects.all(), many=True, required=False)

    class Meta:
        model = Category
        fields = ["uuid", "name", "order", "is_active", "related"]
        read_only_fields = ["uuid"]

    def validate_related(self, value):
        if self.instance is not None and self.instance in value:
            raise serializers.ValidationError(_("A category cannot be related to itself."))
        return value


class SynonymGroupSerializer(CleanModelSerializer):
    class Meta:
        model = SynonymGroup
        fields = ["uuid", "words", "note", "is_active", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class ListingSerializer(CleanModelSerializer):
    """Fields needs and resources share; related objects are addressed by UUID."""

    organization = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="uuid", queryset=Category.objects.all())
    category_name = serializers.CharField(source="category.name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="uuid", queryset=Region.objects.all(), required=False, allow_null=True)
    region_name = serializers.CharField(source="region.name", read_only=True, default="")
    contact_phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    contact_phone_masked = serializers.CharField(source="masked_contact_phone", read_only=True)
    status = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)

    common_fields = [
        "uuid",
        "organization",
        "organization_name",
        "title",
        "description",
        "category",
        "category_name",
        "region",
        "region_name",
        "seeks",
        "offers",
        "contact_name",
        "contact_phone",
        "contact_phone_masked",
        "status",
        "published_at",
        "created_at",
        "updated_at",
    ]


class NeedSerializer(ListingSerializer):
    featured = serializers.BooleanField(read_only=True)

    class Meta:
        model = Need
        fields = [*ListingSerializer.common_fields, "scale", "deadline", "claim_mode", "priority_until", "featured"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class ResourceSerializer(ListingSerializer):
    class Meta:
        model = Resource
        fields = [*ListingSerializer.common_fields, "service_area", "capacity", "capacity_unit", "available_from", "available_until"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class OrganizationRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()


class ClaimSerializer(serializers.ModelSerializer):
    # A claim is on a need or a request for a resource: the other one is null.
    need = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    need_title = serializers.CharField(source="need.title", read_only=True, default="")
    resource = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    resource_title = serializers.CharField(source="resource.title", read_only=True, default="")
    claimant = OrganizationRefSerializer(read_only=True)
    partners = OrganizationRefSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "uuid",
            "need",
            "need_title",
            "resource",
            "resource_title",
            "claimant",
            "partners",
            "message",
            "quantity",
            "status",
            "claimed_at",
            "decided_at",
            "reject_reason",
            "created_at",
        ]
        read_only_fields = fields


class AcceptedClaimSerializer(ClaimSerializer):
    """A claim just accepted, with the project it started or joined."""

    project = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "project"]
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True, help_text=_("The project the claim started or joined; null if none.")))
    def get_project(self, claim):
        project = self.context.get("project")
        return str(project.uuid) if project is not None else None


class ClaimCreateSerializer(EffectiveSerializer):
    """Claim a need or request a resource: give exactly one of ``need`` and ``resource``."""

    need = serializers.UUIDField(required=False)
    resource = serializers.UUIDField(required=False)
    organization = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active(), help_text=_("The claimant."))
    partners = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active(), many=True, required=False)
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    quantity = serializers.IntegerField(required=False, min_value=1, allow_null=True)
    from_suggestion = serializers.BooleanField(required=False, default=False, help_text=_("Made from a suggestion."))

    def validate(self, attrs):
        if bool(attrs.get("need")) == bool(attrs.get("resource")):
            raise serializers.ValidationError(_("Give exactly one of need and resource."))
        return attrs


class ListingClaimSerializer(EffectiveSerializer):
    """The body of POST needs/{uuid}/claim/ and resources/{uuid}/request/."""

    organization = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active(), help_text=_("The claimant."))
    partners = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active(), many=True, required=False)
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    quantity = serializers.IntegerField(required=False, min_value=1, allow_null=True)
    from_suggestion = serializers.BooleanField(required=False, default=False, help_text=_("Made from a suggestion."))


class FeedbackBodySerializer(serializers.Serializer):
    """The body of POST needs/{uuid}/feedback/ and resources/{uuid}/feedback/: a verdict on one suggestion."""

    target = serializers.UUIDField(help_text=_("The suggested resource (on a need) or need (on a resource)."))
    verdict = serializers.ChoiceField(choices=SuggestionFeedback.Verdict.choices)
    score = serializers.FloatField(required=False, allow_null=True, default=None)


class SuggestionFeedbackSerializer(serializers.ModelSerializer):
    need = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    resource = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = SuggestionFeedback
        fields = ["uuid", "need", "resource", "shown_on", "verdict", "score", "created_at", "updated_at"]
        read_only_fields = fields


class AcceptSerializer(EffectiveSerializer):
    join = serializers.UUIDField(required=False, allow_null=True, help_text=_("An existing project to join instead of starting one."))


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class FulfilSerializer(NoteSerializer):
    satisfaction = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=5, help_text="The owner's satisfaction, 1 (poor) to 5 (excellent)."
    )


class SuggestionTargetSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    organization_uuid = serializers.UUIDField(source="organization.uuid")


class SuggestionSerializer(serializers.Serializer):
    score = serializers.FloatField()
    level = serializers.ChoiceField(choices=["high", "good", "fair"], help_text="The score as the match tab shows it: high from 2.0, good from 1.5, fair below.")
    level_display = serializers.CharField()
    target = SuggestionTargetSerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    matched_terms = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class ListReleaseSerializer(serializers.ModelSerializer):
    published_by = serializers.StringRelatedField()

    class Meta:
        model = ListRelease
        fields = ["uuid", "year", "kind", "title", "note", "published_at", "published_by", "featured", "snapshot"]
        read_only_fields = fields


class ListReleaseCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=ListKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    featured = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
