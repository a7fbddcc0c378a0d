from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from gongjian.agreements.models import PracticeBase
from gongjian.lib.api import CleanModelSerializer, django_errors_to_drf
from gongjian.lib.effective import EffectiveSerializer
from gongjian.orgs.models import Organization, Person

from ..choices import RegistrationStatus
from ..models import Activity, ActivityPhoto, Registration, Series
from ..uploads import validate_photo


def uuid_field(queryset, **kwargs):
    return serializers.SlugRelatedField(slug_field="uuid", queryset=queryset, **kwargs)


class SeriesSerializer(CleanModelSerializer):
    organization = uuid_field(Organization.objects.active())
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Series
        fields = ["uuid", "name", "track", "organization", "organization_name", "description", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        # No UniqueTogetherValidator: full_clean() refuses a duplicate name with the form's message.
        validators = []


class ActivitySerializer(CleanModelSerializer):
    series = uuid_field(Series.objects.all(), allow_null=True, required=False)
    host = uuid_field(Organization.objects.active())
    practice_base = uuid_field(PracticeBase.objects.active(), allow_null=True, required=False)
    host_name = serializers.CharField(source="host.name", read_only=True)
    co_hosts = uuid_field(Organization.objects.active(), many=True, required=False)
    speakers = uuid_field(Person.objects.active(), many=True, required=False)
    invited_orgs = uuid_field(Organization.objects.active(), many=True, required=False)
    places_taken = serializers.SerializerMethodField()
    waitlisted = serializers.SerializerMethodField()
    registration_state = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "uuid", "title", "kind", "track", "series", "host", "host_name", "co_hosts", "speakers", "invited_orgs", "invite_alliance",
            "starts_at", "ends_at", "venue", "online_url", "practice_base", "capacity", "waitlist_enabled", "registration_opens_at", "registration_closes_at",
            "description", "minutes", "outcomes", "attendee_count", "attendance", "places_taken", "waitlisted",
            "registration_state", "cancelled_at", "archived_at", "web_url", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["uuid", "cancelled_at", "archived_at", "created_at", "updated_at"]

    def get_places_taken(self, obj) -> int:
        taken = getattr(obj, "taken", None)
        return taken if taken is not None else obj.places_taken()

    def get_waitlisted(self, obj) -> int:
        waiting = getattr(obj, "waiting", None)
        return waiting if waiting is not None else obj.registrations.filter(status=RegistrationStatus.WAITLISTED).count()

    def get_registration_state(self, obj) -> str:
        return obj.registration_state()

    def get_attendance(self, obj) -> int | None:
        # The check-in count needs a query per activity: only on a single activity, not in lists.
        return obj.attendance() if not isinstance(self.parent, serializers.ListSerializer) else obj.attendee_count

    def get_web_url(self, obj) -> str:
        return obj.get_absolute_url()

    def validate(self, attrs):
        instance = self.instance
        host = attrs.get("host", instance.host if instance else None)
        co_hosts = attrs.get("co_hosts", instance.co_hosts.all() if instance else [])
        speakers = attrs.get("speakers", instance.speakers.all() if instance else [])
        try:
            Activity(host=host).clean_relations(co_hosts=co_hosts, speakers=speakers)
        except DjangoValidationError as e:
            raise django_errors_to_drf(e) from e
        return attrs


class RegistrationSerializer(serializers.ModelSerializer):
    activity = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    person = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")

    class Meta:
        model = Registration
        fields = [
            "uuid", "activity", "activity_title", "person", "person_name", "organization", "organization_name",
            "status", "code", "created_at", "status_changed_at", "checked_in_at",
        ]  # fmt: skip
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    """Empty body: register yourself. With ``people`` and ``organization``: an org admin registers members."""

    people = serializers.ListField(child=serializers.UUIDField(), required=False, allow_empty=False)
    organization = serializers.UUIDField(required=False)


class CheckInSerializer(EffectiveSerializer):
    """A registration's short code; ``effective_at`` records after the fact when the person came."""

    code = serializers.CharField(max_length=12)


class SelfCheckInSerializer(EffectiveSerializer):
    """The secret from the activity's QR code proves the person is at the venue (not needed by organizers).

    Only organizers may give ``effective_at``: a check-in recorded after the fact.
    """

    token = serializers.CharField(max_length=64, required=False, allow_blank=True)


class CheckInResultSerializer(serializers.Serializer):
    registration = RegistrationSerializer()
    changed = serializers.BooleanField(help_text="False when the person was already checked in.")


class CancelActivitySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    track = serializers.CharField()
    role = serializers.CharField(help_text="hosted, co_hosted or attended")
    role_label = serializers.CharField()
    activity_kind = serializers.CharField()
    cancelled = serializers.BooleanField()


class PhotoSerializer(serializers.ModelSerializer):
    image = serializers.FileField(write_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ActivityPhoto
        fields = ["uuid", "image", "url", "caption", "content_type", "size", "created_at"]
        read_only_fields = ["uuid", "url", "content_type", "size", "created_at"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def validate_image(self, value):
        try:
            validate_photo(value)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages) from e
        return value
