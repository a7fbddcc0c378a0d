"""Whose dashboard a person gets: the organizations they administer today, the default among several, and the workbench's figures."""

import datetime

import pytest
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as R
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope, administered_roots, may_see_insights, scope_from_request
from gongjian.lib.testing import make_user
from gongjian.orgs.models import Membership

from .conftest import activity, at, organization, registrations

DASHBOARD = "/insights/"


def admin_of(user, org, **fields):
    return Membership.objects.create(person=user.person, organization=org, role=Membership.Role.ADMIN, **fields)


# --- The organizations a person administers today ----------------------------------------------------------------


def test_it_offers_only_active_organizations_administered_today(world):
    today = timezone.localdate()
    closed = organization("已撤销党总支", "school", archived_at=at(2022, 1, 1))
    admin_of(world.org_admin, closed)
    admin_of(world.org_admin, world.foreign_org, left_on=today)  # left today: no longer
    Membership.objects.create(person=world.org_admin.person, organization=organization("某企业党支部", "enterprise"))  # a plain member
    assert administered_roots(world.org_admin) == [world.own_org]
    # Still an admin until the day they leave.
    Membership.objects.filter(person=world.org_admin.person, organization=world.foreign_org).update(
        left_on=today + datetime.timedelta(days=1)
    )
    assert {o.pk for o in administered_roots(world.org_admin)} == {world.own_org.pk, world.foreign_org.pk}


def test_it_has_no_roots_for_people_without_a_person_or_a_login(world):
    from django.contrib.auth.models import AnonymousUser

    assert administered_roots(AnonymousUser()) == []
    assert administered_roots(make_user("robot")) == []
    assert administered_roots(world.member) == []


def test_it_opens_the_first_of_several_roots_and_offers_the_others(world, client_for):
    admin_of(world.org_admin, world.foreign_org)
    first, second = sorted([world.own_org, world.foreign_org], key=lambda o: o.path)
    assert scope_from_request(world.org_admin, None) == InsightScope(first)
    response = client_for(world.org_admin).get(DASHBOARD, {"period": "2023-H1"})
    assert response.status_code == 200 and response.context["scope"].root == first
    assert [o.pk for o in response.context["roots"]] == [first.pk, second.pk]
    html = response.content.decode()
    assert f'<option value="{second.uuid}">{second.name}</option>' in html
    other = client_for(world.org_admin).get(DASHBOARD, {"period": "2023-H1", "org": str(second.uuid)})
    assert other.status_code == 200 and other.context["scope"].root == second


def test_it_closes_the_dashboard_to_an_admin_who_has_left(world, client_for, api_for):
    Membership.objects.filter(person=world.org_admin.person, organization=world.own_org).update(left_on=timezone.localdate())
    assert not may_see_insights(world.org_admin)
    assert client_for(world.org_admin).get(DASHBOARD).status_code == 403
    assert client_for(world.org_admin).get("/insights/export.xlsx", {"period": "2023-H1"}).status_code == 403
    assert api_for(world.org_admin).get("/api/v1/insights/dashboard/", {"period": "2023-H1"}).status_code == 403


def test_it_gives_a_superuser_the_whole_alliance_and_any_organization(world, admins, client_for):
    assert scope_from_request(admins.superuser, None) == InsightScope(None)
    assert scope_from_request(admins.superuser, str(world.foreign_org.uuid)) == InsightScope(world.foreign_org)
    response = client_for(admins.superuser).get(DASHBOARD, {"period": "2023-H1"})
    assert response.status_code == 200 and response.context["scope"].label == "全联盟"


def test_it_refuses_the_dashboard_to_the_separated_administrators(world, admins, client_for):
    # The security, system and audit admins hold no membership: their work is elsewhere.
    for user in (admins.security, admins.system, admins.audit):
        assert not may_see_insights(user)
        assert client_for(user).get(DASHBOARD).status_code == 403


# --- Sections loaded by HTMX ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("section", ["matrix", "trends", "network"])
def test_it_answers_each_lazy_section_with_its_partial_alone(world, client_for, section):
    response = client_for(world.org_admin).get(DASHBOARD, {"period": "2023-H1", "section": section}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "<nav" not in html
    assert [t.name for t in response.templates][0] == f"insights/partials/{section}.html"


@pytest.mark.parametrize("section", ["key_cards", "../dashboard", "MATRIX"])
def test_it_answers_404_for_any_other_section(world, client_for, section):
    assert client_for(world.org_admin).get(DASHBOARD, {"period": "2023-H1", "section": section}).status_code == 404


def test_it_keeps_a_section_to_the_scope_asked_for(world, client_for):
    assert client_for(world.org_admin).get(DASHBOARD, {"section": "matrix", "org": str(world.foreign_org.uuid)}).status_code == 404
    assert client_for(world.member).get(DASHBOARD, {"section": "matrix"}).status_code == 403


# --- The workbench's figures ------------------------------------------------------------------------------------


def test_it_heads_an_admins_workbench_with_the_figures_of_their_scope_this_half_year(world, client_for):
    period = Period.current_half()
    start = period.bounds()[0]
    own = activity(world.own_branch, "study", start + datetime.timedelta(minutes=1), title="本半年支部联学")
    registrations(own, R.ATTENDED, R.ATTENDED, R.REGISTERED)
    activity(world.foreign_org, "build", start + datetime.timedelta(minutes=1), title="街道议事会")
    activity(world.own_org, "study", start - datetime.timedelta(hours=1), title="上个半年的联学")  # before the half-year began
    response = client_for(world.org_admin).get("/")
    headline = response.context["headline"]
    assert (headline["scope"], headline["period"]) == (InsightScope(world.own_org), period)
    values = {card["key"]: card["value"] for card in headline["cards"]}
    assert values == {"activities": 1, "participants": 2, "agreements_signed": 0, "claims_accepted": 0, "tasks_accepted": 0}
    assert headline["url"] == f"{DASHBOARD}?period={period.key}&org={world.own_org.uuid}"
    assert 'id="h-figures"' in response.content.decode()
    # The alliance admin's workbench counts both trees.
    alliance = client_for(world.alliance_admin).get("/").context["headline"]
    assert {card["key"]: card["value"] for card in alliance["cards"]}["activities"] == 2
    assert alliance["url"] == f"{DASHBOARD}?period={period.key}"


def test_it_shows_no_figures_on_a_members_workbench(world, client_for):
    response = client_for(world.member).get("/")
    assert response.status_code == 200 and response.context["headline"] is None
    assert 'id="h-figures"' not in response.content.decode()
