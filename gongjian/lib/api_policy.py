"""API defaults named in settings.REST_FRAMEWORK; kept apart from lib.api to avoid an import cycle."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, permissions, throttling
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .paging import Window

# A boolean query parameter as a query string writes it (?count=true).
BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}
# A page further than this many rows away is past the end of any list (and of the database's integers).
FARTHEST_ROW = 2**53


def query_bool(request, name: str) -> bool:
    """A boolean query parameter: absent is false; anything but true, false, 1 or 0 answers 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return False
    if raw.lower() not in BOOLEAN_VALUES:
        raise ValidationError({name: [_("Give true or false.")]})
    return BOOLEAN_VALUES[raw.lower()]


def _positive_int(raw: str) -> int | None:
    """The value of a page or page-size parameter, or None when it is not a whole number of at least 1."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value >= 1 else None


class Pagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (up to 500), counting only when it is free or asked for.

    ``count`` is the total on the last page (it costs nothing there) or with ``?count=true``,
    and null otherwise: see gongjian.lib.paging for why a list is not counted by default.
    A page number that is not a page answers 404, as in DRF; a page size or ``count`` that is
    not one of their values answers 400 (DRF would ignore them).
    """

    page_size_query_param = "page_size"
    max_page_size = 500
    count_query_param = "count"
    display_page_controls = False

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _positive_int(raw)
        if size is None:
            raise ValidationError({self.page_size_query_param: [_("Give a whole number of at least 1.")]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        wants_count = query_bool(request, self.count_query_param)
        raw = request.query_params.get(self.page_query_param, "1")
        number = _positive_int(raw)
        if number is None:
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=_("That page number is not valid")))
        if (number - 1) * page_size > FARTHEST_ROW:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=_("That page contains no results")))
        self.page = Window(queryset, number, page_size)
        if number > 1 and not self.page.object_list:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=_("That page contains no results")))
        self.count = self.page.total_if_known
        if self.count is None and wants_count:
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
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            # Both are whole numbers from 1; a larger page size is cut to max_page_size.
            parameter["schema"]["minimum"] = 1
        return [
            *parameters,
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


class RateFromSettings:
    """DRF's rate throttles copy DEFAULT_THROTTLE_RATES when they are imported; these read it on
    each request instead, so a changed setting (a test's override_settings) takes effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(RateFromSettings, throttling.AnonRateThrottle):
    """Requests without a session or token, per client address (settings.API_THROTTLE_ANON)."""


class UserRateThrottle(RateFromSettings, throttling.UserRateThrottle):
    """Requests of one signed-in account, per account (settings.API_THROTTLE_USER)."""
