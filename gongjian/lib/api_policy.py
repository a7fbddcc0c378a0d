"""API defaults named in settings.REST_FRAMEWORK; kept apart from lib.api to avoid an import cycle."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, permissions


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class IsAuthenticatedAndCleared(permissions.BasePermission):
    """Signed in, and not owing a password change (SECURITY.md item 1)."""

    message = _("Sign in and complete your account set-up first.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and not user.must_change_password and not user.password_expired)
