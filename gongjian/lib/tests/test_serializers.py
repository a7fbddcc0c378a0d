"""A serializer that changes its fields for one request leaves the next request's fields alone."""

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from gongjian.orgs.api.serializers import OrganizationSerializer

pytestmark = pytest.mark.django_db


def context_for(user):
    request = Request(RequestFactory().get("/"))
    request.user = user
    return {"request": request}


@pytest.mark.parametrize("order", ["org admin first", "alliance admin first"])
def test_it_keeps_one_requests_field_change_from_the_next(world, order):
    """OrganizationSerializer makes status read-only for anyone but the alliance, per request."""
    users = [world.org_admin, world.alliance_admin]
    if order == "alliance admin first":
        users.reverse()
    read_only = {user.pk: OrganizationSerializer(context=context_for(user)).fields["status"].read_only for user in users}
    assert read_only == {world.org_admin.pk: True, world.alliance_admin.pk: False}
