"""Moving a node of the organization or region tree moves its whole subtree, and the scope follows the move."""

import pytest
from django.urls import reverse

from gongjian.lib.access import scope_for
from gongjian.orgs.models import Organization, Region

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs"
UNDER_ITSELF = ["不能放在它自己或它的下级之下。"]


def branch(name, parent, **extra):
    return Organization.objects.create(name=name, sector=parent.sector, kind="branch", parent=parent, **extra)


def paths(*objects):
    return [type(obj).objects.get(pk=obj.pk).path for obj in objects]


class TestOrganizations:
    def test_it_rewrites_every_level_below_a_moved_node(self, world):
        group = branch("第一党小组", world.own_branch)
        cell = branch("第一学习小组", group)
        world.own_branch.parent = world.foreign_org
        world.own_branch.save(update_fields=["parent"])
        base = f"/{world.foreign_org.pk}/{world.own_branch.pk}/"
        assert paths(world.own_branch, group, cell) == [base, f"{base}{group.pk}/", f"{base}{group.pk}/{cell.pk}/"]
        assert list(world.own_org.descendants()) == []

    def test_it_moves_a_subtree_to_the_top(self, world):
        group = branch("第一党小组", world.own_branch)
        world.own_branch.parent = None
        world.own_branch.save()
        assert paths(world.own_branch, group) == [f"/{world.own_branch.pk}/", f"/{world.own_branch.pk}/{group.pk}/"]
        group.refresh_from_db()
        assert list(group.ancestors()) == [world.own_branch] and group.depth == 2

    def test_it_leaves_a_node_whose_id_merely_starts_alike_where_it_is(self, world):
        # /9100/ is no prefix of /91000/: moving one must not touch the other's subtree.
        moved = branch("甲支部", world.own_org, pk=9100)
        neighbour = branch("乙支部", world.own_org, pk=91000)
        below_neighbour = branch("乙支部党小组", neighbour)
        before = paths(neighbour, below_neighbour)
        moved.parent = world.foreign_org
        moved.save()
        assert paths(neighbour, below_neighbour) == before
        assert paths(moved) == [f"/{world.foreign_org.pk}/9100/"]

    def test_it_refuses_a_move_under_a_grandchild_and_keeps_the_tree(self, world):
        group = branch("第一党小组", world.own_branch)
        response = self.patch(world, world.own_org, group)
        assert (response.status_code, response.json()) == (400, {"parent": UNDER_ITSELF})
        assert paths(world.own_org, group) == [f"/{world.own_org.pk}/", f"/{world.own_org.pk}/{world.own_branch.pk}/{group.pk}/"]

    def test_it_lets_an_org_admin_move_a_branch_within_their_subtree_over_the_api(self, world, api_for):
        second = branch("第二党支部", world.own_org)
        group = branch("第一党小组", world.own_branch)
        response = api_for(world.org_admin).patch(f"{API}/organizations/{group.uuid}/", {"parent": str(second.uuid)}, format="json")
        assert response.status_code == 200 and response.json()["parent"] == str(second.uuid)
        assert paths(group) == [f"/{world.own_org.pk}/{second.pk}/{group.pk}/"]

    def test_it_refuses_an_org_admin_moving_a_branch_out_of_their_subtree(self, world, api_for):
        before = paths(world.own_branch)
        response = api_for(world.org_admin).patch(
            f"{API}/organizations/{world.own_branch.uuid}/", {"parent": str(world.foreign_org.uuid)}, format="json"
        )
        assert response.status_code == 400 and list(response.json()) == ["parent"]
        assert paths(world.own_branch) == before

    def test_it_hands_a_moved_branch_to_the_admins_of_its_new_parent(self, world, client_for):
        data = {
            "name": world.own_branch.name,
            "sector": "school",
            "kind": "branch",
            "parent": str(world.foreign_org.uuid),
            "status": "active",
        }
        response = client_for(world.alliance_admin).post(reverse("orgs:organization_edit", args=[world.own_branch.uuid]), data)
        assert response.status_code == 302
        edit = reverse("orgs:organization_edit", args=[world.own_branch.uuid])
        assert client_for(world.outsider).get(edit).status_code == 200
        assert client_for(world.org_admin).get(edit).status_code == 404
        # The member still belongs to the branch; the organization above them is now the street's.
        member_scope = scope_for(type(world.member).objects.get(pk=world.member.pk))
        assert member_scope.can_view(world.own_branch.pk) and member_scope.ancestors == {world.foreign_org.pk}

    @staticmethod
    def patch(world, organization, parent):
        from gongjian.lib.testing import api_client_for

        url = f"{API}/organizations/{organization.uuid}/"
        return api_client_for(world.alliance_admin).patch(url, {"parent": str(parent.uuid)}, format="json")


class TestRegions:
    def test_it_carries_sub_regions_and_their_organizations_to_a_new_district(self, world, api_for):
        qingpu = Region.objects.create(name="青浦区", level=2, parent=world.city)
        response = api_for(world.alliance_admin).patch(f"{API}/regions/{world.street.uuid}/", {"parent": str(qingpu.uuid)}, format="json")
        assert response.status_code == 200
        assert paths(world.street, world.community) == [
            f"{qingpu.path}{world.street.pk}/",
            f"{qingpu.path}{world.street.pk}/{world.community.pk}/",
        ]
        assert list(Organization.objects.in_region(qingpu)) == [world.foreign_org]
        assert world.foreign_org not in set(Organization.objects.in_region(world.district))
        world.community.refresh_from_db()
        assert world.community.full_name() == "上海市青浦区广富林街道三新居民区"

    def test_it_refuses_moving_a_region_under_its_own_sub_region(self, world, api_for):
        response = api_for(world.alliance_admin).patch(
            f"{API}/regions/{world.district.uuid}/", {"parent": str(world.community.uuid)}, format="json"
        )
        assert response.status_code == 400 and response.json()["parent"] == UNDER_ITSELF
        assert paths(world.district) == [f"/{world.city.pk}/{world.district.pk}/"]

    def test_it_keeps_the_region_tree_to_the_alliance(self, world, api_for):
        qingpu = Region.objects.create(name="青浦区", level=2, parent=world.city)
        response = api_for(world.org_admin).patch(f"{API}/regions/{world.street.uuid}/", {"parent": str(qingpu.uuid)}, format="json")
        assert response.status_code == 403
        assert paths(world.street) == [f"{world.district.path}{world.street.pk}/"]
