"""CleanModelSerializer builds its fields once per class and reads plain attributes directly;
each serializer still gets fields of its own, and the output is DRF's."""

import datetime
import zoneinfo

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

from gongjian.lib.api import CleanModelSerializer, DateTimeField
from gongjian.orgs.api.serializers import OrganizationSerializer, PersonSerializer
from gongjian.orgs.models import Person

pytestmark = pytest.mark.django_db


def context_for(user):
    request = Request(RequestFactory().get("/"))
    request.user = user
    return {"request": request}


def test_it_gives_each_serializer_fields_of_its_own(world):
    first, second = PersonSerializer(context=context_for(world.alliance_admin)), PersonSerializer(context=context_for(world.member))
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
    # A field with a child binds it to itself: each serializer's list field has its own child.
    assert first.fields["titles"].child is not second.fields["titles"].child
    assert first.fields["titles"].child.parent is first.fields["titles"]
    assert first.fields["titles"].context["request"].user == world.alliance_admin
    assert second.fields["titles"].context["request"].user == world.member


@pytest.mark.parametrize("order", ["org admin first", "alliance admin first"])
def test_it_keeps_one_requests_field_change_from_the_next(world, order):
    """OrganizationSerializer makes status read-only for anyone but the alliance, per request."""
    users = [world.org_admin, world.alliance_admin]
    if order == "alliance admin first":
        users.reverse()
    read_only = {user.pk: OrganizationSerializer(context=context_for(user)).fields["status"].read_only for user in users}
    assert read_only == {world.org_admin.pk: True, world.alliance_admin.pk: False}


@pytest.mark.parametrize("serializer_class", [PersonSerializer, OrganizationSerializer])
def test_it_serializes_as_drf_does(world, serializer_class):
    """Plain attributes, lists, related objects, a missing parent and None values come out as DRF's own loop gives them."""
    person = Person.objects.create(name="张三", titles=["优秀党员"], phone="13800138000")
    instance = person if serializer_class is PersonSerializer else world.own_org  # own_org has no parent
    serializer = serializer_class(context=context_for(world.alliance_admin))
    ours = CleanModelSerializer.to_representation(serializer, instance)
    assert ours == serializers.Serializer.to_representation(serializer, instance)
    assert ours["archived_at"] is None


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 11, 28, 4, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 28, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
        datetime.datetime(2026, 11, 28, 12, 0),  # naive
        None,
        "2026-11-28T12:00:00+08:00",
    ],
)
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_it_writes_timestamps_as_drf_does(value, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        ours, drfs = DateTimeField(), serializers.DateTimeField()
        assert ours.to_representation(value) == drfs.to_representation(value)
        assert ours.to_representation(value) == drfs.to_representation(value)  # again, with the zone remembered


def test_it_uses_the_timestamp_field_for_model_timestamps():
    assert isinstance(PersonSerializer().fields["created_at"], DateTimeField)
