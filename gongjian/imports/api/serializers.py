from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from ..forms import check_xlsx
from ..models import ImportJob
from ..sheets import importer_class


class ImportJobSerializer(serializers.ModelSerializer):
    """A job: what was uploaded, where it stands, and every bad row's errors."""

    file = serializers.FileField(write_only=True)
    dry_run = serializers.BooleanField(
        write_only=True, default=False, help_text="Only check the file; apply it later with POST .../apply/."
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "uuid",
            "kind",
            "file",
            "dry_run",
            "original_name",
            "status",
            "status_display",
            "total",
            "processed",
            "created_count",
            "updated_count",
            "unchanged_count",
            "error_count",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f not in ("kind", "file", "dry_run")]

    def validate_kind(self, value):
        cls = importer_class(value)
        if cls is None or not cls.allowed(self.context["request"].user):
            raise serializers.ValidationError(_("Unknown kind of import."))
        return value

    def validate_file(self, value):
        try:
            return check_xlsx(value)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages)
