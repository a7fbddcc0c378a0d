"""GET /api/v1/search/: the same groups as the page, documented in the OpenAPI schema."""

import pytest
from django.core.management import call_command

from gongjian.search.kinds import KIND_KEYS

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def hits(response, kind):
    return [hit["title"] for group in response.json()["groups"] if group["kind"] == kind for hit in group["hits"]]


def test_it_answers_every_kind_in_a_fixed_order(world, api_for):
    response = api_for(world.member).get(URL, {"q": "gfl"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "gfl"
    assert [group["kind"] for group in body["groups"]] == list(KIND_KEYS)
    assert hits(response, "organizations") == ["广富林街道党工委"]
    hit = body["groups"][0]["hits"][0]
    assert hit["uuid"] == str(world.foreign_org.uuid) and hit["url"] == world.foreign_org.get_absolute_url()


def test_it_scopes_people_like_the_people_list(world, api_for):
    assert hits(api_for(world.org_admin).get(URL, {"q": "支部党员"}), "people") == ["支部党员"]
    assert hits(api_for(world.outsider).get(URL, {"q": "支部党员"}), "people") == []


def test_it_caps_each_kind_with_per_kind(world, api_for, gfl_branch):
    body = api_for(world.member).get(URL, {"q": "gfl", "per_kind": 1}).json()
    organizations = body["groups"][0]
    assert len(organizations["hits"]) == 1 and organizations["more"] is True
    assert organizations["more_url"] == "/orgs/?q=gfl"


@pytest.mark.parametrize("per_kind", ["0", "21", "x", "1.5"])
def test_it_refuses_a_per_kind_out_of_range(world, api_for, per_kind):
    response = api_for(world.member).get(URL, {"q": "gfl", "per_kind": per_kind})
    assert response.status_code == 400
    assert "per_kind" in response.json()


def test_it_answers_empty_groups_for_no_text_and_drops_control_characters(world, api_for):
    body = api_for(world.member).get(URL, {"q": " \x00 "}).json()
    assert body == {"query": "", "groups": []}
    assert api_for(world.member).get(URL, {"q": "g\x00fl"}).json()["query"] == "g fl"


def test_it_is_not_cached_and_needs_a_token(world, api_for, client):
    assert api_for(world.member).get(URL, {"q": "支部"})["Cache-Control"] == "no-store"
    assert client.get(URL, {"q": "支部"}).status_code in (401, 403)


def test_it_is_in_the_schema(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate", "--fail-on-warn")
    schema = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "/api/v1/search/:" in schema and "per_kind" in schema and "SearchResult" in schema
