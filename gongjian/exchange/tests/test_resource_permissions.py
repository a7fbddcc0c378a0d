"""Who may see and act on a resource: its pages, its one-off actions and its API, role by role."""

import pytest
from django.urls import reverse

from gongjian.exchange.models import Category, Resource
from gongjian.lib.testing_matrix import PermissionMatrix, Probe

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


def _resource(organization, publish=False, title="学生设计团队"):
    category = Category.objects.get_or_create(name="设计规划", defaults={"order": 30})[0]
    resource = Resource.objects.create(organization=organization, title=title, category=category, capacity=20, contact_phone="13800138000")
    if publish:
        resource.publish()
    return resource


def _url(name):
    return lambda r: reverse(f"exchange:{name}", args=[r.uuid])


RESOURCE_MATRIX = PermissionMatrix(
    probes={
        "detail": Probe("get", lambda r: r.get_absolute_url()),
        "close": Probe("post", _url("resource_close")),
        "archive": Probe("post", _url("resource_archive")),
        "request": Probe("post", _url("resource_request")),
        "contact": Probe("get", _url("resource_contact")),
        "api_get": Probe("get", lambda r: f"{API}/resources/{r.uuid}/", api=True),
        "api_close": Probe("post", lambda r: f"{API}/resources/{r.uuid}/close/", api=True, data={}),
        "api_suggest": Probe("get", lambda r: f"{API}/resources/{r.uuid}/suggestions/", api=True),
    },
    targets={
        "own_draft": lambda w: _resource(w.own_org),
        "foreign_draft": lambda w: _resource(w.foreign_org),
        "foreign_published": lambda w: _resource(w.foreign_org, publish=True),
    },
    # A visible resource the user may not change answers 403; one outside their scope 404.
    # Requesting only needs to see the resource (the form then says what is missing).
    # The unmasked phone is for the owner's admins and organizations with a live request.
    table="""
        role            target             detail  close  archive  request  contact  api_get  api_close  api_suggest
        anonymous       own_draft          302     302    302      302      302      401      401        401
        anonymous       foreign_draft      302     302    302      302      302      401      401        401
        anonymous       foreign_published  302     302    302      302      302      401      401        401
        alliance_admin  own_draft          200     302    302      302      200      200      200        200
        alliance_admin  foreign_draft      200     302    302      302      200      200      200        200
        alliance_admin  foreign_published  200     302    302      302      200      200      200        200
        org_admin       own_draft          200     302    302      302      200      200      200        200
        org_admin       foreign_draft      404     404    404      404      404      404      404        404
        org_admin       foreign_published  200     403    403      302      403      200      403        200
        member          own_draft          404     404    404      404      404      404      404        404
        member          foreign_draft      404     404    404      404      404      404      404        404
        member          foreign_published  200     403    403      302      403      200      403        200
        outsider        own_draft          404     404    404      404      404      404      404        404
        outsider        foreign_draft      200     302    302      302      200      200      200        200
        outsider        foreign_published  200     302    302      302      200      200      200        200
    """,
)


def test_it_enforces_the_resource_permission_matrix(world, client_for, api_for):
    RESOURCE_MATRIX.assert_all(world, client_for, api_for)


def test_a_refused_action_leaves_the_resource_as_it_was(world, client_for, api_for):
    resource = _resource(world.foreign_org, publish=True)
    client_for(world.org_admin).post(reverse("exchange:resource_close", args=[resource.uuid]))
    client_for(world.org_admin).post(reverse("exchange:resource_archive", args=[resource.uuid]))
    api_for(world.member).post(f"{API}/resources/{resource.uuid}/close/", {}, format="json")
    api_for(world.org_admin).delete(f"{API}/resources/{resource.uuid}/")
    resource.refresh_from_db()
    assert (resource.status, resource.archived_at) == ("published", None)
    assert list(resource.events.values_list("to_status", flat=True)) == ["published"]


def test_the_requesting_organization_sees_the_phone_while_its_request_is_live(world, client_for):
    resource = _resource(world.foreign_org, publish=True)
    url = reverse("exchange:resource_contact", args=[resource.uuid])
    client = client_for(world.org_admin)
    assert client.get(url).status_code == 403
    claim = resource.request(world.own_org, by=world.org_admin, quantity=2)
    response = client.get(url)
    assert response.status_code == 200 and "13800138000" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    claim.reject(world.outsider, "名额已满")
    assert client.get(url).status_code == 403
