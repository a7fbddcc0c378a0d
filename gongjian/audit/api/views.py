from rest_framework import permissions, viewsets

from gongjian.lib.api_policy import IsAuthenticatedAndCleared

from ..filters import RecordFilterSet
from ..models import Record
from .serializers import RecordSerializer


class ReadsAudit(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.may_read_audit)


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, read-only, for audit administrators. Filters as on the audit page."""

    queryset = Record.objects.order_by("-pk")
    serializer_class = RecordSerializer
    filterset_class = RecordFilterSet
    permission_classes = [IsAuthenticatedAndCleared, ReadsAudit]
