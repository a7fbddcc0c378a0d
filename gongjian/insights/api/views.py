"""The dashboard's figures over the API: the same computation as the page, as JSON."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjian.activities.choices import Track

from ..figures import FIGURES, TRACKS, Figures
from ..periods import Period
from ..scope import scope_from_request
from ..summary import current_summary
from .serializers import DashboardSerializer, FigureDefinitionSerializer

PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, description="2023, 2023-H1, 2023-Q2, 2023-05 or 2023-01-01..2023-03-31; default: this half-year."),
    OpenApiParameter("org", OpenApiTypes.UUID, description="An organization whose subtree is the scope; default: the whole alliance (alliance admins) or the first organization you administer."),
]


def _period_json(period: Period) -> dict:
    return {"key": period.key, "kind": period.kind, "label": period.label, "first": period.first, "last": period.last}


class FigureDefinitionsView(APIView):
    """Every figure the dashboard shows, with its written definition."""

    @extend_schema(responses=FigureDefinitionSerializer(many=True))
    def get(self, request):
        data = [{"key": d.key, "label": str(d.label), "definition": str(d.definition), "unit": str(d.unit), "by_track": d.by_track} for d in FIGURES.values()]
        return Response(FigureDefinitionSerializer(data, many=True).data)


class DashboardView(APIView):
    """The dashboard of one scope and period, with the previous period's totals for comparison."""

    @extend_schema(parameters=PARAMETERS, responses=DashboardSerializer)
    def get(self, request):
        org = request.query_params.get("org")
        if org == "":
            # Names no organization, like any other string that is not one (the page's form
            # sends an empty value for its default scope; an API client leaves ?org= out).
            raise Http404
        scope = scope_from_request(request.user, org)
        try:
            period = Period.parse(request.query_params.get("period"))
        except ValidationError as e:
            raise APIValidationError({"period": e.messages}) from e
        summary = current_summary()
        figures, previous = Figures(scope, period, summary), Figures(scope, period.previous(), summary)
        per_track = figures.activity_figures()
        agreements, projects = figures.agreements_by_track(), figures.projects_by_track()
        labels = dict(Track.choices)
        data = {
            "period": _period_json(period),
            "previous_period": _period_json(period.previous()),
            "scope": {"organization": scope.root.uuid if scope.root else None, "label": scope.label},
            "totals": figures.totals(),
            "previous_totals": previous.totals(),
            "tracks": [
                {"track": t, "label": labels[t], **per_track[t], "agreements_signed": agreements[t], "projects_active": projects[t]} for t in TRACKS
            ],
            "matrix": figures.matrix(),
            "trends": figures.trends(),
            "network": figures.network(),
        }
        return Response(DashboardSerializer(data).data)
