"""A duplicate series name answers through the API with the form's message.

DRF's UniqueTogetherValidator ran before the model's full_clean() and answered
"字段 organization, name 必须能构成唯一集合。", naming raw field names the form never shows.
"""

import pytest
from django.urls import reverse

from gongjian.activities.models import Series

pytestmark = pytest.mark.django_db


def test_it_refuses_a_duplicate_name_with_the_same_message_on_the_form_and_the_api(world, api_for, client_for):
    Series.objects.create(name="熔融系列", track="study", organization=world.own_org)
    body = {"name": "熔融系列", "track": "study", "organization": str(world.own_org.uuid)}
    api = api_for(world.org_admin).post("/api/v1/activity-series/", body, format="json")
    page = client_for(world.org_admin).post(reverse("activities:series_add"), body)
    assert api.status_code == 400 and page.status_code == 200
    form_errors = [message for messages in page.context["form"].errors.values() for message in messages]
    api_errors = [message for messages in api.json().values() for message in messages]
    assert api_errors == form_errors and len(form_errors) == 1
    assert Series.objects.count() == 1


def test_it_lets_another_organization_use_the_same_name(world, api_for):
    Series.objects.create(name="熔融系列", track="study", organization=world.own_org)
    body = {"name": "熔融系列", "track": "study", "organization": str(world.foreign_org.uuid)}
    assert api_for(world.outsider).post("/api/v1/activity-series/", body, format="json").status_code == 201
    assert Series.objects.filter(name="熔融系列").count() == 2


def test_it_renames_a_series_without_tripping_over_itself(world, api_for):
    series = Series.objects.create(name="熔融系列", track="study", organization=world.own_org)
    response = api_for(world.org_admin).patch(f"/api/v1/activity-series/{series.uuid}/", {"description": "理论宣讲"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "熔融系列"
