import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongjian.lib.access import get_object_for, scope_for
from gongjian.orgs.models import Organization


@pytest.fixture
def child_of_branch(world):
    return Organization.objects.create(name="设计小组", sector="school", kind="other", parent=world.own_branch)


def test_it_gives_alliance_admins_everything(world):
    assert scope_for(world.alliance_admin).everything


def test_it_reaches_the_subtree_of_an_admin_membership(world, child_of_branch):
    scope = scope_for(world.org_admin)
    assert {world.own_org.pk, world.own_branch.pk, child_of_branch.pk} <= set(scope.editable)
    assert world.foreign_org.pk not in scope.visible


def test_it_lets_members_see_but_not_edit_their_organization(world):
    scope = scope_for(world.member)
    assert world.own_branch.pk in scope.visible
    assert world.own_branch.pk not in scope.editable
    assert world.own_org.pk not in scope.visible


def test_it_answers_404_outside_scope_and_403_for_read_only(world):
    with pytest.raises(Http404):
        get_object_for(world.outsider, Organization, uuid=world.own_org.uuid)
    with pytest.raises(PermissionDenied):
        get_object_for(world.member, Organization, "change", uuid=world.own_branch.uuid)
    assert get_object_for(world.org_admin, Organization, "change", uuid=world.own_branch.uuid) == world.own_branch


def test_it_treats_a_malformed_id_as_missing(world):
    with pytest.raises(Http404):
        get_object_for(world.org_admin, Organization, uuid="not-a-uuid")


def test_it_computes_scope_once_per_user_object(world, django_assert_num_queries):
    user = type(world.org_admin).objects.get(pk=world.org_admin.pk)
    with django_assert_num_queries(1):
        scope_for(user)  # memberships; the administered subtree stays a subquery
        scope_for(user)


def test_it_filters_by_subquery_not_by_listed_ids(world, child_of_branch):
    # However large the subtree, a scoped query names the admin's path, not every id in it.
    def params():
        user = type(world.org_admin).objects.get(pk=world.org_admin.pk)
        return Organization.objects.visible_to(user).query.sql_with_params()[1]

    before = params()
    Organization.objects.bulk_create(
        Organization(name=f"小组{n}", sector="school", kind="other", parent=world.own_branch) for n in range(5)
    )
    assert params() == before
    assert f"{world.own_org.path}%" in before
    assert set(Organization.objects.visible_to(world.org_admin).values_list("pk", flat=True)) == set(scope_for(world.org_admin).visible)


def test_it_keeps_ancestors_outside_the_administered_subtree(world, child_of_branch):
    scope = scope_for(world.member)
    assert world.own_org.pk in scope.ancestors
    assert world.own_org.pk in set(scope.reach)
    assert world.own_org.pk not in scope_for(world.org_admin).ancestors


def test_it_drops_ended_memberships_from_scope(world):
    import datetime

    membership = world.member.person.memberships.get()
    membership.left_on = datetime.date(2020, 1, 1)
    membership.save()
    user = type(world.member).objects.get(pk=world.member.pk)
    assert world.own_branch.pk not in scope_for(user).visible
