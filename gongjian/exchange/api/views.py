"""The exchange API: the same QuerySets, FilterSets and model verbs as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.api import ScopedViewSet, django_errors_to_drf
from gongjian.lib.effective import EffectiveSerializer
from gongjian.projects.models import Project

from .. import releases
from ..filters import ClaimFilterSet, NeedFilterSet, ReleaseFilterSet, ResourceFilterSet
from ..models import Category, Claim, ListRelease, Need, Resource, SuggestionFeedback, SynonymGroup
from ..suggestions import suggestions
from .serializers import (
    AcceptedClaimSerializer,
    AcceptSerializer,
    CategorySerializer,
    ClaimCreateSerializer,
    ClaimSerializer,
    FeedbackBodySerializer,
    FulfilSerializer,
    ListingClaimSerializer,
    ListReleaseCreateSerializer,
    ListReleaseSerializer,
    NeedSerializer,
    NoteSerializer,
    RejectSerializer,
    ResourceSerializer,
    SuggestionFeedbackSerializer,
    SuggestionSerializer,
    SynonymGroupSerializer,
)


def _run(verb, *args, **kwargs):
    """Call a model verb; its ValidationError becomes a 400 with the message."""
    try:
        return verb(*args, **kwargs)
    except DjangoValidationError as e:
        raise django_errors_to_drf(e) from e


class CategoryViewSet(ScopedViewSet):
    """The taxonomy; every signed-in member reads it, alliance admins change it."""

    queryset = Category.objects.prefetch_related("related")
    serializer_class = CategorySerializer
    filterset_fields = ["is_active"]


class SuggestionFeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Verdicts on suggestions: one's own, or every one for alliance admins (manage.py export_match_feedback makes an evaluation set of them)."""

    queryset = SuggestionFeedback.objects.select_related("need", "resource")
    serializer_class = SuggestionFeedbackSerializer
    lookup_field = "uuid"
    filterset_fields = ["verdict", "shown_on"]

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)


class SynonymGroupViewSet(ScopedViewSet):
    """The thesaurus groups alliance admins added; every signed-in member reads them, alliance admins change them."""

    queryset = SynonymGroup.objects.all()
    serializer_class = SynonymGroupSerializer
    filterset_fields = ["is_active"]


