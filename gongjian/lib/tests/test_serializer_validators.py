"""Every API serializer leaves uniqueness to Model.full_clean(), so the API answers a duplicate as the form does.

DRF's own unique-together check runs first and names raw fields ("字段 person, organization 必须能构成唯一集合。").
"""

import pytest
from rest_framework import serializers

from gongjian.lib.api import CleanModelSerializer


def concrete_serializers():
    import gongjian.urls  # noqa: F401  (the URLconf imports every app's API serializers)

    found, todo = [], [CleanModelSerializer]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if hasattr(cls, "Meta") and getattr(cls.Meta, "model", None) is not None:
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_it_finds_the_serializers_of_every_app():
    apps_with_serializers = {cls.__module__.split(".")[1] for cls in concrete_serializers()}
    assert {"orgs", "activities", "agreements", "exchange", "projects", "news"} <= apps_with_serializers


@pytest.mark.parametrize("serializer_class", concrete_serializers(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_it_has_no_serializer_level_unique_check(serializer_class):
    validators = serializer_class().get_validators()
    assert not [v for v in validators if isinstance(v, serializers.UniqueTogetherValidator)], validators


@pytest.mark.django_db
def test_a_duplicate_membership_gets_the_models_message(world, api_for):
    from gongjian.orgs.models import Membership

    membership = Membership.objects.get(person=world.member.person)
    body = {"person": str(world.member.person.uuid), "organization": str(membership.organization.uuid), "role": "member"}
    response = api_for(world.org_admin).post("/api/v1/orgs/memberships/", body, format="json")
    assert response.status_code == 400
    messages = [m for errors in response.json().values() for m in errors]
    assert messages == ["此人已是该组织的成员。"]  # the form's own words
    assert Membership.objects.filter(person=world.member.person).count() == 1
