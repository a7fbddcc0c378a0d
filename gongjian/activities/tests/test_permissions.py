"""Who gets which answer from every activity page and endpoint, as one table."""

import pytest
from django.urls import reverse

from gongjian.lib.testing_matrix import PermissionMatrix, Probe

from .helpers import make_activity

pytestmark = pytest.mark.django_db


def api(path):
    return lambda obj: f"/api/v1/activities/{obj.uuid}/{path}"


MATRIX = PermissionMatrix(
    probes={
        "list": Probe("get", lambda obj: reverse("activities:list")),
        "detail": Probe("get", lambda obj: obj.get_absolute_url()),
        "edit": Probe("get", lambda obj: reverse("activities:edit", args=[obj.uuid])),
        "minutes": Probe("get", lambda obj: reverse("activities:minutes", args=[obj.uuid])),
        "qr": Probe("get", lambda obj: reverse("activities:qr", args=[obj.uuid])),
        "regs": Probe("get", lambda obj: reverse("activities:registrations", args=[obj.uuid])),
        "export": Probe("get", lambda obj: reverse("activities:attendance_export", args=[obj.uuid])),
        "archive": Probe("post", lambda obj: reverse("activities:archive", args=[obj.uuid])),
        "api_list": Probe("get", lambda obj: "/api/v1/activities/", api=True),
        "api_get": Probe("get", api(""), api=True),
        "api_patch": Probe("patch", api(""), api=True, data={"title": "改名后的活动"}),
        "api_delete": Probe("delete", api(""), api=True),
        "api_checkin": Probe("post", api("check-in/"), api=True, data={"code": "ABCDEF"}),
    },
    targets={
        # Hosted by the college; the member's branch sits below it.
        "own": lambda world: make_activity(world.own_org),
        # Hosted by the street; nobody at the college is invited.
        "foreign": lambda world: make_activity(world.foreign_org),
        # Hosted by the college with the street as co-host: the street sees it but cannot edit it.
        "cohosted": lambda world: make_activity(world.own_org, co_hosts=[world.foreign_org]),
    },
    table="""
        role            target    list  detail  edit  minutes  qr   regs  export  archive  api_list  api_get  api_patch  api_delete  api_checkin
        anonymous       own       302   302     302   302      302  302   302     302      401       401      401        401         401
        anonymous       foreign   302   302     302   302      302  302   302     302      401       401      401        401         401
        anonymous       cohosted  302   302     302   302      302  302   302     302      401       401      401        401         401
        alliance_admin  own       200+  200     200   200      200  200   200     302      200+      200      200        204         400
        alliance_admin  foreign   200+  200     200   200      200  200   200     302      200+      200      200        204         400
        alliance_admin  cohosted  200+  200     200   200      200  200   200     302      200+      200      200        204         400
        org_admin       own       200+  200     200   200      200  200   200     302      200+      200      200        204         400
        org_admin       foreign   200-  404     404   404      404  404   404     404      200-      404      404        404         404
        org_admin       cohosted  200+  200     200   200      200  200   200     302      200+      200      200        204         400
        member          own       200+  200     403   403      403  403   403     403      200+      200      403        403         403
        member          foreign   200-  404     404   404      404  404   404     404      200-      404      404        404         404
        member          cohosted  200+  200     403   403      403  403   403     403      200+      200      403        403         403
        outsider        own       200-  404     404   404      404  404   404     404      200-      404      404        404         404
        outsider        foreign   200+  200     200   200      200  200   200     302      200+      200      200        204         400
        outsider        cohosted  200+  200     403   403      403  403   403     403      200+      200      403        403         403
    """,
)


def test_it_enforces_the_permission_matrix(world, client_for, api_for):
    MATRIX.assert_all(world, client_for, api_for)
