"""Demo needs, resources and claims of the scenario (see /work/shared/scenario/README.md).

Three needs are the ones behind the scenario's projects, claimed and accepted
in 2023H1 (the projects demo builds the projects themselves and links them).
The rest are open, so matching has something to suggest: for example the
street's 党群服务中心空间设计 need and the college's 20 名学生设计师.

``load()`` is idempotent: needs and resources are found by organization and
title, claims by need and claimant, releases by year and kind.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.orgs.models import Organization, Region

from .choices import ClaimMode, ClaimStatus, ListKind, NeedStatus, ResourceStatus
from .models import Category, Claim, ClaimEvent, ListRelease, Need, NeedEvent, Resource, ResourceEvent

D = datetime.date


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


# (owner, title, category, region, scale, claim mode, published, first claim until, description, contact)
OPEN_NEEDS = [
    (
        "广富林街道党工委",
        "街道党群服务中心空间设计与导视系统",
        "设计规划",
        "广富林街道",
        "1 处服务中心，约 600 平方米",
        ClaimMode.SINGLE,
        D(2023, 5, 8),
        D(2023, 5, 22),
        "广富林街道党群服务中心计划改造：需要专业设计力量开展空间设计、导视系统设计和宣传展陈设计，"
        "延续“茸城e家”视觉风格，兼顾居民议事、志愿服务和便民服务功能。欢迎高校工业设计、环境设计专业师生领办。",
        "周街道",
    ),
    (
        "场中居民区党总支",
        "社区为老服务志愿者招募",
        "为老服务",
        "场中居民区",
        "每周 10 名志愿者",
        ClaimMode.MULTIPLE,
        D(2023, 4, 10),
        D(2023, 4, 24),
        "场中居民区独居、高龄老人较多，需要志愿者每周上门陪伴聊天、协助就医预约、教老人使用智能手机，"
        "并参与每月一次的社区为老服务集市。可多家单位共同认领。",
        "",
    ),
    (
        "泗泾镇党委",
        "泗泾古镇文创产品设计",
        "文化宣传",
        "泗泾镇",
        "3 个系列文创产品",
        ClaimMode.SINGLE,
        D(2023, 5, 15),
        D(2023, 5, 29),
        "围绕泗泾古镇历史文化和“泗美锋尚”文化 IP，设计 3 个系列文创产品（书签、帆布包、伴手礼包装），用于古镇文化宣传和游客服务。",
        "孙镇长",
    ),
    (
        "松江经济技术开发区党工委",
        "智能制造企业产线数字化改造技术攻关",
        "技术攻关",
        "松江区",
        "4 家重点企业",
        ClaimMode.MULTIPLE,
        D(2023, 3, 20),
        None,
        "开发区重点企业在产线数字化、设备联网和工业机器人应用方面存在技术难题，希望高校智能制造、机械制造专业团队开展技术攻关和联合研发，"
        "共建产学研平台。",
        "",
    ),
    (
        "正泰电气股份有限公司党委",
        "电气设备外观与人机交互工业设计",
        "技术攻关",
        "松江区",
        "2 款产品",
        ClaimMode.SINGLE,
        D(2023, 4, 18),
        None,
        "新一代智能配电设备需要外观造型优化和人机交互界面设计，欢迎工业设计专业教师团队与企业工程师联合攻关。",
        "",
    ),
    (
        "松江区就业促进中心党支部",
        "高校毕业生就业创业政策宣讲进校园",
        "政策咨询",
        "松江区",
        "4 场宣讲",
        ClaimMode.MULTIPLE,
        D(2023, 3, 6),
        None,
        "面向应届毕业生开展就业创业政策宣讲，讲解见习补贴、创业担保贷款和税收优惠，需要高校提供场地并组织学生参加。",
        "",
    ),
    (
        "石湖荡镇党委",
        "乡村振兴劳动教育实践课程开发",
        "教育培训",
        "石湖荡镇",
        "1 套课程，8 个课时",
        ClaimMode.SINGLE,
        D(2023, 4, 3),
        None,
        "依托镇域实践基地，开发面向大学生的劳动教育和社会实践课程，把劳动党课、田间实践和乡村振兴调研结合起来。",
        "",
    ),
    (
        "渔墩村党总支",
        "村史馆展陈设计",
        "设计规划",
        "渔墩村",
        "1 处村史馆",
        ClaimMode.SINGLE,
        D(2023, 5, 4),
        None,
        "渔墩村计划建设村史馆，需要展陈设计和空间设计方案，讲好乡村振兴故事。",
        "",
    ),
    (
        "中共盐津县委",
        "农特产品包装设计与电商直播培训",
        "教育培训",
        "盐津县",
        "5 个产品包装，2 期培训",
        ClaimMode.MULTIPLE,
        D(2023, 4, 20),
        None,
        "盐津县乌骨鸡、竹笋等农特产品需要包装设计和品牌形象设计，并为村干部开展电商直播培训，助力乡村振兴。",
        "",
    ),
    (
        "奉城镇科学技术协会",
        "青少年科普讲座与科创体验",
        "教育培训",
        "奉城镇",
        "每学期 4 场",
        ClaimMode.MULTIPLE,
        D(2023, 3, 28),
        None,
        "面向镇域中小学生开展科普讲座和智能制造、3D 打印科创体验活动，需要高校师生志愿者支持。",
        "",
    ),
    (
        "新桥镇党委",
        "社区治理数字化平台需求调研",
        "社区治理",
        "新桥镇",
        "12 个居民区",
        ClaimMode.SINGLE,
        D(2023, 5, 25),
        D(2023, 6, 8),
        "围绕“重构空间多维服务，激活社区治理新模式”，对辖区居民区开展数字化治理需求调研，形成平台建设建议。",
        "",
    ),
    (
        "松江区党建服务中心党支部",
        "两新组织党员理论宣讲",
        "文化宣传",
        "松江区",
        "每月 1 场",
        ClaimMode.MULTIPLE,
        D(2023, 3, 15),
        None,
        "为 G60 两新组织党员开展党的二十大精神宣讲，需要宣讲专家和青年宣讲员。",
        "",
    ),
]

# (owner, title, category, service area, capacity, unit, published, available until, description)
RESOURCES = [
    (
        "示例学院党委",
        "20 名学生设计师",
        "设计规划",
        "松江区",
        20,
        "名学生设计师",
        D(2023, 3, 1),
        D(2023, 12, 31),
        "工业设计、环境设计专业学生设计师团队，在教师指导下承接空间设计、导视系统设计、展陈设计和文创产品设计，"
        "已完成采样亭改造等社区设计项目。",
    ),
    (
        "工业设计系教工党支部",
        "工业设计专业力量：产品与空间设计咨询",
        "设计规划",
        "松江区",
        5,
        "个项目/年",
        D(2023, 3, 1),
        None,
        "工业设计系教师提供产品外观设计、人机交互设计、空间设计和党群阵地设计的专业咨询与方案评审。",
    ),
    (
        "机械制造系教工党支部",
        "智能制造技术服务与产线改造咨询",
        "技术攻关",
        "松江区",
        3,
        "项/年",
        D(2023, 3, 10),
        None,
        "智能制造工程、机械制造专业教师团队，提供产线数字化改造、工业机器人应用和设备联网的技术攻关与咨询，可共建产学研平台。",
    ),
    (
        "“熔·融”党建工作室",
        "每月 2 场宣讲",
        "文化宣传",
        "松江区",
        2,
        "场宣讲/月",
        D(2023, 2, 27),
        D(2023, 12, 31),
        "“熔·融”宣讲团由劳模、党校教授和青年教师组成，每月可提供 2 场党的二十大精神宣讲，可进社区、进企业、进两新组织。",
    ),
    (
        "上海比亚迪有限公司党委",
        "企业实习岗位",
        "人才就业",
        "松江区",
        30,
        "个实习岗位",
        D(2023, 3, 20),
        D(2023, 9, 30),
        "面向智能制造、机械、电气专业学生提供生产实习和就业见习岗位，表现优秀者可优先录用。",
    ),
    (
        "正泰电气股份有限公司党委",
        "智能制造实训车间参观与实践课程",
        "教育培训",
        "松江区",
        4,
        "场/学期",
        D(2023, 3, 25),
        None,
        "开放智能制造示范车间，提供参观讲解和实践课程，服务高校智能制造工程专业建设。",
    ),
    (
        "松江区税务局第一税务所党支部",
        "大学生创业税收政策咨询",
        "政策咨询",
        "松江区",
        6,
        "场/年",
        D(2023, 3, 15),
        None,
        "“茸易”工作室提供创业税收优惠政策解读和办税辅导，可进校园开展咨询。",
    ),
    (
        "广富林街道党工委",
        "社区党群服务站活动场地",
        "场地设施",
        "广富林街道",
        8,
        "场次/月",
        D(2023, 3, 1),
        None,
        "街道党群服务站可提供会议室、活动室，用于主题党日、结对共建和志愿服务活动。",
    ),
    (
        "筑梦创设学生党支部",
        "学生党员志愿服务队",
        "志愿服务",
        "松江区",
        15,
        "名志愿者",
        D(2023, 3, 5),
        None,
        "学生党员志愿服务队可参与社区为老服务、助老智能手机教学和社区活动保障。",
    ),
    (
        "上海云创信息科技有限公司党支部",
        "社区数字化治理平台技术支持",
        "社区治理",
        "松江区",
        2,
        "个街镇",
        D(2023, 4, 12),
        None,
        "提供社区治理数字化平台的需求分析、原型设计和技术支持。",
    ),
    (
        "松江区就业促进中心党支部",
        "就业指导与职业规划讲座",
        "人才就业",
        "松江区",
        6,
        "场/年",
        D(2023, 3, 8),
        None,
        "就业指导师进校开展职业规划、求职技巧和就业政策讲座。",
    ),
]

# The needs behind the scenario's projects: (owner, title, category, region, scale, published, description,
# claimant, partners, claimed on, accepted on, final status)
CLAIMED_NEEDS = [
    (
        "广富林街道党工委",
        "25 个采样亭个性化改造设计",
        "设计规划",
        "广富林街道",
        "25 个采样亭",
        D(2023, 2, 13),
        "支持“茸城e家”党群阵地升级：为街道 25 个核酸采样亭开展个性化改造设计，一亭一案，把采样亭变为便民服务与党群宣传的小阵地。",
        "示例学院党委",
        [],
        D(2023, 2, 16),
        D(2023, 2, 20),
        NeedStatus.IN_PROGRESS,
    ),
    (
        "泗泾镇党委",
        "古城文化IP打造：泗美锋尚，古韵新生",
        "文化宣传",
        "泗泾镇",
        "1 套文化 IP",
        D(2023, 2, 10),
        "“美好社区，先锋行动”：挖掘泗泾古镇历史文化资源，打造古城文化 IP，需要高校智库和设计力量参与品牌策划与传播。",
        "示例学院党委",
        ["学院智库团"],
        D(2023, 2, 14),
        D(2023, 2, 20),
        NeedStatus.IN_PROGRESS,
    ),
    (
        "场中居民区党总支",
        "场中居民区党群服务站设计",
        "设计规划",
        "场中居民区",
        "1 处党群服务站",
        D(2023, 2, 15),
        "重构空间多维服务，激活社区治理新模式：为场中居民区党群服务站的空间布局和功能设计提供专业建议。",
        "工业设计系教工党支部",
        [],
        D(2023, 2, 18),
        D(2023, 2, 22),
        NeedStatus.FULFILLED,
    ),
]


def _org(name):
    return Organization.objects.filter(name=name, archived_at__isnull=True).order_by("pk").first()


def _region(name):
    return Region.objects.filter(name=name).order_by("path").first()


def _user(username):
    return User.objects.filter(username=username).first()


def _category(name):
    return Category.objects.get_or_create(name=name)[0]


def _listing(model, owner, title, defaults, published_on, event_model, event_fk):
    """Find by (organization, title); a new one is created published on ``published_on`` with its history."""
    item = model.objects.filter(organization=owner, title=title).first()
    if item is not None:
        return item, False
    item = model.objects.create(organization=owner, title=title, published_at=at(published_on), **defaults)
    event_model.objects.create(**{event_fk: item}, from_status="draft", to_status="published", created_at=at(published_on))
    return item, True


# What each demo item seeks or offers and how far an offer reaches (matching's direction and service areas).
SEEKS = {
    "街道党群服务中心空间设计与导视系统": "expertise",
    "社区为老服务志愿者招募": "people",
    "泗泾古镇文创产品设计": "expertise",
    "智能制造企业产线数字化改造技术攻关": "expertise",
    "电气设备外观与人机交互工业设计": "expertise",
    "高校毕业生就业创业政策宣讲进校园": "expertise",
    "乡村振兴劳动教育实践课程开发": "expertise",
    "村史馆展陈设计": "expertise",
    "农特产品包装设计与电商直播培训": "expertise",
    "青少年科普讲座与科创体验": "expertise",
    "社区治理数字化平台需求调研": "expertise",
    "两新组织党员理论宣讲": "expertise",
}
# title: (offers, seeks in return, reach)
OFFERS = {
    "20 名学生设计师": ("people", "", "district"),
    "工业设计专业力量：产品与空间设计咨询": ("expertise", "", "city"),
    "智能制造技术服务与产线改造咨询": ("expertise", "", "city"),
    "每月 2 场宣讲": ("expertise", "", "district"),
    "企业实习岗位": ("services", "people", "district"),
    "智能制造实训车间参观与实践课程": ("space", "", "district"),
    "大学生创业税收政策咨询": ("expertise", "", "district"),
    "社区党群服务站活动场地": ("space", "", "street"),
    "学生党员志愿服务队": ("people", "", "district"),
    "社区数字化治理平台技术支持": ("expertise", "", "city"),
    "就业指导与职业规划讲座": ("expertise", "", "district"),
}


def _open_needs(created):
    for owner_name, title, category, region, scale, mode, published, until, description, contact in OPEN_NEEDS:
        owner = _org(owner_name)
        if owner is None:
            continue
        defaults = {
            "category": _category(category),
            "region": _region(region),
            "scale": scale,
            "claim_mode": mode,
            "priority_until": until,
            "description": description,
            "contact_name": contact,
            "status": NeedStatus.PUBLISHED,
            "seeks": SEEKS.get(title, ""),
        }
        _need, new = _listing(Need, owner, title, defaults, published, NeedEvent, "need")
        created["needs"] += new


def _resources(created):
    for owner_name, title, category, region, capacity, unit, published, until, description in RESOURCES:
        owner = _org(owner_name)
        if owner is None:
            continue
        defaults = {
            "category": _category(category),
            "region": _region(region),
            "capacity": capacity,
            "capacity_unit": unit,
            "available_from": published,
            "available_until": until,
            "description": description,
            "status": ResourceStatus.PUBLISHED,
            **dict(zip(("offers", "seeks", "service_area"), OFFERS.get(title, ("", "", "")), strict=True)),
        }
        _resource, new = _listing(Resource, owner, title, defaults, published, ResourceEvent, "resource")
        created["resources"] += new


def _claimed_needs(created):
    """The scenario's claimed needs: claim, acceptance and the need's history as they happened in 2023."""
    owner_admin = {"广富林街道党工委": "gfl_admin", "泗泾镇党委": "sijing_admin", "场中居民区党总支": "xinqiao_admin"}
    for (
        owner_name,
        title,
        category,
        region,
        scale,
        published,
        description,
        claimant_name,
        partner_names,
        claimed,
        accepted,
        final,
    ) in CLAIMED_NEEDS:
        owner, claimant = _org(owner_name), _org(claimant_name)
        if owner is None or claimant is None:
            continue
        defaults = {
            "category": _category(category),
            "region": _region(region),
            "scale": scale,
            "description": description,
            "status": final,
            "featured": title.startswith("25 个采样亭"),
        }
        need, new = _listing(Need, owner, title, defaults, published, NeedEvent, "need")
        created["needs"] += new
        if Claim.objects.filter(need=need, claimant=claimant).exists():
            continue
        claimer = _user("college_admin") if claimant_name == "示例学院党委" else _user("design_branch")
        decider = _user(owner_admin.get(owner_name, ""))
        claim = Claim.objects.create(
            need=need,
            claimant=claimant,
            message="我院愿发挥工业设计专业优势承接该项目。",
            status=ClaimStatus.ACCEPTED,
            created_by=claimer,
            decided_by=decider,
            decided_at=at(accepted),
        )
        partners = [p for p in (_org(name) for name in partner_names) if p is not None]
        if partners:
            claim.partners.set(partners)
        Claim.objects.filter(pk=claim.pk).update(created_at=at(claimed), claimed_at=at(claimed))
        ClaimEvent.objects.create(claim=claim, from_status="", to_status=ClaimStatus.PENDING, actor=claimer, created_at=at(claimed))
        ClaimEvent.objects.create(
            claim=claim, from_status=ClaimStatus.PENDING, to_status=ClaimStatus.ACCEPTED, actor=decider, created_at=at(accepted)
        )
        steps = [
            (NeedStatus.PUBLISHED, NeedStatus.CLAIMED, accepted),
            (NeedStatus.CLAIMED, NeedStatus.IN_PROGRESS, accepted + datetime.timedelta(days=9)),
        ]
        if final == NeedStatus.FULFILLED:
            steps.append((NeedStatus.IN_PROGRESS, NeedStatus.FULFILLED, D(2023, 5, 30)))
            # The owner rated the result when marking it fulfilled (满意度).
            Need.objects.filter(pk=need.pk).update(satisfaction=5)
        for old, new_status, day in steps:
            NeedEvent.objects.create(need=need, from_status=old, to_status=new_status, actor=decider, created_at=at(day, 15))
        created["claims"] += 1


def _releases():
    """The alliance published its 2023 needs and resources lists after the half-year joint meeting."""
    from . import releases

    publisher = _user("alliance")
    featured = [str(uuid) for uuid in Need.objects.filter(featured=True).values_list("uuid", flat=True)]
    made = 0
    for kind, title in ((ListKind.NEEDS, "2023 年度需求清单"), (ListKind.RESOURCES, "2023 年度资源清单")):
        if ListRelease.objects.filter(year=2023, kind=kind).exists():
            continue
        release = releases.publish(
            2023,
            kind,
            by=publisher,
            featured=featured if kind == ListKind.NEEDS else (),
            title=title,
            note="区域化党建联席会议（2023 年上半年）审议发布。",
        )
        ListRelease.objects.filter(pk=release.pk).update(published_at=at(D(2023, 6, 28), 16))
        made += 1
    return made


def load():
    created = {"needs": 0, "resources": 0, "claims": 0}
    with transaction.atomic():
        _claimed_needs(created)
        _open_needs(created)
        _resources(created)
        created["releases"] = _releases()
    return created


__all__ = ["load"]
