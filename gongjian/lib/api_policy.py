"""API defaults named in settings.REST_FRAMEWORK; kept apart from lib.api to avoid an import cycle."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, permissions
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .paging import Window


class Pagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (up to 500), counting only when it is free or asked for.

    ``count`` is the total on the last page (it costs nothing there) or with ``?count=true``,
    and null otherwise: see gongjian.lib.paging for why a list is not counted by default.
    """

    page_size_query_param = "page_size"
    max_page_size = 500
    count_query_param = "count"
    display_page_controls = False

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        number = int(raw) if raw.isdigit() else 0
        if number < 1:
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=_("That page number is not valid")))
        self.page = Window(queryset, number, page_size)
        if number > 1 and not self.page.object_list:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=_("That page contains no results")))
        self.count = self.page.total_if_known
        if self.count is None and request.query_params.get(self.count_query_param) in ("true", "1"):
            # Columns only the rows show (joins, subqueries) are left out of the count.
            # (A list's own action only: another action, such as an activity's registrations,
            # paginates a queryset of its own.)
            is_list = getattr(view, "action", None) == "list" and hasattr(view, "counted_queryset")
            counted = view.counted_queryset() if is_list else queryset
            self.count = counted.order_by().count()
        return self.page.object_list

    def get_paginated_response(self, data):
        return Response({"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"].update(
            nullable=True,
            description=str(_("The total: given on the last page, or on any page with ?count=true; null otherwise.")),
        )
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": str(_("true: include the total number of results on every page.")),
                "schema": {"type": "boolean"},
            },
        ]


class IsAuthenticatedAndCleared(permissions.BasePermission):
    """Signed in, and not owing a password change (SECURITY.md item 1)."""

    message = _("Sign in and complete your account set-up first.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and not user.must_change_password and not user.password_expired)
