from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.api_policy import IsAuthenticatedAndCleared

from .. import tokens
from ..filters import UserFilterSet
from ..models import User
from .serializers import ActiveSerializer, PasswordResetSerializer, RoleSerializer, UserSerializer, UserWriteSerializer, validate_password


class ViewsAccounts(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.may_view_accounts)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Accounts, under the same 三员分立 rules as the user pages.

    The system administrator creates and edits accounts, resets passwords and
    (de)activates them; the security administrator sets roles; the audit
    administrator reads. ``me`` is open to every signed-in user.
    """

    queryset = User.objects.select_related("person").order_by("username")
    lookup_field = "uuid"
    filterset_class = UserFilterSet
    permission_classes = [IsAuthenticatedAndCleared, ViewsAccounts]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return UserWriteSerializer
        if self.action == "roles":
            return RoleSerializer
        if self.action == "reset_password":
            return PasswordResetSerializer
        if self.action == "set_active":
            return ActiveSerializer
        return UserSerializer

    def get_object(self):
        obj = super().get_object()
        user = self.request.user
        if self.action in ("update", "partial_update", "set_active", "reset_password") and not user.may_manage(obj):
            raise PermissionDenied
        if self.action == "roles" and not user.may_change_roles_of(obj):
            raise PermissionDenied
        return obj

    def perform_create(self, serializer):
        if not self.request.user.may_manage_accounts:
            raise PermissionDenied
        serializer.save()

    @action(detail=False, permission_classes=[IsAuthenticatedAndCleared])
    def me(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def roles(self, request, uuid=None):
        target = self.get_object()
        serializer = RoleSerializer(target, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()  # the role-change signal records the diff
        return Response(UserSerializer(target).data)

    @extend_schema(responses=UserSerializer)
    @action(detail=True, methods=["post"], url_path="set-active")
    def set_active(self, request, uuid=None):
        target = self.get_object()
        serializer = ActiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        active = serializer.validated_data["is_active"]
        if target.is_active != active:
            target.is_active = active
            target.save(update_fields=["is_active"])
        return Response(UserSerializer(target).data)

    @extend_schema(responses=UserSerializer)
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, uuid=None):
        target = self.get_object()
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        validate_password(serializer.validated_data["password"], target)
        target.set_password(serializer.validated_data["password"])
        target.must_change_password = True
        target.save()
        record(Action.PASSWORD_CHANGE, target, changes={"reason": "reset_by_admin"})
        # Whoever may have had the account's password may have made a token with it too.
        tokens.revoke(target, "password_reset")
        return Response(UserSerializer(target).data)
