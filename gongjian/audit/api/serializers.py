from rest_framework import serializers

from ..models import Record


class RecordSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    object_type_display = serializers.CharField(source="object_type_label", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "created_at",
            "actor_name",
            "ip",
            "action",
            "action_display",
            "object_type",
            "object_type_display",
            "object_id",
            "object_repr",
            "changes",
            "outcome",
            "outcome_display",
            "prev_mac",
            "mac",
        ]
        read_only_fields = fields
