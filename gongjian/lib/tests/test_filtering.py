"""FilterSets keep each request's state to itself, and label the empty choice "全部"."""

import pytest
from django.test import RequestFactory

from gongjian.orgs.filters import OrganizationFilterSet
from gongjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def filterset_for(user, **data):
    request = RequestFactory().get("/")
    request.user = user
    return OrganizationFilterSet(data, queryset=Organization.objects.visible_to(user), request=request)


def test_it_offers_each_user_the_parents_of_their_own_scope(world):
    """The parent filter's choices come from the request; a form field built for one user must not reach another."""
    admin_choices = set(filterset_for(world.alliance_admin).form.fields["parent"].queryset)
    org_admin_choices = set(filterset_for(world.org_admin).form.fields["parent"].queryset)
    assert world.foreign_org in admin_choices and world.foreign_org not in org_admin_choices
    assert world.own_org in org_admin_choices


def test_it_runs_a_filter_method_on_its_own_filterset(world):
    first, second = filterset_for(world.alliance_admin, q="gfl"), filterset_for(world.alliance_admin, q="示例")
    assert {org.name for org in first.qs} == {"广富林街道党工委"}
    assert {org.name for org in second.qs} == {"示例学院党委"}


def test_it_keeps_a_change_to_one_filterset_out_of_the_next(world):
    changed = filterset_for(world.alliance_admin)
    changed.filters["sector"].extra["choices"] = [("school", "学校")]
    changed.filters["sector"].label = "改过的"
    fresh = filterset_for(world.alliance_admin)
    assert len(fresh.form.fields["sector"].choices) > 2 and fresh.filters["sector"].label != "改过的"


def test_it_validates_and_reports_a_bad_choice(world):
    filterset = filterset_for(world.alliance_admin, sector="nonsense")
    assert not filterset.is_valid() and "sector" in filterset.errors


def test_it_offers_all_as_the_empty_choice(world):
    form = filterset_for(world.alliance_admin).form
    assert form.fields["sector"].choices[0] == ("", "全部")
    assert form.fields["tag"].empty_label == "全部"
