from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..kinds import KIND_KEYS


class HitSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    hint = serializers.CharField(help_text=_("What tells this hit apart: its parent organization, owner, host or status."))
    url = serializers.CharField(help_text=_("The page of the hit in the web interface."))


class GroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(source="kind.key", choices=KIND_KEYS)
    label = serializers.CharField(source="kind.label")
    hits = HitSerializer(many=True)
    more = serializers.BooleanField(help_text=_("Whether the kind's list holds further matches."))
    more_url = serializers.CharField(help_text=_("That list, searched for the same text; empty without more matches."))


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(help_text=_("The text searched for, trimmed."))
    groups = GroupSerializer(many=True, help_text=_("One group per kind, in a fixed order, including empty ones."))