class ListingViewSet(ScopedViewSet):
    """Published items are visible to every member; owners' admins create and change them."""

    def check_create(self, serializer):
        if not scope_for(self.request.user).can_edit(serializer.validated_data["organization"].pk):
            raise PermissionDenied

    def check_update(self, serializer):
        organization = serializer.validated_data.get("organization")
        if organization is not None and not scope_for(self.request.user).can_edit(organization.pk):
            raise PermissionDenied

    def perform_create(self, serializer):
        self.check_create(serializer)
        serializer.save(created_by=self.request.user)

    def _editable(self):
        obj = self.get_object()
        if not self.queryset.editable_by(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def _verb(self, name, **kwargs):
        obj = self._editable()
        _run(getattr(obj, name), by=self.request.user, **kwargs)
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=EffectiveSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, uuid=None):
        body = EffectiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._verb("publish", effective_at=body.validated_data.get("effective_at"))

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, uuid=None):
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._verb("close", note=body.validated_data["note"])

    @extend_schema(responses=SuggestionSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def suggestions(self, request, uuid=None):
        obj = self.get_object()
        return Response(SuggestionSerializer(suggestions(obj, request.user), many=True).data)

    @extend_schema(request=FeedbackBodySerializer, responses={200: SuggestionFeedbackSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def feedback(self, request, uuid=None):
        """Mark one of this item's suggestions useful or not; marking it again replaces the verdict."""
        shown = self.get_object()
        body = FeedbackBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        other = Resource if isinstance(shown, Need) else Need
        target = get_object_for(request.user, other, "view", uuid=body.validated_data["target"])
        data = body.validated_data
        feedback = SuggestionFeedback.mark(request.user, shown, target, data["verdict"], data["score"])
        return Response(SuggestionFeedbackSerializer(feedback).data)

    def _claim(self, request):
        obj = self.get_object()
        body = ListingClaimSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return Response(ClaimSerializer(_claim_on(obj, request.user, data)).data, status=status.HTTP_201_CREATED)


def _claim_on(target, user, data):
    """Claim a need or request a resource with a claim body's fields."""
    return _run(
        target.make_claim,
        data["organization"],
        by=user,
        partners=data.get("partners", []),
        quantity=data.get("quantity"),
        message=data["message"],
        effective_at=data.get("effective_at"),
        from_suggestion=data.get("from_suggestion", False),
    )


class NeedViewSet(ListingViewSet):
    queryset = Need.objects.active().select_related("organization", "category", "region")
    serializer_class = NeedSerializer
    filterset_class = NeedFilterSet

    @extend_schema(request=FulfilSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, uuid=None):
        body = FulfilSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._verb("fulfil", note=body.validated_data["note"], satisfaction=body.validated_data["satisfaction"])

    @extend_schema(request=ListingClaimSerializer, responses={201: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request, uuid=None):
        return self._claim(request)


class ResourceViewSet(ListingViewSet):
    queryset = Resource.objects.active().select_related("organization", "category", "region")
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilterSet

    @extend_schema(request=ListingClaimSerializer, responses={201: ClaimSerializer})
    @action(detail=True, methods=["post"], url_path="request", url_name="request")
    def make_request(self, request, uuid=None):
        # Named apart from the view's own ``request`` attribute.
        return self._claim(request)


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Claims both sides see; created through needs/{uuid}/claim/, resources/{uuid}/request/ or here."""

    queryset = Claim.objects.select_related("need", "resource", "claimant").prefetch_related("partners")
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilterSet
    lookup_field = "uuid"

    def get_queryset(self):
        qs = self.queryset.all()
        box = self.request.query_params.get("box")
        if box == "mine":
            return qs.made_by(self.request.user)
        if box == "received":
            return qs.decidable_by(self.request.user)
        return qs.visible_to(self.request.user)

    @extend_schema(request=ClaimCreateSerializer, responses={201: ClaimSerializer})
    def create(self, request):
        body = ClaimCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("need"):
            target = get_object_for(request.user, Need, "view", uuid=data["need"])
        else:
            target = get_object_for(request.user, Resource, "view", uuid=data["resource"])
        return Response(ClaimSerializer(_claim_on(target, request.user, data)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AcceptSerializer, responses=AcceptedClaimSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, uuid=None):
        claim = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        join = None
        if body.validated_data.get("join"):
            join = get_object_for(request.user, Project, "change", uuid=body.validated_data["join"])
        self._decider(claim)
        project = _run(claim.accept, request.user, join=join, effective_at=body.validated_data.get("effective_at"))
        return Response(AcceptedClaimSerializer(claim, context={"project": project}).data)

    @extend_schema(request=RejectSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, uuid=None):
        claim = self.get_object()
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        self._decider(claim)
        _run(claim.reject, request.user, body.validated_data["reason"])
        return Response(ClaimSerializer(claim).data)

    @extend_schema(request=None, responses=ClaimSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, uuid=None):
        claim = self.get_object()
        if not scope_for(request.user).can_edit(claim.claimant_id):
            raise PermissionDenied
        _run(claim.withdraw, request.user)
        return Response(ClaimSerializer(claim).data)

    def _decider(self, claim):
        # Visible (e.g. to the claimant) but not theirs to decide: 403, not a 400.
        if not scope_for(self.request.user).can_edit(claim.owner_id):
            raise PermissionDenied


class ListReleaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published lists; alliance admins publish new releases."""

    queryset = ListRelease.objects.select_related("published_by__person")
    serializer_class = ListReleaseSerializer
    filterset_class = ReleaseFilterSet
    lookup_field = "uuid"

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)

    @extend_schema(request=ListReleaseCreateSerializer, responses={201: ListReleaseSerializer})
    def create(self, request):
        if not scope_for(request.user).everything:
            raise PermissionDenied
        body = ListReleaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        release = _run(
            releases.publish, data["year"], data["kind"], by=request.user, featured=data["featured"], title=data["title"], note=data["note"]
        )
        return Response(ListReleaseSerializer(release).data, status=status.HTTP_201_CREATED)
