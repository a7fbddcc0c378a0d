"""The demo alliance's regions, organizations, people and logins (see /work/shared/scenario/README.md).

``load()`` is idempotent: everything is looked up by its natural key (name
within its parent, username) and only what is missing is created, so a second
run writes nothing, not even an audit record. Other apps' demo modules look
organizations up by the exact names used here.
"""

import datetime

from django.db import transaction

from gongjian.accounts.models import User

from .choices import MembershipRole, OrgKind, RegionLevel, Sector
from .models import CapabilityTag, Membership, Organization, Person, Region
from .validators import credit_code_check_char

# Printed by `manage.py load_demo`; the demo is for a local machine, never a deployment.
DEMO_PASSWORD = "Gongjian@2023"

GOV, SCHOOL, ENTERPRISE, SOCIAL, OTHER = Sector.GOVERNMENT, Sector.SCHOOL, Sector.ENTERPRISE, Sector.SOCIAL, Sector.OTHER
K = OrgKind

# (name, level, code, children)
REGIONS = [
    (
        "上海市",
        RegionLevel.CITY,
        "310000",
        [
            (
                "松江区",
                RegionLevel.DISTRICT,
                "310117",
                [
                    ("广富林街道", RegionLevel.STREET, "310117011", [("三新居民区", RegionLevel.COMMUNITY, "", [])]),
                    ("方松街道", RegionLevel.STREET, "310117012", []),
                    ("泗泾镇", RegionLevel.STREET, "310117101", []),
                    ("新桥镇", RegionLevel.STREET, "310117104", [("场中居民区", RegionLevel.COMMUNITY, "", [])]),
                    ("石湖荡镇", RegionLevel.STREET, "310117107", []),
                    ("洞泾镇", RegionLevel.STREET, "310117105", []),
                    ("佘山镇", RegionLevel.STREET, "310117102", []),
                    ("泖港镇", RegionLevel.STREET, "310117108", []),
                    ("九亭镇", RegionLevel.STREET, "310117109", []),
                    ("车墩镇", RegionLevel.STREET, "310117103", []),
                ],
            ),
            (
                "奉贤区",
                RegionLevel.DISTRICT,
                "310120",
                [("奉城镇", RegionLevel.STREET, "310120103", [("渔墩村", RegionLevel.COMMUNITY, "", [])])],
            ),
        ],
    ),
    ("云南省昭通市", RegionLevel.CITY, "530600", [("盐津县", RegionLevel.DISTRICT, "530623", [])]),
]

TAGS = [
    "工业设计",
    "智能制造",
    "就业服务",
    "税务咨询",
    "政策咨询",
    "宣讲",
    "志愿服务",
    "场地",
    "党建阵地",
    "文化创意",
    "产学研合作",
    "乡村振兴",
    "社区治理",
    "人才培养",
    "实践基地",
]


def _credit_code(prefix: str, serial: int) -> str:
    # prefix: registration authority + type + 6-digit division, e.g. "91310117" for a Songjiang enterprise.
    first17 = f"{prefix}MA1G{serial:04d}X"
    return first17 + credit_code_check_char(first17)


