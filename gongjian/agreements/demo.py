"""Demo data for agreements, pairings, alliances, practice bases and honours (scenario README).

``load()`` is idempotent: everything is found by its natural key first, and a
lifecycle step runs only on an agreement that has not taken it yet.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from gongjian.activities.choices import Track
from gongjian.activities.models import Activity
from gongjian.orgs.models import Organization

from .choices import AgreementStatus, AllianceKind, BaseKind, HonorKind, HonorLevel
from .models import (
    TRANSITIONS,
    Agreement,
    AgreementEvidence,
    AgreementParty,
    Alliance,
    AllianceMember,
    Honor,
    HonorRecipient,
    Obligation,
    Pairing,
    PracticeBase,
    Rating,
)

D = datetime.date
PAIRED_STUDY_THEME = "党建工作互学、先进经验互鉴、优势资源互补"
EMPLOYMENT_ENTERPRISES = (
    "上海比亚迪有限公司党委",
    "上海云创信息科技有限公司党支部",
    "上海松江物流有限公司党支部",
    "上海华茸食品有限公司党支部",
    "上海九科绿洲生物科技有限公司党支部",
    "上海泖港新能源有限公司党支部",
    "上海佘山文旅发展有限公司党支部",
    "上海洞泾电子有限公司党支部",
)

# title → (track, theme, start, end, target status, signed on, [(organization, role, [obligations])])
AGREEMENTS = {
    "“人才、税务、创业、技术进企业”共建协议": (
        Track.BUILD,
        "人才、税务、创业、技术进企业",
        D(2023, 3, 15),
        D(2025, 3, 14),
        AgreementStatus.SIGNED,
        D(2023, 3, 15),
        [
            ("众创空间学生党支部", "甲方", ["组织学生党员参加“人才、税务、创业、技术进企业”组团服务", "对接创新创业项目，提供技术咨询"]),
            ("奉城镇科学技术协会", "乙方", ["提供科普与技术服务阵地", "收集并推送辖区企业技术需求"]),
        ],
    ),
    "三方共建促就业协议": (
        Track.BUILD,
        "就业创业组团服务",
        D(2023, 3, 1),
        D(2024, 2, 29),
        AgreementStatus.PERFORMING,
        D(2023, 3, 1),
        [
            ("“熔·融”党建工作室", "牵头方", ["组织毕业生参加就业创业专场服务", "汇总学生就业创业需求"]),
            ("“茸易”工作室", "共建方", ["开展创业税收优惠政策宣讲与税务辅导"]),
            ("松江区就业促进中心党支部", "共建方", ["联络 8 家企业提供岗位信息", "提供行业解读与职业规划指导"]),
        ],
    ),
    "重构空间多维服务，激活社区治理新模式": (
        Track.CREATE,
        "场中居民区党群服务站设计",
        D(2023, 4, 1),
        D(2024, 3, 31),
        AgreementStatus.PERFORMING,
        D(2023, 4, 1),
        [
            ("工业设计系教工党支部", "甲方", ["为场中居民区党群服务站提供空间设计专业建议", "组织师生参与社区微更新"]),
            ("场中居民区党总支", "乙方", ["提供场地与居民需求调研支持", "配合推进服务站改造落地"]),
        ],
    ),
    "区域化党建共建协议（示例学院—广富林街道）": (
        Track.BUILD,
        "“茸城e家”党群阵地共建",
        D(2022, 6, 1),
        D(2023, 5, 31),
        AgreementStatus.EVALUATED,
        D(2022, 6, 1),
        [
            ("示例学院党委", "甲方", ["承担 25 个采样亭个性化改造设计", "组织师生志愿服务进社区"]),
            ("广富林街道党工委", "乙方", ["提供采样亭点位与改造条件", "为学生提供社会实践岗位"]),
        ],
    ),
}

# Ratings in the evaluated agreement: (rating organization, obligation text, score, comment).
RATINGS = (
    ("广富林街道党工委", "承担 25 个采样亭个性化改造设计", 5, "设计方案贴近居民需求，按期完成"),
    ("广富林街道党工委", "组织师生志愿服务进社区", 4, "志愿服务常态化，可进一步扩大覆盖面"),
    ("示例学院党委", "提供采样亭点位与改造条件", 5, "点位资料齐全，协调顺畅"),
    ("示例学院党委", "为学生提供社会实践岗位", 4, "岗位充足，建议增加专业对口岗位"),
)

PAIRINGS = (
    ("示例学院党委理论学习中心组", "某大学国际合作处党支部", PAIRED_STUDY_THEME, Track.STUDY, D(2023, 3, 10)),
    ("学院办公室党支部", "某大学管理学院办公室党支部", PAIRED_STUDY_THEME, Track.STUDY, D(2023, 3, 10)),
    ("示例学院党委", "广富林街道党工委", "区域化党建结对共建", Track.BUILD, D(2022, 6, 1)),
    ("示例学院党委", "泗泾镇党委", "区域化党建结对共建", Track.BUILD, D(2023, 2, 20)),
    ("示例学院党委", "新桥镇党委", "区域化党建结对共建", Track.BUILD, D(2023, 2, 20)),
)


def org(name: str) -> Organization:
    found = Organization.objects.filter(name=name).order_by("pk").first()
    if found is None:
        raise LookupError(f"Demo organization {name!r} is missing: load the organizations demo first.")
    return found


def _agreement(title, spec):
    track, theme, start, end, target, signed_on, parties = spec
    # Negotiated in the scenario's year (by the day it was signed), not on the day the demo is loaded.
    agreement, _ = Agreement.objects.get_or_create(
        title=title, defaults={"track": track, "theme": theme, "start_date": start, "end_date": end, "drafted_on": signed_on}
    )
    for order, (name, role, obligations) in enumerate(parties):
        party, _ = AgreementParty.objects.get_or_create(
            agreement=agreement, organization=org(name), defaults={"role": role, "order": order}
        )
        for position, text in enumerate(obligations):
            Obligation.objects.get_or_create(party=party, description=text, defaults={"order": position})
    steps = ("sign", "publish", "start_performing", "evaluate")
    wanted = [AgreementStatus.SIGNED, AgreementStatus.PUBLISHED, AgreementStatus.PERFORMING, AgreementStatus.EVALUATED].index(target) + 1
    for step in steps[:wanted]:
        agreement.refresh_from_db()
        if agreement.status not in TRANSITIONS[step].sources:
            continue  # taken on an earlier run
        if step == "sign":
            agreement.sign(by=None, signed_on=signed_on)
        else:
            getattr(agreement, step)(by=None)
    return agreement


def _evidence(agreement):
    """Link activities hosted by a party as performance evidence."""
    party_orgs = list(agreement.parties.values_list("organization_id", flat=True))
    content_type = ContentType.objects.get_for_model(Activity)
    for activity in Activity.objects.filter(host_id__in=party_orgs).order_by("starts_at")[:3]:
        AgreementEvidence.objects.get_or_create(agreement=agreement, content_type=content_type, object_id=activity.pk)


def _ratings(agreement):
    parties = {p.organization.name: p for p in agreement.parties.select_related("organization")}
    for rater_name, text, score, comment in RATINGS:
        obligation = Obligation.objects.get(party__agreement=agreement, description=text)
        Rating.objects.get_or_create(obligation=obligation, rater=parties[rater_name], defaults={"score": score, "comment": comment})


def _alliance(name, kind, lead, members, purpose, founded):
    alliance, _ = Alliance.objects.get_or_create(
        name=name, defaults={"kind": kind, "lead": org(lead), "purpose": purpose, "founded_on": founded, "track": Track.BUILD}
    )
    for member in members:
        AllianceMember.objects.get_or_create(alliance=alliance, organization=org(member), defaults={"joined_on": founded})
    return alliance


def _honor(title, kind, level, awarded_on, recipient, issuer=None, issuer_name="", description=""):
    honor, _ = Honor.objects.get_or_create(
        title=title,
        awarded_on=awarded_on,
        defaults={
            "kind": kind,
            "level": level,
            "issuer": org(issuer) if issuer else None,
            "issuer_name": issuer_name,
            "description": description,
        },
    )
    HonorRecipient.objects.get_or_create(honor=honor, organization=org(recipient))
    return honor


@transaction.atomic
def load():
    agreements = {title: _agreement(title, spec) for title, spec in AGREEMENTS.items()}
    for title in ("三方共建促就业协议", "重构空间多维服务，激活社区治理新模式"):
        _evidence(agreements[title])
    _ratings(agreements["区域化党建共建协议（示例学院—广富林街道）"])

    for a, b, theme, track, start in PAIRINGS:
        org_a, org_b = org(a), org(b)
        if not Pairing.objects.filter(org_a__in=[org_a, org_b], org_b__in=[org_a, org_b]).exists():
            Pairing.objects.create(org_a=org_a, org_b=org_b, theme=theme, track=track, start_date=start)

    micro = _alliance(
        "党建微联盟（示例学院·盐津县·石湖荡镇·渔墩村）",
        AllianceKind.MICRO,
        "示例学院党委",
        ["中共盐津县委", "石湖荡镇党委", "渔墩村党总支"],
        "跨区域党建微联盟：共建劳动党课与社会实践基地，推动乡村振兴与实践育人。",
        D(2023, 3, 28),
    )
    _alliance(
        "三方共建就业服务联盟",
        AllianceKind.ALLIANCE,
        "“熔·融”党建工作室",
        ["“茸易”工作室", "松江区就业促进中心党支部", *EMPLOYMENT_ENTERPRISES],
        "面向毕业生开展就业创业组团服务：政策宣讲、行业解读、职业规划与岗位对接。",
        D(2023, 3, 1),
    )

    bases = (
        ("渔墩村劳动党课实践基地", BaseKind.LABOUR, "渔墩村党总支", "上海市奉贤区奉城镇渔墩村", 40),
        ("石湖荡镇社会实践基地", BaseKind.PRACTICE, "石湖荡镇党委", "上海市松江区石湖荡镇", 60),
        ("盐津县社会实践基地", BaseKind.PRACTICE, "中共盐津县委", "云南省昭通市盐津县", 30),
    )
    for name, kind, host, address, capacity in bases:
        base, _ = PracticeBase.objects.get_or_create(
            host=org(host),
            name=name,
            defaults={"kind": kind, "address": address, "capacity": capacity, "alliance": micro, "established_on": D(2023, 4, 15)},
        )
        base.partners.add(org("示例学院党委"))

    _honor(
        "松江区区域化党建优秀共建党组织",
        HonorKind.HONOR,
        HonorLevel.DISTRICT,
        D(2023, 6, 16),
        "示例学院党委",
        issuer_name="中共上海市松江区委组织部",
    )
    _honor(
        "泗美锋尚推介官",
        HonorKind.APPOINTMENT,
        HonorLevel.DISTRICT,
        D(2023, 5, 10),
        "学院智库团",
        issuer="泗泾镇党委",
        description="“美好社区，先锋行动”古城文化IP项目“泗美锋尚，古韵新生”聘书",
    )
