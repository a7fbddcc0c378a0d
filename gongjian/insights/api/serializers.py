from rest_framework import serializers


class FigureDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    by_track = serializers.BooleanField()


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="2023, 2023-H1, 2023-Q2, 2023-05 or 2023-01-01..2023-03-31")
    kind = serializers.ChoiceField(choices=["year", "half", "quarter", "month", "custom"])
    label = serializers.CharField()
    first = serializers.DateField()
    last = serializers.DateField()


class ScopeSerializer(serializers.Serializer):
    organization = serializers.UUIDField(allow_null=True, help_text="Null for the whole alliance.")
    label = serializers.CharField()


class ByTrackFieldsSerializer(serializers.Serializer):
    """The figures given both in all and per track."""

    activities = serializers.IntegerField()
    participants = serializers.IntegerField()
    registrations = serializers.IntegerField()
    checkin_rate = serializers.FloatField(allow_null=True)
    agreements_signed = serializers.IntegerField()
    projects_active = serializers.IntegerField()


class TotalsSerializer(ByTrackFieldsSerializer):
    agreements_published = serializers.IntegerField()
    agreements_performing = serializers.IntegerField()
    agreements_evaluated = serializers.IntegerField()
    agreements_in_force = serializers.IntegerField()
    needs_published = serializers.IntegerField()
    needs_claimed = serializers.IntegerField()
    needs_fulfilled = serializers.IntegerField()
    median_days_to_claim = serializers.FloatField(allow_null=True)
    resources_published = serializers.IntegerField()
    resources_requested = serializers.IntegerField()
    claims_accepted = serializers.IntegerField()
    projects_progress = serializers.FloatField(allow_null=True)
    tasks_accepted = serializers.IntegerField()
    honours = serializers.IntegerField()
    bases = serializers.IntegerField()
    pairings = serializers.IntegerField()
    alliances = serializers.IntegerField()
    rating_avg = serializers.FloatField(allow_null=True)
    rating_count = serializers.IntegerField()
    satisfaction_avg = serializers.FloatField(allow_null=True)
    satisfaction_count = serializers.IntegerField()


class TrackFiguresSerializer(ByTrackFieldsSerializer):
    track = serializers.CharField()
    label = serializers.CharField()


class SectorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class MatrixRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cells = serializers.ListField(child=serializers.IntegerField(), help_text="In the order of `sectors`.")


class MatrixSerializer(serializers.Serializer):
    sectors = SectorSerializer(many=True)
    rows = MatrixRowSerializer(many=True)
    by_kind = serializers.DictField(child=serializers.IntegerField(), help_text="Links counted, by kind: activity, agreement, claim, project.")


class TrendSeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(child=serializers.IntegerField())


class TrendsSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.CharField())
    series = TrendSeriesSerializer(many=True)


class NodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    sector = serializers.CharField()
    degree = serializers.IntegerField()
    in_scope = serializers.BooleanField()


class EdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    weight = serializers.IntegerField()
    kinds = serializers.DictField(child=serializers.IntegerField())


class NetworkSerializer(serializers.Serializer):
    nodes = NodeSerializer(many=True)
    edges = EdgeSerializer(many=True)
    organizations = serializers.IntegerField()
    involved = serializers.IntegerField()
    isolated = serializers.IntegerField()
    isolated_sample = serializers.ListField(child=serializers.CharField())
    truncated = serializers.BooleanField()


class DashboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    scope = ScopeSerializer()
    totals = TotalsSerializer()
    previous_totals = TotalsSerializer()
    tracks = TrackFiguresSerializer(many=True)
    matrix = MatrixSerializer()
    trends = TrendsSerializer()
    network = NetworkSerializer()
