"""Who may see and change what: one matrix per model, over the pages and the API.

Targets involve a third organization so that exactly one of the world's
organizations is on each: "own" (the college 党委, which org_admin runs),
"branch" (the branch the member belongs to, under the college) and "foreign"
(the street 党工委 the outsider runs).
"""

import datetime

from django.urls import reverse

from gongjian.agreements.models import Alliance, AllianceMember, Honor, HonorRecipient, Pairing, PracticeBase
from gongjian.lib.testing_matrix import PermissionMatrix, Probe
from gongjian.orgs.models import Organization

from .conftest import make_agreement


def third_party():
    org, _ = Organization.objects.get_or_create(name="第三方党支部", defaults={"sector": "enterprise", "kind": "branch"})
    return org


def side(world, name):
    return {"own": world.own_org, "branch": world.own_branch, "foreign": world.foreign_org}[name]


def targets(factory):
    return {name: (lambda world, name=name: factory(world, side(world, name))) for name in ("own", "branch", "foreign")}


def ui(name):
    return lambda obj: reverse(f"agreements:{name}", kwargs={"uuid": obj.uuid})


def api(base, suffix=""):
    return lambda obj: f"/api/v1/agreements/{base}/{obj.uuid}/{suffix}"


AGREEMENTS = PermissionMatrix(
    probes={
        "detail": Probe("get", ui("agreement_detail")),
        "edit": Probe("get", ui("agreement_edit")),
        "sign": Probe("post", lambda a: reverse("agreements:agreement_transition", kwargs={"uuid": a.uuid, "name": "sign"})),
        "list": Probe("get", lambda a: reverse("agreements:agreement_list")),
        "api_get": Probe("get", api("agreements"), api=True),
        "api_patch": Probe("patch", api("agreements"), api=True, data={"title": "改名"}),
        "api_sign": Probe("post", api("agreements", "sign/"), api=True, data={}),
        "api_list": Probe("get", lambda a: "/api/v1/agreements/agreements/", api=True),
    },
    targets=targets(lambda world, org: make_agreement(world, title="矩阵协议", parties=[(org, "责任一"), (third_party(), "责任二")])),
    table="""
        role            target   detail  edit  sign  list  api_get  api_patch  api_sign  api_list
        anonymous       own      302     302   302   302   401      401        401       401
        anonymous       branch   302     302   302   302   401      401        401       401
        anonymous       foreign  302     302   302   302   401      401        401       401
        alliance_admin  own      200     200   302   200+  200      200        200       200+
        alliance_admin  branch   200     200   302   200+  200      200        200       200+
        alliance_admin  foreign  200     200   302   200+  200      200        200       200+
        org_admin       own      200     200   302   200+  200      200        200       200+
        org_admin       branch   200     200   302   200+  200      200        200       200+
        org_admin       foreign  404     404   404   200-  404      404        404       200-
        member          own      404     404   404   200-  404      404        404       200-
        member          branch   200     403   403   200+  200      403        403       200+
        member          foreign  404     404   404   200-  404      404        404       200-
        outsider        own      404     404   404   200-  404      404        404       200-
        outsider        branch   404     404   404   200-  404      404        404       200-
        outsider        foreign  200     200   302   200+  200      200        200       200+
    """,
)


def test_it_enforces_the_agreement_matrix(world, client_for, api_for):
    AGREEMENTS.assert_all(world, client_for, api_for)


def model_matrix(base, prefix, factory, patch, table):
    return PermissionMatrix(
        probes={
            "detail": Probe("get", ui(f"{prefix}_detail")),
            "edit": Probe("get", ui(f"{prefix}_edit")),
            "archive": Probe("post", ui(f"{prefix}_archive")),
            "list": Probe("get", lambda obj: reverse(f"agreements:{prefix}_list")),
            "api_get": Probe("get", api(base), api=True),
            "api_patch": Probe("patch", api(base), api=True, data=patch),
            "api_list": Probe("get", lambda obj: f"/api/v1/agreements/{base}/", api=True),
        },
        targets=targets(factory),
        table=table,
    )


