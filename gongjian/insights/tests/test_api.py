"""The dashboard over the API: the same figures as the page, the same rights, and the schema it promises."""

import json
import uuid

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from gongjian.insights.figures import FIGURES, TRACKS, Figures
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope

from .conftest import H1, at, grow, organization

FIGURES_URL = "/api/v1/insights/figures/"
DASHBOARD_URL = "/api/v1/insights/dashboard/"


def dashboard(client, **params):
    return client.get(DASHBOARD_URL, {"period": "2023-H1", **params})


def assert_same_figures(body, figures):
    """The JSON carries exactly what Figures computes for the scope and period."""
    assert body["totals"] == figures.totals()
    assert body["previous_totals"] == Figures(figures.scope, figures.period.previous()).totals()
    per_track = figures.activity_figures()
    agreements, projects = figures.agreements_by_track(), figures.projects_by_track()
    assert [{k: v for k, v in row.items() if k != "label"} for row in body["tracks"]] == [
        {"track": t, **per_track[t], "agreements_signed": agreements[t], "projects_active": projects[t]} for t in TRACKS
    ]
    matrix = figures.matrix()
    assert [(r["key"], r["cells"]) for r in body["matrix"]["rows"]] == [(r["key"], r["cells"]) for r in matrix["rows"]]
    assert body["matrix"]["by_kind"] == matrix["by_kind"]
    trends = figures.trends()
    assert body["trends"]["months"] == trends["months"]
    assert [(s["key"], s["values"]) for s in body["trends"]["series"]] == [(s["key"], s["values"]) for s in trends["series"]]
    network = figures.network()
    assert sorted(body["network"]["nodes"], key=lambda n: n["id"]) == sorted(network["nodes"], key=lambda n: n["id"])
    assert sorted(body["network"]["edges"], key=lambda e: (e["source"], e["target"])) == sorted(
        network["edges"], key=lambda e: (e["source"], e["target"])
    )
    for key in ("organizations", "involved", "isolated", "isolated_sample", "truncated"):
        assert body["network"][key] == network[key], key


# --- Figures and their definitions ------------------------------------------------------------
def test_it_lists_every_figure_with_its_definition(h1, api_for):
    response = api_for(h1.world.org_admin).get(FIGURES_URL)
    assert response.status_code == 200
    body = response.json()
    assert [item["key"] for item in body] == list(FIGURES)
    activities = body[0]
    assert activities == {
        "key": "activities",
        "label": str(FIGURES["activities"].label),
        "definition": str(FIGURES["activities"].definition),
        "unit": str(FIGURES["activities"].unit),
        "by_track": True,
    }
    assert {item["key"] for item in body if item["by_track"]} == {k for k, d in FIGURES.items() if d.by_track}


def test_it_refuses_the_definitions_to_anonymous_callers(db):
    assert APIClient().get(FIGURES_URL).status_code in (401, 403)


# --- The dashboard for each role ----------------------------------------------------------------
def test_it_gives_an_alliance_admin_the_whole_alliance(h1, api_for):
    response = dashboard(api_for(h1.world.alliance_admin))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"key": "2023-H1", "kind": "half", "label": H1.label, "first": "2023-01-01", "last": "2023-06-30"}
    assert body["previous_period"]["key"] == "2022-H2" and body["previous_period"]["first"] == "2022-07-01"
    assert body["scope"] == {"organization": None, "label": str(InsightScope().label)}
    assert_same_figures(body, Figures(InsightScope(), H1))
    # A few hand-counted values (see test_figures): the API is no second computation.
    assert (body["totals"]["activities"], body["totals"]["participants"], body["totals"]["claims_accepted"]) == (4, 34, 5)
    assert (body["totals"]["checkin_rate"], body["totals"]["projects_progress"], body["totals"]["median_days_to_claim"]) == (
        60.0,
        57.5,
        8.0,
    )


def test_it_gives_an_alliance_admin_any_organization(h1, api_for):
    body = dashboard(api_for(h1.world.alliance_admin), org=str(h1.B1.uuid)).json()
    assert body["scope"] == {"organization": str(h1.B1.uuid), "label": h1.B1.name}
    assert_same_figures(body, Figures(InsightScope(h1.B1), H1))


def test_it_gives_an_org_admin_their_own_organization(h1, api_for):
    body = dashboard(api_for(h1.world.org_admin)).json()
    assert body["scope"]["organization"] == str(h1.A1.uuid)
    assert_same_figures(body, Figures(InsightScope(h1.A1), H1))
    assert body["totals"]["activities"] == 3 and body["network"]["isolated_sample"] == [h1.A4.name]
    names = {n["name"] for n in body["network"]["nodes"]}
    assert h1.B3.name not in names


def test_it_lets_an_org_admin_look_below_their_organization(h1, api_for):
    response = dashboard(api_for(h1.world.org_admin), org=str(h1.A2.uuid))
    assert response.status_code == 200
    assert_same_figures(response.json(), Figures(InsightScope(h1.A2), H1))


