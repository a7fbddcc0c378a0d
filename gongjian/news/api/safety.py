"""The content-safety API: the three lists (same rules as the pages) and a scan endpoint."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from gongjian.lib.api import CleanModelSerializer, ScopedViewSet
from gongjian.lib.api_policy import IsAuthenticatedAndCleared

from ..models.safety import AllowedDomain, AllowedPhrase, SafetyTerm, may_manage_safety
from ..safety.detect import Scanner
from ..safety.markup import looks_like_html
from ..safety_forms import AllowedDomainFilterSet, AllowedPhraseFilterSet, SafetyTermFilterSet


class ManagesSafety(permissions.BasePermission):
    """The security admin and alliance admins; anyone else signed in gets 403."""

    def has_permission(self, request, view):
        return may_manage_safety(request.user)


class SafetyTermSerializer(CleanModelSerializer):
    class Meta:
        model = SafetyTerm
        fields = ["uuid", "term", "kind", "tier", "category", "is_active", "note", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class AllowedPhraseSerializer(CleanModelSerializer):
    class Meta:
        model = AllowedPhrase
        fields = ["uuid", "phrase", "note", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class AllowedDomainSerializer(CleanModelSerializer):
    class Meta:
        model = AllowedDomain
        fields = ["uuid", "domain", "note", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class SafetyListViewSet(ScopedViewSet):
    permission_classes = [IsAuthenticatedAndCleared, ManagesSafety]

    def check_create(self, serializer):
        """ManagesSafety has let only those who may create in."""


class SafetyTermViewSet(SafetyListViewSet):
    """Terms are deactivated (``is_active: false``), not deleted, so their history stays readable."""

    queryset = SafetyTerm.objects.order_by("category", "term")
    serializer_class = SafetyTermSerializer
    filterset_class = SafetyTermFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class AllowedPhraseViewSet(SafetyListViewSet):
    queryset = AllowedPhrase.objects.order_by("phrase")
    serializer_class = AllowedPhraseSerializer
    filterset_class = AllowedPhraseFilterSet


class AllowedDomainViewSet(SafetyListViewSet):
    queryset = AllowedDomain.objects.order_by("domain")
    serializer_class = AllowedDomainSerializer
    filterset_class = AllowedDomainFilterSet


class ScanRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2_000_000, allow_blank=True, trim_whitespace=False)
    html = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: scan as HTML; false: as plain text; omitted or null: HTML if the text has markup.",
    )


class FindingSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset of the first character in the text as sent (0-based).")
    end = serializers.IntegerField(help_text="Offset just after the last character.")
    excerpt = serializers.CharField()
    reason = serializers.CharField()
    rule = serializers.ChoiceField(choices=["term", "brand", "seo_number", "hidden_css", "external_link", "script_link"])
    tier = serializers.ChoiceField(choices=["block", "review"])


class ScanResultSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["ok", "review", "block"])
    findings = FindingSerializer(many=True)


class ScanView(GenericAPIView):
    """Scan a text with the lists as they are now: the verdict and every finding with its span."""

    permission_classes = [IsAuthenticatedAndCleared, ManagesSafety]
    serializer_class = ScanRequestSerializer

    @extend_schema(request=ScanRequestSerializer, responses={200: ScanResultSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text, html = serializer.validated_data["text"], serializer.validated_data.get("html")
        verdict = Scanner.from_db().scan(text, html=looks_like_html(text) if html is None else html)
        return Response(ScanResultSerializer({"verdict": verdict.verdict, "findings": verdict.findings}).data)
