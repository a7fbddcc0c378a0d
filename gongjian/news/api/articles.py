"""The newsroom API, /api/v1/news/articles/: articles, and a POST action for each step of the review flow.

The actions are made from the TRANSITIONS table (one per user transition), so the API offers
exactly the steps the pages do; each answers with the article, its steps and what the caller may
do next. Objects outside the caller's scope answer 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.activities.models import Activity
from gongjian.agreements.models import Agreement
from gongjian.insights.models import GeneratedDocument
from gongjian.lib.access import get_object_for
from gongjian.lib.api import CleanModelSerializer, ScopedViewSet
from gongjian.orgs.models import Organization
from gongjian.projects.models import Project

from ..article_filters import ArticleFilterSet
from ..article_forms import writable_organizations
from ..models.articles import Article, may_write_news
from ..models.history import ArticleVersion, ReviewStep
from ..models.review_flow import USER_TRANSITIONS

SUMMARIES = {
    "submit": "Submit for review (提交审核)",
    "pass_first": "Pass the first review (初审通过)",
    "pass_second": "Pass the second review (复审通过)",
    "publish": "Pass the final review and publish now, or publish a scheduled article now (终审通过并发布)",
    "schedule": "Pass the final review and publish at a set time (终审通过，定时发布)",
    "send_back": "Return for changes from the current review stage (退回修改)",
    "release": "Release a held article: the security admin accepts exactly this text (放行)",
    "reject": "Reject a held article (驳回)",
    "withdraw": "Withdraw a published or scheduled article, with a reason (撤稿)",
    "correct": "Publish a correction as a new sealed version, with its note (更正)",
    "take_offline": "Take a published article offline (下线)",
    "restore": "Put the last sealed version back online (恢复封存版本)",
    "reopen": "Reopen a rejected, withdrawn or offline article as a draft (重新编辑)",
}


class ReviewStepSerializer(serializers.ModelSerializer):
    reviewer = serializers.SerializerMethodField()

    class Meta:
        model = ReviewStep
        fields = ["round", "stage", "decision", "from_status", "to_status", "reviewer", "comment", "created_at"]

    def get_reviewer(self, obj) -> str | None:
        return str(obj.reviewer) if obj.reviewer_id else None


class VersionSerializer(serializers.ModelSerializer):
    published_by = serializers.SerializerMethodField()

    class Meta:
        model = ArticleVersion
        fields = ["number", "title", "summary", "body", "correction_note", "published_at", "published_by", "digest", "seal"]

    def get_published_by(self, obj) -> str | None:
        return str(obj.published_by) if obj.published_by_id else None


def _uuids(queryset, **kwargs):
    return serializers.SlugRelatedField(slug_field="uuid", queryset=queryset, **kwargs)


class ArticleSerializer(CleanModelSerializer):
    """An article; its content is written while it is a draft, its status only through the actions."""

    organization = _uuids(Organization.objects.active())
    activities = _uuids(Activity.objects.all(), many=True, required=False)
    agreements = _uuids(Agreement.objects.all(), many=True, required=False)
    projects = _uuids(Project.objects.all(), many=True, required=False)
    organizations = _uuids(Organization.objects.active(), many=True, required=False)
    cover = serializers.FileField(write_only=True, required=False, allow_null=True)
    cover_url = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    publisher = serializers.CharField(read_only=True)
    public_url = serializers.SerializerMethodField()
    steps = ReviewStepSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "uuid", "title", "summary", "body", "cover", "cover_url", "category", "source_name", "source_url", "organization",
            "byline", "publisher", "author", "activities", "agreements", "projects", "organizations", "status", "published_at",
            "publish_at", "version", "view_count", "status_note", "findings", "public_url", "steps", "allowed_actions",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "uuid",
            "status",
            "published_at",
            "publish_at",
            "version",
            "view_count",
            "status_note",
            "findings",
            "created_at",
            "updated_at",
        ]

    def get_cover_url(self, obj) -> str | None:
        from django.urls import reverse

        return reverse("news:article_cover", kwargs={"uuid": obj.uuid}) if obj.cover else None

    def get_author(self, obj) -> str | None:
        return str(obj.author) if obj.author_id else None

    def get_public_url(self, obj) -> str | None:
        return obj.get_public_url() if obj.is_public else None

    def get_allowed_actions(self, obj) -> list[str]:
        return [t.name for t in obj.allowed_transitions(self.context["request"].user)]

    def validate_organization(self, value):
        if not writable_organizations(self.context["request"].user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(_("You cannot write news for this organization."))
        return value

    def _visible(self, values, model):
        ids = {v.pk for v in values}
        if len(model.objects.visible_to(self.context["request"].user).filter(pk__in=ids)) != len(ids):
            raise serializers.ValidationError(_("No such item, or you cannot see it."))
        return values

    def validate_activities(self, values):
        return self._visible(values, Activity)

    def validate_agreements(self, values):
        return self._visible(values, Agreement)

    def validate_projects(self, values):
        return self._visible(values, Project)

    def create(self, validated_data):
        validated_data["author"] = self.context["request"].user
        return super().create(validated_data)


class CommentBody(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ScheduleBody(CommentBody):
    publish_at = serializers.DateTimeField()


class CorrectionBody(CommentBody):
    """The corrected text; the comment is the correction note shown with the article."""

    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    body = serializers.CharField(required=False, allow_blank=True, default="")


class FromDocumentBody(serializers.Serializer):
    document = serializers.UUIDField(help_text="A finished publicity document of the insights app.")

    def validate_document(self, value):
        # A field of the body, like the article's own references: one the caller cannot see is
        # a 400 on that field, not a 404 of an operation that names no object in its path.
        try:
            document = get_object_for(self.context["request"].user, GeneratedDocument, "view", uuid=value)
        except Http404 as e:
            raise serializers.ValidationError(_("No such item, or you cannot see it.")) from e
        if document.kind != "publicity" or not (document.content or {}).get("sections"):
            raise serializers.ValidationError(_("Only a finished publicity draft can become a news article."))
        return document


BODIES = {"schedule": ScheduleBody, "correct": CorrectionBody}


class ArticleViewSet(ScopedViewSet):
    """News articles in the caller's scope; every step of the review flow is a POST action on one article."""

    queryset = Article.objects.with_steps().prefetch_related("activities", "agreements", "projects", "organizations")
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet

    def get_row_queryset(self):
        return self.get_scoped_queryset().active()

    def create(self, request, *args, **kwargs):
        # Refuse before validating: someone who may write nothing learns nothing from field errors.
        if not may_write_news(request.user):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def check_create(self, serializer):
        """validate_organization already insists on an organization the user may write for."""

    def check_update(self, serializer):
        organization = serializer.validated_data.get("organization")
        if organization is not None and organization.pk != serializer.instance.organization_id:
            # Moving an article to another organization is writing for that one.
            ArticleSerializer(context=self.get_serializer_context()).validate_organization(organization)

    def _act(self, name, body_class):
        article = self.get_object()
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        article.act(name, self.request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_scoped_queryset().get(pk=article.pk)).data)

    @extend_schema(responses=VersionSerializer(many=True), summary="Published versions with their seals")
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def versions(self, request, uuid=None):
        article = self.get_object()
        return Response(VersionSerializer(article.versions.select_related("published_by__person").order_by("number"), many=True).data)

    @extend_schema(request=FromDocumentBody, responses={201: ArticleSerializer}, summary="A draft from a publicity document (转为新闻稿)")
    @action(detail=False, methods=["post"], url_path="from_document", filterset_class=None, pagination_class=None)
    def from_document(self, request):
        if not may_write_news(request.user):
            raise PermissionDenied
        body = FromDocumentBody(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        document = body.validated_data["document"]
        article = Article.draft_from_document(document, request.user, organization=writable_organizations(request.user).first())
        return Response(self.get_serializer(self.get_scoped_queryset().get(pk=article.pk)).data, status=status.HTTP_201_CREATED)


def _transition_action(name):
    """The POST action of transition ``name``, its body the comment (and the time, or the corrected text)."""
    body = BODIES.get(name, CommentBody)

    def handler(self, request, uuid=None):
        return self._act(name, body)

    handler.__name__ = name
    return extend_schema(request=body, responses=ArticleSerializer, summary=SUMMARIES[name])(action(detail=True, methods=["post"])(handler))


for _name in USER_TRANSITIONS:
    setattr(ArticleViewSet, _name, _transition_action(_name))
