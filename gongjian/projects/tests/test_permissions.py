"""Who may see and change which project, page by page and endpoint by endpoint."""

from django.urls import reverse

from gongjian.lib.testing_matrix import PermissionMatrix, Probe

from .factories import active_project


def lead_project(world):
    return active_project(world.own_org, partners=[world.foreign_org], title="学院牵头")


def foreign_project(world):
    return active_project(world.foreign_org, title="街道牵头")


def public_project(world):
    return active_project(world.foreign_org, title="公开展示", is_public=True)


MATRIX = PermissionMatrix(
    probes={
        "list": Probe("get", lambda p: reverse("projects:list") + "?per_page=100"),
        "detail": Probe("get", lambda p: p.get_absolute_url()),
        "edit": Probe("get", lambda p: reverse("projects:edit", kwargs={"uuid": p.uuid})),
        "board": Probe("get", lambda p: reverse("projects:board", kwargs={"uuid": p.uuid})),
        "import": Probe("get", lambda p: reverse("projects:task_import", kwargs={"uuid": p.uuid})),
        "complete": Probe("post", lambda p: reverse("projects:transition", kwargs={"uuid": p.uuid, "verb": "complete"})),
        "showcase": Probe("get", lambda p: p.get_showcase_url()),
        "api_list": Probe("get", lambda p: "/api/v1/projects/?page_size=100", api=True),
        "api_get": Probe("get", lambda p: f"/api/v1/projects/{p.uuid}/", api=True),
        "api_patch": Probe("patch", lambda p: f"/api/v1/projects/{p.uuid}/", api=True, data={"brand": "新品牌"}),
        "api_progress": Probe("get", lambda p: f"/api/v1/projects/{p.uuid}/progress/", api=True),
        "api_task": Probe(
            "post", lambda p: "/api/v1/projects/tasks/", api=True, data=lambda p: {"project": str(p.uuid), "title": "矩阵任务"}
        ),
    },
    targets={"lead": lead_project, "foreign": foreign_project, "public": public_project},
    table="""
        role            target   list  detail edit board import complete showcase api_list api_get api_patch api_progress api_task
        anonymous       lead     302   302    302  302   302    302      404      401      401     401       401          401
        alliance_admin  lead     200+  200    200  200   200    302      404      200+     200     200       200          201
        org_admin       lead     200+  200    200  200   200    302      404      200+     200     200       200          201
        member          lead     200+  200    403  200   403    403      404      200+     200     403       200          403
        outsider        lead     200+  200    403  200   403    403      404      200+     200     403       200          403
        anonymous       foreign  302   302    302  302   302    302      404      401      401     401       401          401
        alliance_admin  foreign  200+  200    200  200   200    302      404      200+     200     200       200          201
        org_admin       foreign  200-  404    404  404   404    404      404      200-     404     404       404          400
        member          foreign  200-  404    404  404   404    404      404      200-     404     404       404          400
        outsider        foreign  200+  200    200  200   200    302      404      200+     200     200       200          201
        anonymous       public   302   302    302  302   302    302      200      401      401     401       401          401
        alliance_admin  public   200+  200    200  200   200    302      200      200+     200     200       200          201
        org_admin       public   200-  404    404  404   404    404      200      200-     404     404       404          400
        member          public   200-  404    404  404   404    404      200      200-     404     404       404          400
        outsider        public   200+  200    200  200   200    302      200      200+     200     200       200          201
    """,
)


def test_it_enforces_the_permission_matrix(world, client_for, api_for):
    MATRIX.assert_all(world, client_for, api_for)


def test_it_lets_a_branch_member_see_the_units_projects_but_not_a_sibling_units(world, client_for):
    """A branch belongs to its parent's unit: its members see the unit's projects, nothing wider."""
    from gongjian.orgs.models import Organization

    sibling = Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")
    theirs = active_project(sibling)
    ours = active_project(world.own_org)
    client = client_for(world.member)
    assert client.get(ours.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
