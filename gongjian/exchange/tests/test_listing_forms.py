"""The need and resource forms: categories offered, dates in order, and owners the user administers only."""

import pytest
from django.urls import reverse

from gongjian.exchange.models import Category, Need, Resource

from .conftest import days

pytestmark = pytest.mark.django_db


def test_it_offers_a_retired_category_only_to_the_items_already_in_it(world, client_for, make_need, design):
    retired = Category.objects.create(name="旧类别", is_active=False)
    need = make_need(organization=world.own_org, category=retired)
    client = client_for(world.org_admin)
    create = client.get(reverse("exchange:need_create")).context["form"].fields["category"].queryset
    edit = client.get(reverse("exchange:need_edit", args=[need.uuid])).context["form"].fields["category"].queryset
    assert retired not in create and design in create
    assert retired in edit and design in edit


def test_it_refuses_a_resource_available_until_before_it_is_available(world, client_for, design):
    data = {
        "organization": world.own_org.uuid,
        "title": "暑期实践团",
        "category": design.pk,
        "capacity": 5,
        "available_from": days(30).isoformat(),
        "available_until": days(10).isoformat(),
    }
    response = client_for(world.org_admin).post(reverse("exchange:resource_create"), data)
    assert response.status_code == 200 and "available_until" in response.context["form"].errors
    assert not Resource.objects.exists()


def test_it_refuses_first_claim_lasting_past_the_deadline(world, client_for, design):
    data = {
        "organization": world.own_org.uuid,
        "title": "校园文化设计",
        "category": design.pk,
        "claim_mode": "single",
        "deadline": days(10).isoformat(),
        "priority_until": days(20).isoformat(),
    }
    response = client_for(world.org_admin).post(reverse("exchange:need_create"), data)
    assert response.status_code == 200 and "priority_until" in response.context["form"].errors
    assert not Need.objects.exists()


def test_it_does_not_move_a_need_to_an_organization_the_user_does_not_administer(world, client_for, make_need, design):
    need = make_need("学院的需求", organization=world.own_org)
    data = {"organization": world.foreign_org.uuid, "title": "学院的需求", "category": design.pk, "claim_mode": "single"}
    response = client_for(world.org_admin).post(reverse("exchange:need_edit", args=[need.uuid]), data)
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    need.refresh_from_db()
    assert need.organization == world.own_org