# (name, sector, kind, parent name, region name, extra fields, tags)
ORGANIZATIONS = [
    # The college and its branches
    (
        "示例学院党委",
        SCHOOL,
        K.COMMITTEE,
        None,
        "松江区",
        {"short_name": "示例学院", "address": "上海市松江区文汇路 100 号"},
        ["工业设计", "智能制造", "宣讲", "人才培养"],
    ),
    ("示例学院党委理论学习中心组", SCHOOL, K.OTHER, "示例学院党委", "松江区", {"short_name": "中心组"}, ["宣讲"]),
    ("学院办公室党支部", SCHOOL, K.BRANCH, "示例学院党委", "松江区", {}, []),
    ("机械制造系教工党支部", SCHOOL, K.BRANCH, "示例学院党委", "松江区", {}, ["智能制造"]),
    ("工业设计系教工党支部", SCHOOL, K.BRANCH, "示例学院党委", "松江区", {}, ["工业设计", "文化创意"]),
    ("筑梦创设学生党支部", SCHOOL, K.BRANCH, "示例学院党委", "松江区", {}, ["志愿服务"]),
    ("众创空间学生党支部", SCHOOL, K.BRANCH, "示例学院党委", "松江区", {}, ["产学研合作"]),
    ("“熔·融”党建工作室", SCHOOL, K.STUDIO, "示例学院党委", "松江区", {"short_name": "熔融工作室"}, ["宣讲", "党建阵地", "就业服务"]),
    (
        "学院智库团",
        SCHOOL,
        K.OTHER,
        "示例学院党委",
        "松江区",
        {"description": "由教师和学生组成的智库团队，服务古城文化 IP 与社区更新。"},
        ["文化创意", "产学研合作"],
    ),
    ("某大学国际合作处党支部", SCHOOL, K.BRANCH, None, "上海市", {}, []),
    ("某大学管理学院办公室党支部", SCHOOL, K.BRANCH, None, "上海市", {}, []),
    # Government
    ("松江区科创发展办党组", GOV, K.LEADING_GROUP, None, "松江区", {"short_name": "区科创办"}, ["产学研合作", "政策咨询"]),
    ("松江区发展和改革委员会党组", GOV, K.LEADING_GROUP, None, "松江区", {"short_name": "区发改委"}, ["政策咨询"]),
    ("松江区党建服务中心党支部", GOV, K.BRANCH, None, "松江区", {"short_name": "区党建服务中心"}, ["党建阵地", "场地"]),
    (
        "松江经济技术开发区党工委",
        GOV,
        K.WORKING_COMMITTEE,
        None,
        "松江区",
        {"short_name": "松江经开区", "description": "国家级经济技术开发区。"},
        ["产学研合作", "智能制造"],
    ),
    ("松江区税务局第一税务所党支部", GOV, K.BRANCH, None, "松江区", {"short_name": "第一税务所"}, ["税务咨询", "政策咨询"]),
    ("“茸易”工作室", GOV, K.STUDIO, "松江区税务局第一税务所党支部", "松江区", {}, ["税务咨询"]),
    ("松江区就业促进中心党支部", GOV, K.BRANCH, None, "松江区", {"short_name": "区就业促进中心"}, ["就业服务", "政策咨询"]),
    ("广富林街道党工委", GOV, K.WORKING_COMMITTEE, None, "广富林街道", {"short_name": "广富林街道"}, ["场地", "社区治理", "志愿服务"]),
    ("泗泾镇党委", GOV, K.COMMITTEE, None, "泗泾镇", {"short_name": "泗泾镇"}, ["文化创意", "场地"]),
    ("新桥镇党委", GOV, K.COMMITTEE, None, "新桥镇", {"short_name": "新桥镇"}, ["社区治理"]),
    ("场中居民区党总支", GOV, K.GENERAL_BRANCH, "新桥镇党委", "场中居民区", {}, ["社区治理", "志愿服务", "场地"]),
    ("石湖荡镇党委", GOV, K.COMMITTEE, None, "石湖荡镇", {"short_name": "石湖荡镇"}, ["实践基地", "乡村振兴"]),
    ("奉城镇党委", GOV, K.COMMITTEE, None, "奉城镇", {"short_name": "奉城镇"}, ["乡村振兴"]),
    ("渔墩村党总支", GOV, K.GENERAL_BRANCH, "奉城镇党委", "渔墩村", {}, ["实践基地", "乡村振兴"]),
    ("中共盐津县委", GOV, K.COMMITTEE, None, "盐津县", {"short_name": "盐津县"}, ["乡村振兴", "实践基地"]),
    # Enterprises: four key enterprises of the development zone …
    ("正泰电气股份有限公司党委", ENTERPRISE, K.COMMITTEE, None, "松江区", {"short_name": "正泰电气"}, ["智能制造", "就业服务", "实践基地"]),
    ("上海松江智能装备有限公司党支部", ENTERPRISE, K.BRANCH, None, "车墩镇", {}, ["智能制造"]),
    ("上海新材料科技有限公司党支部", ENTERPRISE, K.BRANCH, None, "松江区", {}, ["智能制造", "产学研合作"]),
    ("上海精密机械有限公司党支部", ENTERPRISE, K.BRANCH, None, "车墩镇", {}, ["智能制造"]),
    # … and eight in the employment service
    ("上海比亚迪有限公司党委", ENTERPRISE, K.COMMITTEE, None, "松江区", {"short_name": "上海比亚迪"}, ["就业服务", "智能制造"]),
    ("上海云创信息科技有限公司党支部", ENTERPRISE, K.BRANCH, None, "九亭镇", {}, ["就业服务"]),
    ("上海松江物流有限公司党支部", ENTERPRISE, K.BRANCH, None, "松江区", {}, ["就业服务"]),
    ("上海华茸食品有限公司党支部", ENTERPRISE, K.BRANCH, None, "松江区", {}, ["就业服务"]),
    ("上海九科绿洲生物科技有限公司党支部", ENTERPRISE, K.BRANCH, None, "九亭镇", {}, ["就业服务", "产学研合作"]),
    ("上海泖港新能源有限公司党支部", ENTERPRISE, K.BRANCH, None, "泖港镇", {}, ["就业服务"]),
    ("上海佘山文旅发展有限公司党支部", ENTERPRISE, K.BRANCH, None, "佘山镇", {}, ["就业服务", "文化创意"]),
    ("上海洞泾电子有限公司党支部", ENTERPRISE, K.BRANCH, None, "洞泾镇", {}, ["就业服务", "智能制造"]),
    # Social organizations
    ("奉城镇科学技术协会", SOCIAL, K.OTHER, None, "奉城镇", {"short_name": "奉城科协"}, ["产学研合作"]),
    ("松江区G60两新组织联合党支部", SOCIAL, K.JOINT_BRANCH, None, "松江区", {"short_name": "G60两新联合党支部"}, ["宣讲", "就业服务"]),
]

