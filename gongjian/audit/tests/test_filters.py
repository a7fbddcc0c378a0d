"""Finding records by source address and by object id, on the page and in the API alike."""

import pytest
from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.audit.recording import record

LIST = reverse("audit:record_list")
API = "/api/v1/audit/records/"


@pytest.fixture
def entries(rf, world):
    from gongjian.lib.middleware import current_request

    made = []
    for ip, obj in (("10.0.0.1", world.own_org), ("10.0.0.2", world.foreign_org)):
        request = rf.get("/", REMOTE_ADDR=ip)
        request.user = world.alliance_admin
        token = current_request.set(request)
        try:
            made.append(record(Action.VIEW_PERSONAL, obj))
        finally:
            current_request.reset(token)
    return made


def test_it_finds_records_by_source_address(client_for, api_for, admins, entries):
    page = client_for(admins.audit).get(LIST, {"ip": "10.0.0.2"})
    assert [r.pk for r in page.context["object_list"]] == [entries[1].pk]
    api = api_for(admins.audit).get(API, {"ip": "10.0.0.1"}).json()
    assert [row["id"] for row in api["results"]] == [entries[0].pk] and api["results"][0]["ip"] == "10.0.0.1"


def test_it_finds_records_by_object_type_and_id(client_for, api_for, admins, world, entries):
    params = {"object_type": "orgs.organization", "object_id": str(world.foreign_org.pk)}
    expected = set(Record.objects.filter(**params).values_list("pk", flat=True))
    assert entries[1].pk in expected and entries[0].pk not in expected
    page = client_for(admins.audit).get(LIST, params)
    assert {r.pk for r in page.context["object_list"]} == expected
    api = api_for(admins.audit).get(API, params).json()
    assert {row["id"] for row in api["results"]} == expected
