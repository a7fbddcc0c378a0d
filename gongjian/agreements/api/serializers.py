from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gongjian.lib.access import scope_for
from gongjian.lib.api import CleanModelSerializer, django_errors_to_drf
from gongjian.orgs.models import Organization, Person, Region

from ..forms import set_recipients
from ..models import (
    Agreement,
    AgreementAttachment,
    AgreementEvent,
    AgreementEvidence,
    AgreementParty,
    Alliance,
    AllianceMember,
    Honor,
    Obligation,
    Pairing,
    PracticeBase,
    Rating,
)
from ..uploads import check_upload


def org_field(**kwargs):
    """Organizations are addressed by UUID; any active organization may be named as a partner."""
    return serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.active(), **kwargs)


class VisibleLinksMixin:
    """Linked agreements and alliances must be ones the user can see (no linking by guessed UUID)."""

    def validate_agreement(self, value):
        if value is not None and not Agreement.objects.visible_to(self.context["request"].user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(_("No such agreement, or you cannot see it."))
        return value

    def validate_alliance(self, value):
        if value is not None and not Alliance.objects.visible_to(self.context["request"].user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(_("No such alliance, or you cannot see it."))
        return value


def full_clean(instance):
    try:
        instance.full_clean()
    except DjangoValidationError as e:
        raise django_errors_to_drf(e) from e


class ObligationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = ["uuid", "description"]
        read_only_fields = ["uuid"]


class PartySerializer(serializers.ModelSerializer):
    organization = org_field()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    obligations = ObligationSerializer(many=True, required=False)

    class Meta:
        model = AgreementParty
        fields = ["uuid", "organization", "organization_name", "role", "obligations"]
        read_only_fields = ["uuid"]


class AgreementSerializer(CleanModelSerializer):
    """An agreement with its parties and obligations; both are written together while it is a draft."""

    parties = PartySerializer(many=True, required=False)
    previous = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)  # null for a first term
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "uuid",
            "title",
            "theme",
            "track",
            "summary",
            "start_date",
            "end_date",
            "status",
            "drafted_on",
            "signed_on",
            "published_at",
            "termination_reason",
            "previous",
            "public_url",
            "parties",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "status", "signed_on", "published_at", "termination_reason", "previous", "created_at", "updated_at"]

    def get_public_url(self, obj) -> str | None:
        return obj.get_public_url() if obj.is_public else None

    def validate_parties(self, parties):
        orgs = [party["organization"].pk for party in parties]
        if len(orgs) != len(set(orgs)):
            raise serializers.ValidationError(_("An organization can be a party only once."))
        scope = scope_for(self.context["request"].user)
        if not scope.everything and not any(scope.can_edit(org) for org in orgs):
            raise serializers.ValidationError(_("One of the parties must be an organization you administer."))
        return parties

    def create(self, validated_data):
        parties = validated_data.pop("parties", [])
        validated_data["created_by"] = self.context["request"].user
        with transaction.atomic():
            agreement = super().create(validated_data)
            self._write_parties(agreement, parties)
        return agreement

    def update(self, instance, validated_data):
        parties = validated_data.pop("parties", None)
        with transaction.atomic():
            agreement = super().update(instance, validated_data)
            if parties is not None:
                agreement.parties.all().delete()
                self._write_parties(agreement, parties)
        return agreement

    def _write_parties(self, agreement, parties):
        for order, data in enumerate(parties):
            party = AgreementParty(agreement=agreement, organization=data["organization"], role=data.get("role", ""), order=order)
            full_clean(party)
            party.save()
            for position, obligation in enumerate(data.get("obligations", [])):
                row = Obligation(party=party, description=obligation["description"], order=position)
                full_clean(row)
                row.save()


class RenewSerializer(serializers.Serializer):
    new_start = serializers.DateField()
    new_end = serializers.DateField()


class TerminateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SignSerializer(serializers.Serializer):
    effective_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day it was signed, for agreements entered after the fact (补录). Default: today. "
        "Never in the future, never before negotiation began (drafted_on).",
    )


