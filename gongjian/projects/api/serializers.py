from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongjian.agreements.models import Agreement
from gongjian.exchange.models import Need, Resource
from gongjian.lib.access import scope_for
from gongjian.lib.api import CleanModelSerializer
from gongjian.lib.effective import EffectiveSerializer
from gongjian.orgs.models import Organization, Person

from ..models import Milestone, Outcome, Project, Task, TaskEvent, TaskEvidence


class ProjectRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


def _user_name(user):
    return str(user) if user is not None else ""


class ProjectSerializer(CleanModelSerializer):
    """Organizations, needs, resources and the agreement are addressed by UUID."""

    lead = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active())
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    partners = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active(), many=True, required=False)
    partner_names = serializers.SerializerMethodField()
    needs = serializers.SlugRelatedField(slug_field="uuid", queryset=Need.objects.all(), many=True, required=False)
    resources = serializers.SlugRelatedField(slug_field="uuid", queryset=Resource.objects.all(), many=True, required=False)
    agreement = serializers.SlugRelatedField(slug_field="uuid", queryset=Agreement.objects.all(), required=False, allow_null=True)
    progress = serializers.SerializerMethodField()
    weight_total = serializers.IntegerField(read_only=True, default=0)
    weight_accepted = serializers.IntegerField(read_only=True, default=0)
    showcase_url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "uuid",
            "title",
            "brand",
            "track",
            "lead",
            "lead_name",
            "partners",
            "partner_names",
            "needs",
            "resources",
            "agreement",
            "goals",
            "period_start",
            "period_end",
            "status",
            "is_featured",
            "is_public",
            "progress",
            "weight_total",
            "weight_accepted",
            "showcase_url",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "status", "archived_at", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return
        # Links only to what the user can see; only the alliance features projects.
        self.fields["needs"].child_relation.queryset = Need.objects.visible_to(user)
        self.fields["resources"].child_relation.queryset = Resource.objects.visible_to(user)
        self.fields["agreement"].queryset = Agreement.objects.visible_to(user)
        if not scope_for(user).everything:
            self.fields["is_featured"].read_only = True

    def validate(self, attrs):
        lead = attrs.get("lead") or getattr(self.instance, "lead", None)
        if lead is not None and "partners" in attrs:
            attrs["partners"] = [org for org in attrs["partners"] if org.pk != lead.pk]
        return attrs

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_partner_names(self, obj):
        return [org.name for org in obj.partners.all()]

    @extend_schema_field(OpenApiTypes.INT)
    def get_progress(self, obj):
        return obj.progress()

    @extend_schema_field(OpenApiTypes.STR)
    def get_showcase_url(self, obj):
        return obj.get_showcase_url() if obj.is_public and not obj.is_archived else ""


class ProjectProgressSerializer(serializers.Serializer):
    progress = serializers.IntegerField(help_text=_("Whole percent of accepted weight."))
    weight_total = serializers.IntegerField()
    weight_accepted = serializers.IntegerField()
    tasks = serializers.DictField(child=serializers.IntegerField(), help_text=_("Task count per status."))


class ProjectScopedSerializer(CleanModelSerializer):
    """A part of a project: the project is chosen among those the user sees (others do not exist)."""

    project = serializers.SlugRelatedField(slug_field="uuid", queryset=Project.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if getattr(request, "user", None) is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user)


class ProjectMilestoneSerializer(ProjectScopedSerializer):
    class Meta:
        model = Milestone
        fields = ["uuid", "project", "title", "due", "done_at", "order", "created_at", "updated_at"]
        read_only_fields = ["uuid", "done_at", "created_at", "updated_at"]


class ProjectOutcomeSerializer(ProjectScopedSerializer):
    file = serializers.FileField(required=False, allow_null=True, write_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Outcome
        fields = ["uuid", "project", "kind", "title", "text", "file", "file_url", "content_type", "created_at", "updated_at"]
        read_only_fields = ["uuid", "content_type", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_file_url(self, obj):
        return reverse("projects:outcome_file", kwargs={"uuid": obj.uuid}) if obj.file else ""


class TaskEvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = TaskEvidence
        fields = ["uuid", "kind", "name", "content_type", "url", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, obj):
        return reverse("projects:evidence_file", kwargs={"uuid": obj.uuid})


class TaskSerializer(ProjectScopedSerializer):
    project_title = serializers.CharField(source="project.title", read_only=True)
    team_org = ProjectRefSerializer(read_only=True, allow_null=True)  # null until claimed by an organization
    team_people = ProjectRefSerializer(many=True, read_only=True)
    claimed_by = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField()
    evidence_files = TaskEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "uuid",
            "project",
            "project_title",
            "title",
            "location",
            "weight",
            "order",
            "status",
            "team_org",
            "team_people",
            "claimed_by",
            "claimed_at",
            "evidence",
            "evidence_files",
            "submitted_at",
            "reviewer",
            "review_comment",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uuid",
            "status",
            "claimed_at",
            "evidence",
            "submitted_at",
            "review_comment",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        # No UniqueTogetherValidator: Task.clean() refuses a duplicate title on the title, as the form does.
        validators = []

    def validate_project(self, value):
        if self.instance is not None and value.pk != self.instance.project_id:
            raise serializers.ValidationError(_("A task cannot move to another project."))
        return value

    @extend_schema_field(OpenApiTypes.STR)
    def get_claimed_by(self, obj):
        return _user_name(obj.claimed_by)

    @extend_schema_field(OpenApiTypes.STR)
    def get_reviewer(self, obj):
        return _user_name(obj.reviewer)


class TaskEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = TaskEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "created_at", "recorded_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, obj):
        return _user_name(obj.actor)


class TaskClaimSerializer(EffectiveSerializer):
    """Name the team: an organization, or people. A returned task needs neither (its team takes it up again)."""

    team_org = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active(), required=False, allow_null=True)
    team_people = serializers.SlugRelatedField(slug_field="uuid", queryset=Person.objects.active(), many=True, required=False)


class TaskSubmitSerializer(EffectiveSerializer):
    evidence = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TaskReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class TaskAcceptSerializer(TaskReviewSerializer, EffectiveSerializer):
    """Accepting may be dated after the fact; returning happens now."""


class TaskBulkSerializer(serializers.Serializer):
    """One of: ``text`` (one task per line, tab-separated), ``file`` (an .xlsx sheet) or ``rows``."""

    text = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False)
    rows = serializers.ListField(child=serializers.DictField(), required=False)
    dry_run = serializers.BooleanField(required=False, default=False, help_text=_("Check the rows and report, without creating anything."))

    def validate(self, attrs):
        given = [key for key in ("text", "file", "rows") if attrs.get(key)]
        if len(given) != 1:
            raise serializers.ValidationError(_("Give exactly one of text, file and rows."))
        return attrs


class TaskBulkResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    created = serializers.IntegerField()
    rows = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(child=serializers.CharField())
