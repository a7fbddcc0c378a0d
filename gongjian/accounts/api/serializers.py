from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from gongjian.lib.api import CleanModelSerializer
from gongjian.orgs.models import Person

from ..models import User


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)
    email = serializers.EmailField(read_only=True, allow_blank=True)
    person = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)  # the administrators have none

    class Meta:
        model = User
        fields = [
            "uuid",
            "username",
            "name",
            "email",
            "person",
            "is_active",
            "is_alliance_admin",
            "admin_role",
            "is_superuser",
            "must_change_password",
            "last_login",
            "date_joined",
        ]
        read_only_fields = fields


class UserWriteSerializer(CleanModelSerializer):
    """Create (with an initial password the user must change) or edit an account's details."""

    person = serializers.SlugRelatedField(slug_field="uuid", queryset=Person.objects.all(), required=False, allow_null=True)
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ["uuid", "username", "first_name", "last_name", "email", "person", "password"]
        read_only_fields = ["uuid"]

    def validate(self, attrs):
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [serializers.Field.default_error_messages["required"]]})
        if self.instance is not None and "password" in attrs:
            raise serializers.ValidationError({"password": [_("Use the reset-password action.")]})
        return attrs

    def create(self, validated_data):
        password = validated_data.pop("password")
        user = User(**validated_data, must_change_password=True)
        validate_password(password, user)
        user.set_password(password)
        self._clean(user)
        with transaction.atomic():
            user.save()
        return user


class RoleSerializer(CleanModelSerializer):
    """Model.clean() turns a 三员分立 conflict into a 400 with the form's message."""

    class Meta:
        model = User
        fields = ["is_alliance_admin", "admin_role"]


class ActiveSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()


class PasswordResetSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


def validate_password(password, user):
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as e:
        raise serializers.ValidationError({"password": list(e.messages)}) from e