class EventSerializer(serializers.ModelSerializer):
    """``created_at`` is when the step took effect; ``recorded_at`` when it was entered."""

    actor = serializers.StringRelatedField()

    class Meta:
        model = AgreementEvent
        fields = ["from_status", "to_status", "actor", "note", "created_at", "recorded_at"]


class RatingSerializer(serializers.ModelSerializer):
    """Write with the rating party's and the obligation's UUIDs; re-posting revises the rating."""

    rater = serializers.SlugRelatedField(slug_field="uuid", queryset=AgreementParty.objects.all())
    obligation = serializers.SlugRelatedField(slug_field="uuid", queryset=Obligation.objects.select_related("party__agreement"))
    rater_name = serializers.CharField(source="rater.organization.name", read_only=True)
    score = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Rating
        fields = ["uuid", "rater", "rater_name", "obligation", "score", "comment", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        # No UniqueTogetherValidator: a second rating of the same obligation by the same party revises the first (Agreement.rate).
        validators = []


class EvidenceSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(write_only=True, help_text='"activities.activity" or "projects.project"')
    target = serializers.UUIDField(write_only=True, help_text="UUID of the activity or project")
    target_type = serializers.SerializerMethodField()
    target_title = serializers.SerializerMethodField()

    class Meta:
        model = AgreementEvidence
        fields = ["uuid", "kind", "target", "target_type", "target_title", "note", "created_at"]
        read_only_fields = ["uuid", "created_at"]

    def get_target_type(self, obj) -> str:
        return obj.content_type.app_label + "." + obj.content_type.model

    def get_target_title(self, obj) -> str:
        target = getattr(obj, "resolved_target", None) or obj.target
        return str(target) if target is not None else ""


class AttachmentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AgreementAttachment
        fields = ["uuid", "file", "original_name", "content_type", "size", "download_url", "created_at"]
        read_only_fields = ["uuid", "original_name", "content_type", "size", "created_at"]

    def get_download_url(self, obj) -> str:
        return obj.get_absolute_url()

    def validate_file(self, upload):
        try:
            self.kind = check_upload(upload)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages) from e
        return upload


