from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..kinds import MAX_PER_KIND, PER_KIND, clean_text, search
from .serializers import SearchResultSerializer


class SearchView(APIView):
    """One text over organizations, activities, agreements, needs, resources, projects and people.

    Each kind answers as its own list endpoint would for ``?q=``: the same visibility (the whole
    alliance directory, published needs and resources, people only in your scope) and the same
    matching (names and pinyin initials for organizations and people, titles for the rest).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Name, part of a name or pinyin initials (up to 60 characters)."),
            OpenApiParameter("per_kind", OpenApiTypes.INT, description=f"Hits per kind, 1 to {MAX_PER_KIND} (default {PER_KIND})."),
        ],
        responses=SearchResultSerializer,
    )
    def get(self, request):
        raw = request.query_params.get("per_kind", str(PER_KIND))
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PER_KIND):
            raise ValidationError({"per_kind": [_("Give a whole number from 1 to %(most)d.") % {"most": MAX_PER_KIND}]})
        text = clean_text(request.query_params.get("q"))
        groups = search(request, text, int(raw))
        response = Response(SearchResultSerializer({"query": text, "groups": groups}).data)
        # The hits may name people in your scope: personal data is not cached (SECURITY.md item 16).
        response["Cache-Control"] = "no-store"
        return response