# (name, phone, titles, speaker topics, bio, [(organization, role, position)])
PEOPLE = [
    ("王建国", "13916600001", ["联盟秘书处负责人"], [], "", [("松江区党建服务中心党支部", MembershipRole.MEMBER, "联盟秘书处")]),
    ("李红", "13916600002", ["示例学院党委组织部部长"], [], "", [("示例学院党委", MembershipRole.ADMIN, "组织部部长")]),
    ("陈设计", "13916600003", [], [], "", [("工业设计系教工党支部", MembershipRole.ADMIN, "书记")]),
    ("周街道", "13916600004", [], [], "", [("广富林街道党工委", MembershipRole.ADMIN, "组织委员")]),
    ("孙镇长", "13916600005", [], [], "", [("泗泾镇党委", MembershipRole.ADMIN, "组织委员")]),
    ("钱新桥", "13916600006", [], [], "", [("新桥镇党委", MembershipRole.ADMIN, "组织委员")]),
    ("张伟", "13916600007", [], [], "", [("工业设计系教工党支部", MembershipRole.MEMBER, "")]),
    ("刘洋", "13916600008", ["学生党员"], [], "", [("筑梦创设学生党支部", MembershipRole.MEMBER, "")]),
    (
        "顾劳模",
        "13916600011",
        ["党的二十大代表", "上海市五一劳动奖章获得者"],
        ["学习贯彻党的二十大精神", "劳模精神与工匠精神"],
        "扎根一线三十年的技能工匠，“熔·融”系列理论宣讲首讲嘉宾。",
        [("正泰电气股份有限公司党委", MembershipRole.MEMBER, "")],
    ),
    (
        "沈教授",
        "13916600012",
        ["市委党校教授"],
        ["习近平新时代中国特色社会主义思想", "全国两会精神解读"],
        "长期从事党的创新理论研究与宣讲。",
        [],
    ),
    (
        "黄老师",
        "13916600013",
        ["市教卫系统宣讲团成员"],
        ["教育强国建设", "青年成长成才"],
        "",
        [("示例学院党委理论学习中心组", MembershipRole.MEMBER, "")],
    ),
    (
        "吴讲师",
        "13916600014",
        ["“百师百讲”两新宣讲团成员"],
        ["两新组织党建", "长三角一体化发展"],
        "",
        [("松江区G60两新组织联合党支部", MembershipRole.MEMBER, "宣讲员")],
    ),
]