class PairingSerializer(VisibleLinksMixin, CleanModelSerializer):
    org_a = org_field()
    org_b = org_field()
    org_a_name = serializers.CharField(source="org_a.name", read_only=True)
    org_b_name = serializers.CharField(source="org_b.name", read_only=True)
    agreement = serializers.SlugRelatedField(slug_field="uuid", queryset=Agreement.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Pairing
        fields = [
            "uuid",
            "org_a",
            "org_a_name",
            "org_b",
            "org_b_name",
            "theme",
            "track",
            "start_date",
            "end_date",
            "status",
            "agreement",
            "description",
            "created_at",
        ]
        read_only_fields = ["uuid", "created_at"]


class AllianceSerializer(CleanModelSerializer):
    lead = org_field()
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    members = org_field(many=True, required=False)

    class Meta:
        model = Alliance
        fields = ["uuid", "name", "kind", "track", "lead", "lead_name", "members", "purpose", "founded_on", "created_at"]
        read_only_fields = ["uuid", "created_at"]

    def _is_m2m(self, name):
        # Members go through AllianceMember rows (audited one by one), not a bulk set().
        return name != "members" and super()._is_m2m(name)

    def create(self, validated_data):
        members = validated_data.pop("members", [])
        with transaction.atomic():
            alliance = super().create(validated_data)
            self._set_members(alliance, members)
        return alliance

    def update(self, instance, validated_data):
        members = validated_data.pop("members", None)
        with transaction.atomic():
            alliance = super().update(instance, validated_data)
            if members is not None:
                self._set_members(alliance, members)
        return alliance

    def _set_members(self, alliance, members):
        wanted = {org.pk for org in members} | {alliance.lead_id}
        for membership in alliance.memberships.exclude(organization_id__in=wanted):
            membership.delete()
        current = set(alliance.memberships.values_list("organization_id", flat=True))
        for org_id in wanted - current:
            AllianceMember.objects.create(alliance=alliance, organization_id=org_id, joined_on=alliance.founded_on)


class PracticeBaseSerializer(VisibleLinksMixin, CleanModelSerializer):
    host = org_field()
    host_name = serializers.CharField(source="host.name", read_only=True)
    partners = org_field(many=True, required=False)
    agreement = serializers.SlugRelatedField(slug_field="uuid", queryset=Agreement.objects.all(), required=False, allow_null=True)
    alliance = serializers.SlugRelatedField(slug_field="uuid", queryset=Alliance.objects.all(), required=False, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="uuid", queryset=Region.objects.all(), required=False, allow_null=True)

    class Meta:
        model = PracticeBase
        fields = [
            "uuid",
            "name",
            "kind",
            "host",
            "host_name",
            "partners",
            "address",
            "region",
            "capacity",
            "agreement",
            "alliance",
            "established_on",
            "description",
            "created_at",
        ]
        read_only_fields = ["uuid", "created_at"]
        # No UniqueTogetherValidator: full_clean() refuses a duplicate name with the form's message.
        validators = []


class HonorSerializer(CleanModelSerializer):
    issuer = org_field(required=False, allow_null=True)
    recipient_organizations = org_field(many=True, required=False, write_only=True)
    recipient_people = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Person.objects.active(), many=True, required=False, write_only=True
    )
    recipients = serializers.SerializerMethodField()
    evidence = serializers.FileField(required=False, allow_null=True, write_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Honor
        fields = [
            "uuid",
            "title",
            "kind",
            "issuer",
            "issuer_name",
            "level",
            "awarded_on",
            "description",
            "evidence",
            "has_evidence",
            "recipients",
            "recipient_organizations",
            "recipient_people",
            "created_at",
        ]
        read_only_fields = ["uuid", "created_at"]

    def get_recipients(self, obj) -> list[dict]:
        return [
            {"type": "organization" if r.organization_id else "person", "uuid": str((r.organization or r.person).uuid), "name": str(r)}
            for r in obj.recipients.all()
        ]

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)

    def validate_evidence(self, upload):
        if upload:
            try:
                check_upload(upload)
            except DjangoValidationError as e:
                raise serializers.ValidationError(e.messages) from e
        return upload

    def validate_recipient_people(self, people):
        visible = set(
            Person.objects.visible_to(self.context["request"].user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
        )
        if any(p.pk not in visible for p in people):
            raise serializers.ValidationError(_("No such person, or you cannot see them."))
        return people

    def validate(self, data):
        orgs = data.get("recipient_organizations")
        people = data.get("recipient_people")
        if self.instance is None and not orgs and not people:
            raise serializers.ValidationError(_("Name at least one recipient."))
        scope = scope_for(self.context["request"].user)
        issuer = data.get("issuer", getattr(self.instance, "issuer", None))
        candidates = ([issuer] if issuer else []) + list(orgs if orgs is not None else [])
        if self.instance is not None and orgs is None:
            candidates += [r.organization for r in self.instance.recipients.all() if r.organization_id]
        if not scope.everything and not any(scope.can_edit(org.pk) for org in candidates):
            raise serializers.ValidationError(_("You can record honours issued by or given to organizations you administer."))
        return data

    def create(self, validated_data):
        orgs = validated_data.pop("recipient_organizations", [])
        people = validated_data.pop("recipient_people", [])
        with transaction.atomic():
            honor = super().create(validated_data)
            set_recipients(honor, orgs, people)
        return honor

    def update(self, instance, validated_data):
        orgs = validated_data.pop("recipient_organizations", None)
        people = validated_data.pop("recipient_people", None)
        with transaction.atomic():
            honor = super().update(instance, validated_data)
            if orgs is not None or people is not None:
                current = list(honor.recipients.select_related("organization", "person"))
                set_recipients(
                    honor,
                    orgs if orgs is not None else [r.organization for r in current if r.organization_id],
                    people if people is not None else [r.person for r in current if r.person_id],
                )
        return honor
