from rest_framework import serializers

from ..models import Notification, NotificationPreference


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["uuid", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class PreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationPreference
        fields = ["email_mode", "last_digest_at"]
        read_only_fields = ["last_digest_at"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
