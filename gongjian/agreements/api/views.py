from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.lib.access import scope_for
from gongjian.lib.api import ScopedViewSet
from gongjian.lib.effective import EffectiveSerializer

from .. import evidence as evidence_links
from ..filters import AgreementFilterSet, AllianceFilterSet, HonorFilterSet, PairingFilterSet, PracticeBaseFilterSet
from ..models import Agreement, AgreementParty, Alliance, Honor, HonorRecipient, Pairing, PracticeBase, Rating
from .serializers import (
    AgreementSerializer,
    AllianceSerializer,
    AttachmentSerializer,
    EventSerializer,
    EvidenceSerializer,
    HonorSerializer,
    PairingSerializer,
    PracticeBaseSerializer,
    RatingSerializer,
    RenewSerializer,
    SignSerializer,
    TerminateSerializer,
)


def administers_something(user) -> bool:
    scope = scope_for(user)
    return scope.administers


class ListsActiveViewSet(ScopedViewSet):
    """Lists start from ``.active()``, as the pages' lists do: deleting archives, and an archived row
    leaves the list (its count included) but is still fetched by UUID."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.active() if self.action == "list" else queryset


class OrgFieldsViewSet(ListsActiveViewSet):
    """Create and update need at least one of ``scope_fields`` to be an organization the user administers."""

    scope_fields: tuple[str, ...] = ()

    def _check_orgs(self, serializer):
        scope = scope_for(self.request.user)
        if scope.everything:
            return
        ids = []
        for field in self.scope_fields:
            value = serializer.validated_data.get(field, getattr(serializer.instance, field, None) if serializer.instance else None)
            ids.append(getattr(value, "pk", None))
        if not any(org_id and scope.can_edit(org_id) for org_id in ids):
            raise PermissionDenied

    def check_create(self, serializer):
        self._check_orgs(serializer)

    def check_update(self, serializer):
        self._check_orgs(serializer)


class AgreementViewSet(ListsActiveViewSet):
    """Co-building agreements with their parties; lifecycle steps are POST actions on one agreement."""

    queryset = Agreement.objects.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization").prefetch_related("obligations"))
    ).select_related("previous")
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet

    def create(self, request, *args, **kwargs):
        # Refuse before validating: someone who administers nothing learns nothing from field errors.
        if not administers_something(request.user):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def check_create(self, serializer):
        """validate_parties already insists on one party the user administers."""

    def _editable(self):
        agreement = self.get_object()
        if not Agreement.objects.editable_by(self.request.user).filter(pk=agreement.pk).exists():
            raise PermissionDenied
        return agreement

    def _step(self, name, *args, **kwargs):
        agreement = self._editable()
        getattr(agreement, name)(self.request.user, *args, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=agreement.pk)).data)

    def _dated_step(self, name):
        """A step that may be dated after the fact: the body's effective_at goes to the model, which checks it."""
        body = EffectiveSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        return self._step(name, effective_at=body.validated_data.get("effective_at"))

    @extend_schema(request=SignSerializer, responses=AgreementSerializer, summary="Sign (签约)")
    @action(detail=True, methods=["post"])
    def sign(self, request, uuid=None):
        body = SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step("sign", signed_on=body.validated_data.get("effective_on"))

    @extend_schema(request=EffectiveSerializer, responses=AgreementSerializer, summary="Publish (亮约)")
    @action(detail=True, methods=["post"])
    def publish(self, request, uuid=None):
        return self._dated_step("publish")

    @extend_schema(request=EffectiveSerializer, responses=AgreementSerializer, summary="Start performing (履约)")
    @action(detail=True, methods=["post"])
    def start_performing(self, request, uuid=None):
        return self._dated_step("start_performing")

    @extend_schema(request=EffectiveSerializer, responses=AgreementSerializer, summary="Open evaluation (评约)")
    @action(detail=True, methods=["post"])
    def evaluate(self, request, uuid=None):
        return self._dated_step("evaluate")

    @extend_schema(request=TerminateSerializer, responses=AgreementSerializer, summary="Terminate")
    @action(detail=True, methods=["post"])
    def terminate(self, request, uuid=None):
        data = TerminateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step("terminate", data.validated_data["reason"])

    @extend_schema(request=RenewSerializer, responses={201: AgreementSerializer}, summary="Renew into a new term")
    @action(detail=True, methods=["post"])
    def renew(self, request, uuid=None):
        agreement = self._editable()
        data = RenewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        successor = agreement.renew(request.user, data.validated_data["new_start"], data.validated_data["new_end"])
        return Response(self.get_serializer(self.queryset.get(pk=successor.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=EventSerializer(many=True), summary="Lifecycle history")
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def events(self, request, uuid=None):
        agreement = self.get_object()
        return Response(EventSerializer(agreement.events.select_related("actor"), many=True).data)

    @extend_schema(methods=["get"], responses=RatingSerializer(many=True), summary="Ratings (评约)")
    @extend_schema(methods=["post"], request=RatingSerializer, responses={201: RatingSerializer}, summary="Rate an obligation for a party")
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def ratings(self, request, uuid=None):
        agreement = self.get_object()
        if request.method == "GET":
            rows = Rating.objects.filter(obligation__party__agreement=agreement).select_related("rater__organization", "obligation")
            return Response(RatingSerializer(rows, many=True).data)
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rating = agreement.rate(request.user, data["rater"], data["obligation"], data["score"], data.get("comment", ""))
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=EvidenceSerializer(many=True), summary="Performance evidence (履约)")
    @extend_schema(methods=["post"], request=EvidenceSerializer, responses={201: EvidenceSerializer}, summary="Link an activity or project")
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def evidence(self, request, uuid=None):
        if request.method == "GET":
            agreement = self.get_object()
            rows = evidence_links.resolved(agreement.evidence.select_related("content_type"))
            return Response(EvidenceSerializer(rows, many=True).data)
        agreement = self._editable()
        serializer = EvidenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = evidence_links.link(agreement, request.user, data["kind"], data["target"], data.get("note", ""))
        return Response(EvidenceSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True), summary="Attachments")
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentSerializer},
        responses={201: AttachmentSerializer},
        summary="Upload a PDF, JPEG or PNG",
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def attachments(self, request, uuid=None):
        if request.method == "GET":
            return Response(AttachmentSerializer(self.get_object().attachments.all(), many=True).data)
        agreement = self._editable()
        serializer = AttachmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = agreement.attach(serializer.validated_data["file"], serializer.kind, request.user)
        return Response(AttachmentSerializer(row).data, status=status.HTTP_201_CREATED)


