from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Notification, NotificationPreference
from .serializers import MarkedSerializer, NotificationSerializer, PreferenceSerializer


@extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread notices.")])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own notices, newest first. Nobody can read another user's notices."""

    serializer_class = NotificationSerializer
    lookup_field = "uuid"
    filterset_class = None
    queryset = Notification.objects.all()

    def get_queryset(self):
        queryset = Notification.objects.for_user(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            queryset = queryset.unread()
        return queryset

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, uuid=None):
        notice = self.get_object()
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db()
        return Response(NotificationSerializer(notice).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": Notification.objects.for_user(request.user).mark_read()})

    @extend_schema(methods=["get"], request=None, responses=PreferenceSerializer)
    @extend_schema(methods=["put", "patch"], request=PreferenceSerializer, responses=PreferenceSerializer)
    @action(detail=False, methods=["get", "put", "patch"], pagination_class=None)
    def preference(self, request):
        """How your notices reach you by email: immediate, daily digest or off."""
        instance = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
        if request.method == "GET":
            return Response(PreferenceSerializer(instance).data)
        serializer = PreferenceSerializer(instance, data=request.data, partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)
