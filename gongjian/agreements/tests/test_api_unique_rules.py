"""Uniqueness through the API answers as the model and the pages do.

DRF adds a UniqueTogetherValidator for each unique constraint, which ran before the model's
own rules: re-posting a rating (which revises it) was refused, and a duplicate base name came
back as "字段 host, name 必须能构成唯一集合。" instead of the form's message.
"""

from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import PracticeBase, Rating

BASE = "/api/v1/agreements/agreements/"


def test_it_revises_a_rating_when_the_same_party_posts_it_again(world, api_for, at_status):
    agreement = at_status(S.EVALUATED)
    own = agreement.parties.get(organization=world.own_org)
    obligation = agreement.parties.get(organization=world.foreign_org).obligations.get()
    client = api_for(world.org_admin)
    body = {"rater": str(own.uuid), "obligation": str(obligation.uuid), "score": 3, "comment": "尚可"}
    assert client.post(f"{BASE}{agreement.uuid}/ratings/", body, format="json").status_code == 201
    revised = client.post(f"{BASE}{agreement.uuid}/ratings/", {**body, "score": 5, "comment": "很好"}, format="json")
    assert revised.status_code == 201, revised.content
    assert list(Rating.objects.values_list("score", "comment")) == [(5, "很好")]
    assert [row["score"] for row in client.get(f"{BASE}{agreement.uuid}/ratings/").json()] == [5]


def test_it_refuses_a_duplicate_base_name_with_the_forms_message(world, api_for, client_for):
    PracticeBase.objects.create(name="劳动教育基地", host=world.own_org)
    api = api_for(world.org_admin).post(
        "/api/v1/agreements/bases/", {"name": "劳动教育基地", "kind": "labour", "host": str(world.own_org.uuid)}, format="json"
    )
    page = client_for(world.org_admin).post(
        reverse("agreements:base_create"), {"name": "劳动教育基地", "kind": "labour", "host": world.own_org.uuid}
    )
    assert api.status_code == 400 and page.status_code == 200
    form_errors = sorted(message for messages in page.context["form"].errors.values() for message in messages)
    api_errors = sorted(message for messages in api.json().values() for message in messages)
    assert api_errors == form_errors and len(form_errors) == 1
    assert PracticeBase.objects.count() == 1