class PairingViewSet(OrgFieldsViewSet):
    queryset = Pairing.objects.select_related("org_a", "org_b", "agreement")
    serializer_class = PairingSerializer
    filterset_class = PairingFilterSet
    scope_fields = ("org_a", "org_b")


class AllianceViewSet(OrgFieldsViewSet):
    queryset = Alliance.objects.select_related("lead").prefetch_related("members")
    serializer_class = AllianceSerializer
    filterset_class = AllianceFilterSet
    scope_fields = ("lead",)


class PracticeBaseViewSet(OrgFieldsViewSet):
    queryset = PracticeBase.objects.select_related("host", "agreement", "alliance", "region").prefetch_related("partners")
    serializer_class = PracticeBaseSerializer
    filterset_class = PracticeBaseFilterSet
    scope_fields = ("host",)


class HonorViewSet(ListsActiveViewSet):
    """Honours and appointments; the serializer checks the issuer or a recipient is the user's."""

    queryset = Honor.objects.select_related("issuer").prefetch_related(
        Prefetch("recipients", queryset=HonorRecipient.objects.select_related("organization", "person"))
    )
    serializer_class = HonorSerializer
    filterset_class = HonorFilterSet

    def check_create(self, serializer):
        if not administers_something(self.request.user):
            raise PermissionDenied