# Pairings are seen and changed through either organization.
SYMMETRIC = """
    role            target   detail  edit  archive  list  api_get  api_patch  api_list
    anonymous       own      302     302   302      302   401      401        401
    anonymous       branch   302     302   302      302   401      401        401
    anonymous       foreign  302     302   302      302   401      401        401
    alliance_admin  own      200     200   302      200+  200      200        200+
    alliance_admin  branch   200     200   302      200+  200      200        200+
    alliance_admin  foreign  200     200   302      200+  200      200        200+
    org_admin       own      200     200   302      200+  200      200        200+
    org_admin       branch   200     200   302      200+  200      200        200+
    org_admin       foreign  404     404   404      200-  404      404        200-
    member          own      404     404   404      200-  404      404        200-
    member          branch   200     403   403      200+  200      403        200+
    member          foreign  404     404   404      200-  404      404        200-
    outsider        own      404     404   404      200-  404      404        200-
    outsider        branch   404     404   404      200-  404      404        200-
    outsider        foreign  200     200   302      200+  200      200        200+
"""

# Alliances and bases: the lead (host) changes them; members (partners) only see them.
# The "branch" target is led by the third party with the branch as a member.
LED = """
    role            target   detail  edit  archive  list  api_get  api_patch  api_list
    anonymous       own      302     302   302      302   401      401        401
    anonymous       branch   302     302   302      302   401      401        401
    anonymous       foreign  302     302   302      302   401      401        401
    alliance_admin  own      200     200   302      200+  200      200        200+
    alliance_admin  branch   200     200   302      200+  200      200        200+
    alliance_admin  foreign  200     200   302      200+  200      200        200+
    org_admin       own      200     200   302      200+  200      200        200+
    org_admin       branch   200     403   403      200+  200      403        200+
    org_admin       foreign  404     404   404      200-  404      404        200-
    member          own      404     404   404      200-  404      404        200-
    member          branch   200     403   403      200+  200      403        200+
    member          foreign  404     404   404      200-  404      404        200-
    outsider        own      404     404   404      200-  404      404        200-
    outsider        branch   404     404   404      200-  404      404        200-
    outsider        foreign  200     200   302      200+  200      200        200+
"""


def make_pairing(world, org):
    return Pairing.objects.create(org_a=org, org_b=third_party(), theme="互学互鉴")


def make_alliance(world, org):
    if org == world.own_branch:
        alliance = Alliance.objects.create(name="矩阵联盟", kind="micro", lead=third_party())
        AllianceMember.objects.create(alliance=alliance, organization=org)
        return alliance
    alliance = Alliance.objects.create(name="矩阵联盟", kind="micro", lead=org)
    AllianceMember.objects.create(alliance=alliance, organization=third_party())
    return alliance


def make_base(world, org):
    if org == world.own_branch:
        base = PracticeBase.objects.create(name="矩阵基地", host=third_party())
        base.partners.add(org)
        return base
    return PracticeBase.objects.create(name="矩阵基地", host=org)


def make_honor(world, org):
    honor = Honor.objects.create(title="矩阵荣誉", issuer_name="区委组织部", awarded_on=datetime.date(2023, 6, 1))
    HonorRecipient.objects.create(honor=honor, organization=org)
    return honor


def test_it_enforces_the_pairing_matrix(world, client_for, api_for):
    model_matrix("pairings", "pairing", make_pairing, {"theme": "新主题"}, SYMMETRIC).assert_all(world, client_for, api_for)


def test_it_enforces_the_alliance_matrix(world, client_for, api_for):
    model_matrix("alliances", "alliance", make_alliance, {"purpose": "新宗旨"}, LED).assert_all(world, client_for, api_for)


def test_it_enforces_the_practice_base_matrix(world, client_for, api_for):
    model_matrix("bases", "base", make_base, {"capacity": 30}, LED).assert_all(world, client_for, api_for)


def test_it_enforces_the_honour_matrix(world, client_for, api_for):
    model_matrix("honours", "honor", make_honor, {"description": "补充说明"}, SYMMETRIC).assert_all(world, client_for, api_for)
