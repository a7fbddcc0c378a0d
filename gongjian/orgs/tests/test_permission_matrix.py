"""Who gets what, for every role, page and endpoint of the directory.

Every member of the alliance reads every organization's public profile (list, detail, API
read); its members, editing and the other writes stay scoped, and a foreign id answers 404.

"own" objects sit on the college side of the test world (own_branch and its
member), "foreign" objects on the street side (foreign_org and the outsider,
its admin). 302 on a POST is the redirect after the action; on a GET by an
anonymous visitor it is the redirect to the login page.
"""

import pytest
from django.urls import reverse

from gongjian.lib.testing_matrix import PermissionMatrix, Probe
from gongjian.orgs.models import Membership

API = "/api/v1/orgs"

ORGANIZATIONS = PermissionMatrix(
    probes={
        "list": Probe("get", lambda o: reverse("orgs:organization_list")),
        "detail": Probe("get", lambda o: o.get_absolute_url()),
        "members": Probe("get", lambda o: o.get_absolute_url() + "?tab=members"),
        "edit": Probe("get", lambda o: reverse("orgs:organization_edit", args=[o.uuid])),
        "archive": Probe("post", lambda o: reverse("orgs:organization_archive", args=[o.uuid])),
        "restore": Probe("post", lambda o: reverse("orgs:organization_restore", args=[o.uuid])),
        "api_list": Probe("get", lambda o: f"{API}/organizations/", api=True),
        "api_get": Probe("get", lambda o: f"{API}/organizations/{o.uuid}/", api=True),
        "api_patch": Probe("patch", lambda o: f"{API}/organizations/{o.uuid}/", api=True, data={"short_name": "新简称"}),
        "api_delete": Probe("delete", lambda o: f"{API}/organizations/{o.uuid}/", api=True),
    },
    targets={"own": lambda w: w.own_branch, "foreign": lambda w: w.foreign_org},
    table="""
        role            target   list  detail members edit archive restore api_list api_get api_patch api_delete
        anonymous       own      302   302    302     302  302     302     401      401     401       401
        anonymous       foreign  302   302    302     302  302     302     401      401     401       401
        alliance_admin  own      200+  200    200     200  302     302     200+     200     200       204
        alliance_admin  foreign  200+  200    200     200  302     302     200+     200     200       204
        org_admin       own      200+  200    200     200  302     302     200+     200     200       204
        org_admin       foreign  200+  200    404     404  404     404     200+     200     404       404
        member          own      200+  200    200     403  403     403     200+     200     403       403
        member          foreign  200+  200    404     404  404     404     200+     200     404       404
        outsider        own      200+  200    404     404  404     404     200+     200     404       404
        outsider        foreign  200+  200    200     200  302     302     200+     200     200       204
    """,
)

PEOPLE = PermissionMatrix(
    probes={
        "list": Probe("get", lambda p: reverse("orgs:person_list")),
        "detail": Probe("get", lambda p: p.get_absolute_url()),
        "edit": Probe("get", lambda p: reverse("orgs:person_edit", args=[p.uuid])),
        "archive": Probe("post", lambda p: reverse("orgs:person_archive", args=[p.uuid])),
        "reveal": Probe("post", lambda p: reverse("orgs:person_contact", args=[p.uuid])),
        "api_list": Probe("get", lambda p: f"{API}/people/", api=True),
        "api_get": Probe("get", lambda p: f"{API}/people/{p.uuid}/", api=True),
        "api_patch": Probe("patch", lambda p: f"{API}/people/{p.uuid}/", api=True, data={"bio": "简介"}),
        "api_delete": Probe("delete", lambda p: f"{API}/people/{p.uuid}/", api=True),
    },
    # The member's own person record (college side) and the outsider's (street side).
    targets={"own": lambda w: w.member.person, "foreign": lambda w: w.outsider.person},
    table="""
        role            target   list  detail edit archive reveal api_list api_get api_patch api_delete
        anonymous       own      302   302    302  302     302    401      401     401       401
        anonymous       foreign  302   302    302  302     302    401      401     401       401
        alliance_admin  own      200+  200    200  302     200    200+     200     200       204
        alliance_admin  foreign  200+  200    200  302     200    200+     200     200       204
        org_admin       own      200+  200    200  302     200    200+     200     200       204
        org_admin       foreign  200-  404    404  404     404    200-     404     404       404
        member          own      200+  200    403  403     200    200+     200     403       403
        member          foreign  200-  404    404  404     404    200-     404     404       404
        outsider        own      200-  404    404  404     404    200-     404     404       404
        outsider        foreign  200+  200    200  302     200    200+     200     200       204
    """,
)

