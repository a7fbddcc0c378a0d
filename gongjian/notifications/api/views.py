from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.lib.api_policy import query_bool

from ..models import Notification, NotificationPreference
from .serializers import MarkedSerializer, NotificationSerializer, PreferenceSerializer


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread notices.")]))
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own notices, newest first. Nobody can read another user's notices."""

    serializer_class = NotificationSerializer
    lookup_field = "uuid"
    filterset_class = None
    queryset = Notification.objects.all()

    def get_queryset(self):
        queryset = Notification.objects.for_user(self.request.user)
        if self.action == "list" and query_bool(self.request, "unread"):
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


class PreferenceView(generics.RetrieveUpdateAPIView):
    """How your notices reach you by email: immediate, daily digest or off.

    A view of its own rather than an action of the notices' viewset: the object is the user's
    one preference, found without a key, which is what DRF's OPTIONS answer asks get_object() for.
    """

    serializer_class = PreferenceSerializer

    def get_object(self):
        user = self.request.user
        return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