# (username, person name, extra user fields, what the login is for)
USERS = [
    ("alliance", "王建国", {"is_alliance_admin": True}, "联盟管理员（需两步验证）"),
    ("college_admin", "李红", {}, "示例学院党委管理员"),
    ("design_branch", "陈设计", {}, "工业设计系教工党支部管理员"),
    ("gfl_admin", "周街道", {}, "广富林街道党工委管理员"),
    ("sijing_admin", "孙镇长", {}, "泗泾镇党委管理员"),
    ("xinqiao_admin", "钱新桥", {}, "新桥镇党委管理员"),
    ("member_zhang", "张伟", {}, "工业设计系教工党支部党员"),
    ("member_liu", "刘洋", {}, "筑梦创设学生党支部党员"),
    ("auditor", None, {"admin_role": "audit"}, "审计管理员（需两步验证）"),
    ("sysadmin", None, {"admin_role": "system"}, "系统管理员（需两步验证）"),
    ("secadmin", None, {"admin_role": "security"}, "安全管理员（需两步验证）"),
]

DEMO_LOGINS = [(username, purpose) for username, _, _, purpose in USERS]

JOINED_ON = datetime.date(2023, 1, 3)


def _ensure(model, lookup: dict, defaults: dict | None = None):
    """Get by natural key, or validate and create. Never updates, so a rerun writes nothing."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **(defaults or {}))
        obj.full_clean()
        obj.save()
    return obj


def _load_regions(nodes, parent=None, found=None):
    found = {} if found is None else found
    for name, level, code, children in nodes:
        region = _ensure(Region, {"name": name, "parent": parent}, {"level": level, "code": code})
        found[name] = region
        _load_regions(children, region, found)
    return found


def _load_organizations(regions, tags):
    found = {}
    enterprise_serial = 0
    for name, sector, kind, parent_name, region_name, extra, tag_names in ORGANIZATIONS:
        defaults = {"sector": sector, "kind": kind, "region": regions[region_name], **extra}
        if sector == ENTERPRISE:
            enterprise_serial += 1
            defaults["credit_code"] = _credit_code("91310117", enterprise_serial)
        elif sector == SOCIAL and kind == K.OTHER:
            defaults["credit_code"] = _credit_code("51310120", 1)
        organization = _ensure(Organization, {"name": name, "parent": found.get(parent_name)}, defaults)
        have = set(organization.tags.values_list("pk", flat=True))
        missing = [tags[t] for t in tag_names if tags[t].pk not in have]
        if missing:
            # Only add what is missing: even an empty add() would write an audit record.
            organization.tags.add(*missing)
        found[name] = organization
    return found


def _load_people(organizations):
    found = {}
    for name, phone, titles, topics, bio, memberships in PEOPLE:
        person = _ensure(
            Person,
            {"name": name},
            {"phone": phone, "titles": titles, "is_speaker": bool(topics), "speaker_topics": topics, "bio": bio},
        )
        for org_name, role, position in memberships:
            _ensure(
                Membership,
                {"person": person, "organization": organizations[org_name]},
                {"role": role, "position": position, "joined_on": JOINED_ON},
            )
        found[name] = person
    return found


def _load_users(people):
    users = {}
    for username, person_name, extra, _purpose in USERS:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(username=username, person=people.get(person_name), must_change_password=False, **extra)
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    return users


@transaction.atomic
def load():
    regions = _load_regions(REGIONS)
    tags = {name: _ensure(CapabilityTag, {"name": name}) for name in TAGS}
    organizations = _load_organizations(regions, tags)
    people = _load_people(organizations)
    users = _load_users(people)
    return {"regions": regions, "organizations": organizations, "people": people, "users": users}