MEMBERSHIPS = PermissionMatrix(
    probes={
        "add": Probe("get", lambda m: reverse("orgs:membership_create", args=[m.organization.uuid])),
        "edit": Probe("get", lambda m: reverse("orgs:membership_edit", args=[m.uuid])),
        "end": Probe("post", lambda m: reverse("orgs:membership_end", args=[m.uuid])),
        "api_list": Probe("get", lambda m: f"{API}/memberships/", api=True),
        "api_get": Probe("get", lambda m: f"{API}/memberships/{m.uuid}/", api=True),
        "api_patch": Probe("patch", lambda m: f"{API}/memberships/{m.uuid}/", api=True, data={"position": "组织委员"}),
        "api_delete": Probe("delete", lambda m: f"{API}/memberships/{m.uuid}/", api=True),
    },
    targets={
        "own": lambda w: Membership.objects.get(person=w.member.person),
        "foreign": lambda w: Membership.objects.get(person=w.outsider.person),
    },
    # Nobody changes or ends their own membership (the outsider's is the foreign one).
    table="""
        role            target   add  edit end  api_list api_get api_patch api_delete
        anonymous       own      302  302  302  401      401     401       401
        anonymous       foreign  302  302  302  401      401     401       401
        alliance_admin  own      200  200  302  200+     200     200       204
        alliance_admin  foreign  200  200  302  200+     200     200       204
        org_admin       own      200  200  302  200+     200     200       204
        org_admin       foreign  404  404  404  200-     404     404       404
        member          own      403  403  403  200+     200     403       403
        member          foreign  404  404  404  200-     404     404       404
        outsider        own      404  404  404  200-     404     404       404
        outsider        foreign  200  403  403  200+     200     403       403
    """,
)

REGIONS = PermissionMatrix(
    probes={
        # The tree reads one level at a time: the level holding the region.
        "tree": Probe("get", lambda r: reverse("orgs:region_tree") + f"?parent={r.parent.uuid}"),
        "create": Probe("get", lambda r: reverse("orgs:region_create")),
        "edit": Probe("get", lambda r: reverse("orgs:region_edit", args=[r.uuid])),
        "api_list": Probe("get", lambda r: f"{API}/regions/", api=True),
        "api_get": Probe("get", lambda r: f"{API}/regions/{r.uuid}/", api=True),
        "api_patch": Probe("patch", lambda r: f"{API}/regions/{r.uuid}/", api=True, data={"code": "310117011001"}),
        "api_delete": Probe("delete", lambda r: f"{API}/regions/{r.uuid}/", api=True),
    },
    # Regions are shared reference data: there is no foreign region, only who may change one.
    targets={"leaf": lambda w: w.community},
    table="""
        role            target  tree  create edit api_list api_get api_patch api_delete
        anonymous       leaf    302   302    302  401      401     401       401
        alliance_admin  leaf    200+  200    200  200+     200     200       204
        org_admin       leaf    200+  403    403  200+     200     403       403
        member          leaf    200+  403    403  200+     200     403       403
        outsider        leaf    200+  403    403  200+     200     403       403
    """,
)


@pytest.fixture
def world_with_phones(world):
    for user, phone in ((world.member, "13800138001"), (world.outsider, "13800138002")):
        user.person.phone = phone
        user.person.save()
    return world


def test_it_scopes_organizations(world_with_phones, client_for, api_for):
    ORGANIZATIONS.assert_all(world_with_phones, client_for, api_for)


def test_it_scopes_people(world_with_phones, client_for, api_for):
    PEOPLE.assert_all(world_with_phones, client_for, api_for)


def test_it_scopes_memberships(world, client_for, api_for):
    MEMBERSHIPS.assert_all(world, client_for, api_for)


def test_it_lets_only_alliance_admins_change_regions(world, client_for, api_for):
    REGIONS.assert_all(world, client_for, api_for)


def test_it_rejects_a_table_that_forgets_a_role():
    from gongjian.lib.testing_matrix import PermissionMatrix

    with pytest.raises(ValueError, match="misses rows"):
        PermissionMatrix(
            probes={"detail": Probe("get", lambda o: "/")},
            targets={"own": lambda w: None},
            table="""
                role           target detail
                alliance_admin own    200
            """,
        )


def test_it_reports_every_mismatch_of_a_wrong_table(world, client_for, api_for):
    # The helper must be able to fail: a table claiming the member may edit is caught.
    wrong = PermissionMatrix(
        probes={"edit": Probe("get", lambda o: reverse("orgs:organization_edit", args=[o.uuid]))},
        targets={"own": lambda w: w.own_branch},
        table="""
            role            target edit
            anonymous       own    302
            alliance_admin  own    200
            org_admin       own    200
            member          own    200
            outsider        own    200
        """,
    )
    problems = wrong.run(world, client_for, api_for)
    assert problems == ["member/own/edit: expected 200, got 403", "outsider/own/edit: expected 200, got 404"]