@pytest.mark.parametrize("org", ["foreign", "not-a-uuid", "random", "archived"])
def test_it_answers_404_for_an_organization_outside_the_org_admins_reach(world, api_for, org):
    archived = organization("已撤销党支部", "school", world.own_org, archived_at=at(2022, 1, 1))
    value = {"foreign": world.foreign_org.uuid, "not-a-uuid": "not-a-uuid", "random": uuid.uuid4(), "archived": archived.uuid}[org]
    assert dashboard(api_for(world.org_admin), org=str(value)).status_code == 404


def test_it_gives_the_street_admin_their_street_only(h1, api_for):
    client = api_for(h1.world.outsider)
    body = dashboard(client).json()
    assert body["scope"]["organization"] == str(h1.B1.uuid)
    assert_same_figures(body, Figures(InsightScope(h1.B1), H1))
    assert dashboard(client, org=str(h1.A1.uuid)).status_code == 404


def test_it_refuses_members_and_people_who_administer_nothing(world, api_for, plain_member):
    for user in (world.member, plain_member):
        assert dashboard(api_for(user)).status_code == 403


def test_it_refuses_anonymous_callers(world):
    assert dashboard(APIClient()).status_code in (401, 403)


def test_it_accepts_a_signed_in_session(h1, client_for):
    response = client_for(h1.world.alliance_admin).get(DASHBOARD_URL, {"period": "2023-H1"})
    assert response.status_code == 200
    assert response.json()["totals"] == Figures(InsightScope(), H1).totals()


@pytest.mark.parametrize("text", ["2023-13", "2023-02-30", "garbage", "2023-03-31..2023-01-01", "2019-01-01..2023-01-01"])
def test_it_answers_400_for_a_bad_period(h1, api_for, text):
    response = dashboard(api_for(h1.world.alliance_admin), period=text)
    assert response.status_code == 400
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        Period.parse(text)
    assert response.json() == {"period": refused.value.messages}


@pytest.mark.parametrize("text", ["0001", "9999"])
def test_it_answers_a_period_at_the_ends_of_the_calendar_without_an_error(world, api_for, text):
    response = dashboard(api_for(world.alliance_admin), period=text)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "period" in response.json()


def test_it_defaults_to_the_current_half_year(world, api_for):
    body = api_for(world.alliance_admin).get(DASHBOARD_URL).json()
    assert body["period"]["key"] == Period.current_half().key
    body = api_for(world.alliance_admin).get(DASHBOARD_URL, {"period": "2023-01-01..2023-03-31"}).json()
    assert body["period"]["kind"] == "custom" and body["previous_period"] == {
        "key": "2022-10-03..2022-12-31",
        "kind": "custom",
        "label": "2022-10-03 – 2022-12-31",
        "first": "2022-10-03",
        "last": "2022-12-31",
    }
    assert body["trends"]["months"] == ["2023-01", "2023-02", "2023-03"]


def test_it_answers_in_a_fixed_number_of_queries(world, design, api_for):
    client = api_for(world.alliance_admin)
    grow(world, design, 0, 2)
    dashboard(client)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert dashboard(client).status_code == 200
        return len(captured)

    small = count()
    grow(world, design, 2, 10)
    assert count() == small


# --- The OpenAPI schema --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def openapi():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def nullable_as_json_schema(node):
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema's null type, so jsonschema can check a response."""
    if isinstance(node, list):
        return [nullable_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: nullable_as_json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def validate_against(openapi, path, body):
    operation = openapi["paths"][path]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    document = nullable_as_json_schema({**schema, "components": openapi["components"]})
    jsonschema.validate(body, document)


def test_it_describes_both_endpoints_in_a_valid_schema(openapi):
    validate_schema(openapi)
    assert {FIGURES_URL, DASHBOARD_URL} <= set(openapi["paths"])
    parameters = {p["name"]: p for p in openapi["paths"][DASHBOARD_URL]["get"]["parameters"]}
    assert {"period", "org"} <= set(parameters)
    assert parameters["org"]["schema"] == {"type": "string", "format": "uuid"}
    assert set(openapi["components"]["schemas"]["Dashboard"]["properties"]) == {
        "period", "previous_period", "scope", "totals", "previous_totals", "tracks", "matrix", "trends", "network",
    }  # fmt: skip


def test_it_answers_as_the_schema_says(h1, api_for, openapi):
    client = api_for(h1.world.alliance_admin)
    validate_against(openapi, FIGURES_URL, client.get(FIGURES_URL).json())
    body = dashboard(client).json()
    validate_against(openapi, DASHBOARD_URL, body)
    # Nulls where a rate has nothing to divide, in the previous period of a year without data.
    empty = dashboard(client, period="2019-H1").json()
    assert empty["totals"]["checkin_rate"] is None and empty["previous_totals"]["rating_avg"] is None
    validate_against(openapi, DASHBOARD_URL, empty)
    # The schema's totals name exactly the keys the API sends.
    assert set(openapi["components"]["schemas"]["Totals"]["properties"]) == set(body["totals"])
    with pytest.raises(jsonschema.ValidationError):
        validate_against(openapi, DASHBOARD_URL, {**body, "totals": {**body["totals"], "activities": "four"}})
