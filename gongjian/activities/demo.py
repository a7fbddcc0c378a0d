"""Demo activities of the college's 2023 co-building year (see /work/shared/scenario/README.md).

``load()`` is idempotent: activities are found by (title, host), people by
name within their branch, registrations by (activity, person); only what is
missing is created, and relations are set only on creation, so a second run
writes nothing. Dates are 2023H1 in Asia/Shanghai, except one upcoming lecture
that is open for registration.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from gongjian.orgs.models import Membership, Organization, Person

from .choices import ActivityKind as K
from .choices import RegistrationStatus as S
from .choices import Track as T
from .models import Activity, Registration, Series
from .models.registration import new_code

SHANGHAI = ZoneInfo("Asia/Shanghai")
LECTURE_SERIES = "“熔·融”系列理论宣讲"
G60_SERIES = "长三角一体化发展“G60先进制造”交流服务月"
PRACTICE_BASE = ("渔墩村党总支", "渔墩村劳动党课实践基地")
UPCOMING_TITLE = "“熔·融”理论宣讲第五讲：以学铸魂 以学促干"

KEY_ENTERPRISES = ("正泰电气股份有限公司党委", "上海松江智能装备有限公司党支部", "上海新材料科技有限公司党支部", "上海精密机械有限公司党支部")
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

# Members who took part, beyond the demo logins 张伟 and 刘洋: (name, branch).
PARTICIPANTS = (
    ("张伟", "工业设计系教工党支部"),
    ("刘洋", "筑梦创设学生党支部"),
    ("王芳", "工业设计系教工党支部"),
    ("赵磊", "机械制造系教工党支部"),
    ("孙悦", "机械制造系教工党支部"),
    ("杨帆", "筑梦创设学生党支部"),
    ("李娜", "筑梦创设学生党支部"),
    ("周杰", "众创空间学生党支部"),
    ("吴婷", "众创空间学生党支部"),
    ("徐明", "学院办公室党支部"),
)


def at(month, day, hour, minute=0):
    return datetime.datetime(2023, month, day, hour, minute, tzinfo=SHANGHAI)


def org(name):
    return Organization.objects.get(name=name)


def person(name):
    return Person.objects.filter(name=name).order_by("pk").first()


# title → fields; "co_hosts", "speakers", "invited" name organizations or people;
# "attend" lists (participant, status) pairs; "minutes"/"outcomes"/"attendee_count" describe the result.
ACTIVITIES = [
    {
        "title": "“熔·融”理论宣讲第一讲：学习贯彻党的二十大精神",
        "kind": K.LECTURE, "track": T.STUDY, "series": LECTURE_SERIES, "host": "示例学院党委",
        "co_hosts": ["“熔·融”党建工作室"], "speakers": ["顾劳模"], "invite_alliance": True,
        "start": at(3, 8, 14), "hours": 2, "venue": "示例学院第一报告厅", "capacity": 200,
        "description": "党的二十大代表、上海市五一劳动奖章获得者结合亲身经历，宣讲党的二十大精神和劳模精神、工匠精神。",
        "minutes": "<p>顾劳模以《在平凡岗位上践行二十大精神》为题，结合三十年一线技能工作经历，讲述了劳模精神、劳动精神、工匠精神的时代内涵。</p>"
        "<ul><li>全校师生党员及共建单位代表现场参加；</li><li>宣讲后开展互动交流，学生党员围绕技能成才提问。</li></ul>",
        "outcomes": "形成宣讲简报一期；筑梦创设学生党支部开展专题组织生活会。",
        "attendee_count": 186,
        "attend": [("张伟", S.ATTENDED), ("刘洋", S.ATTENDED), ("王芳", S.ATTENDED), ("杨帆", S.ATTENDED), ("李娜", S.NO_SHOW), ("徐明", S.ATTENDED)],
    },
    {
        "title": "全国两会精神专题联学",
        "kind": K.TOPICAL_STUDY, "track": T.STUDY, "host": "示例学院党委",
        "co_hosts": ["松江区科创发展办党组"], "invited": ["示例学院党委理论学习中心组"],
        "start": at(3, 15, 9, 30), "hours": 2.5, "venue": "松江区科创发展办会议室", "capacity": 40,
        "description": "围绕全国两会精神，共商核心技术联合攻关、产学研金平台建设和产教融合。",
        "minutes": "<p>双方围绕全国两会精神开展专题联学，就以下事项达成共识：</p>"
        "<ol><li>聚焦智能制造核心技术开展联合攻关；</li><li>共建“产学研金”协同平台；</li><li>深化产教融合，共建实习实训基地。</li></ol>",
        "outcomes": "明确三项合作事项，建立季度会商机制。",
        "attend": [("徐明", S.ATTENDED), ("赵磊", S.ATTENDED)],
    },
    {
        "title": "结对联学：党建工作互学、先进经验互鉴、优势资源互补（理论学习中心组）",
        "kind": K.PAIRED_STUDY, "track": T.STUDY, "host": "示例学院党委理论学习中心组",
        "co_hosts": ["某大学国际合作处党支部"],
        "start": at(3, 22, 14), "hours": 2, "venue": "某大学国际交流中心", "capacity": 30,
        "description": "示例学院党委理论学习中心组与某大学国际合作处党支部结对联学。",
        "minutes": "<p>双方交流了理论学习中心组学习制度和国际化人才培养中的党建经验，商定每学期开展一次结对联学。</p>",
        "attend": [("徐明", S.ATTENDED)],
    },
    {
        "title": "“熔·融”理论宣讲第二讲：全国两会精神解读",
        "kind": K.LECTURE, "track": T.STUDY, "series": LECTURE_SERIES, "host": "示例学院党委",
        "co_hosts": ["“熔·融”党建工作室"], "speakers": ["沈教授"], "invite_alliance": True,
        "start": at(3, 29, 14), "hours": 2, "venue": "示例学院第一报告厅", "capacity": 200,
        "description": "市委党校教授解读全国两会精神。",
        "minutes": "<p>沈教授从高质量发展、科技自立自强、教育强国三个维度解读了全国两会精神。</p>",
        "attendee_count": 172,
        "attend": [("张伟", S.ATTENDED), ("刘洋", S.ATTENDED), ("赵磊", S.ATTENDED), ("孙悦", S.NO_SHOW), ("周杰", S.ATTENDED)],
    },
    {
        "title": "走访松江经济技术开发区：产业集群与人才需求调研",
        "kind": K.RESEARCH_VISIT, "track": T.BUILD, "host": "机械制造系教工党支部",
        "co_hosts": ["工业设计系教工党支部", "松江经济技术开发区党工委"], "invited": list(KEY_ENTERPRISES),
        "start": at(4, 6, 9), "hours": 4, "venue": "松江经济技术开发区", "capacity": 25,
        "description": "教工党支部走访国家级开发区，了解产业集群与人才需求，与正泰电气等四家重点企业座谈人才需求与实践课程。",
        "minutes": "<p>走访开发区产业展示馆，并与正泰电气等四家重点企业座谈。企业反映智能制造、工业设计复合型人才缺口较大，建议增加项目化实践课程。</p>",
        "outcomes": "形成调研报告一份，为新设“智能制造工程”专业人才培养方案提供依据。",
        "attend": [("赵磊", S.ATTENDED), ("孙悦", S.ATTENDED), ("张伟", S.ATTENDED), ("王芳", S.ATTENDED)],
    },
    {
        "title": "结对联学：党建工作互学、先进经验互鉴、优势资源互补（办公室党支部）",
        "kind": K.PAIRED_STUDY, "track": T.STUDY, "host": "学院办公室党支部",
        "co_hosts": ["某大学管理学院办公室党支部"],
        "start": at(4, 12, 14), "hours": 2, "venue": "示例学院行政楼会议室", "capacity": 20,
        "description": "学院办公室党支部与某大学管理学院办公室党支部结对联学。",
        "attend": [("徐明", S.ATTENDED)],
    },
    {
        "title": "就业创业组团服务专场",
        "kind": K.GROUP_SERVICE, "track": T.BUILD, "host": "“熔·融”党建工作室",
        "co_hosts": ["“茸易”工作室", "松江区就业促进中心党支部", *EMPLOYMENT_ENTERPRISES], "invited": ["示例学院党委"],
        "start": at(4, 20, 13, 30), "hours": 3, "venue": "示例学院学生活动中心", "capacity": 300,
        "description": "三方共建促就业：联合上海比亚迪等 8 家企业，为学生提供政策咨询、行业解读和职业规划指导。",
        "minutes": "<p>“茸易”工作室讲解创业税收优惠政策，就业促进中心解读就业补贴政策，8 家企业现场提供岗位并开展职业规划一对一咨询。</p>",
        "outcomes": "提供岗位 126 个，现场达成初步意向 38 人。",
        "attendee_count": 260,
        "attend": [("刘洋", S.ATTENDED), ("杨帆", S.ATTENDED), ("李娜", S.ATTENDED), ("周杰", S.ATTENDED), ("吴婷", S.NO_SHOW)],
    },
    {
        "title": "“熔·融”理论宣讲第三讲：教育强国建设与青年成长成才",
        "kind": K.LECTURE, "track": T.STUDY, "series": LECTURE_SERIES, "host": "示例学院党委",
        "co_hosts": ["“熔·融”党建工作室"], "speakers": ["黄老师"], "invite_alliance": True,
        "start": at(4, 19, 14), "hours": 2, "venue": "示例学院第一报告厅", "capacity": 200,
        "description": "市教卫系统宣讲团成员宣讲教育强国建设。",
        "attend": [("刘洋", S.ATTENDED), ("杨帆", S.ATTENDED), ("吴婷", S.ATTENDED)],
    },
    {
        "title": "“红色阵地+线上展示+AR践创”联学共建",
        "kind": K.PAIRED_STUDY, "track": T.STUDY, "host": "机械制造系教工党支部",
        "co_hosts": ["筑梦创设学生党支部"],
        "start": at(4, 26, 15), "hours": 2, "venue": "示例学院红色阵地", "capacity": 40,
        "description": "师生支部联学共建：共建红色阵地、线上展示平台和 AR 践创项目。",
        "minutes": "<p>教工党支部与学生党支部共同策划红色阵地布展，学生党员展示 AR 践创作品，商定线上展示平台分工。</p>",
        "attend": [("赵磊", S.ATTENDED), ("刘洋", S.ATTENDED), ("杨帆", S.ATTENDED)],
    },
    {
        "title": "众创空间学生党支部与奉城镇科学技术协会共建签约仪式",
        "kind": K.SIGNING, "track": T.BUILD, "host": "众创空间学生党支部",
        "co_hosts": ["奉城镇科学技术协会"],
        "start": at(3, 15, 15), "hours": 1, "venue": "奉城镇科学技术协会", "capacity": 20,
        "attend": [("周杰", S.ATTENDED), ("吴婷", S.ATTENDED)],
    },
    {
        "title": "“G60先进制造”交流服务月启动仪式",
        "kind": K.GROUP_SERVICE, "track": T.STUDY, "series": G60_SERIES, "host": "示例学院党委",
        "co_hosts": ["松江区发展和改革委员会党组", "松江区党建服务中心党支部", "松江经济技术开发区党工委", "松江区G60两新组织联合党支部"],
        "invite_alliance": True,
        "start": at(5, 6, 9, 30), "hours": 2, "venue": "G60科创走廊展示中心", "capacity": 150,
        "description": "长三角一体化发展“G60先进制造”交流服务月启动。",
        "attendee_count": 120,
        "attend": [("张伟", S.ATTENDED), ("赵磊", S.ATTENDED), ("徐明", S.ATTENDED)],
    },
    {
        "title": "G60圆桌交流：智能制造人才培养",
        "kind": K.ROUNDTABLE, "track": T.STUDY, "series": G60_SERIES, "host": "示例学院党委",
        "co_hosts": ["松江经济技术开发区党工委", "正泰电气股份有限公司党委"],
        "start": at(5, 10, 14), "hours": 2, "venue": "示例学院会议中心", "capacity": 30,
        "attend": [("赵磊", S.ATTENDED), ("孙悦", S.ATTENDED)],
    },
    {
        "title": "“人才、税务、创业、技术进企业”组团服务",
        "kind": K.GROUP_SERVICE, "track": T.BUILD, "host": "奉城镇科学技术协会",
        "co_hosts": ["众创空间学生党支部", "“茸易”工作室", "松江区就业促进中心党支部"],
        "start": at(5, 11, 9), "hours": 4, "venue": "奉城镇企业服务中心", "capacity": 60,
        "attend": [("周杰", S.ATTENDED), ("吴婷", S.ATTENDED)],
    },
    {
        "title": "“熔·融”理论宣讲第四讲：两新组织党建与长三角一体化发展",
        "kind": K.LECTURE, "track": T.STUDY, "series": LECTURE_SERIES, "host": "示例学院党委",
        "co_hosts": ["“熔·融”党建工作室", "松江区G60两新组织联合党支部"], "speakers": ["吴讲师"], "invite_alliance": True,
        "start": at(5, 17, 14), "hours": 2, "venue": "G60科创走廊展示中心", "capacity": 150,
        "attend": [("张伟", S.ATTENDED), ("周杰", S.ATTENDED)],
    },
    {
        "title": "G60圆桌交流：产教融合与实习就业",
        "kind": K.ROUNDTABLE, "track": T.STUDY, "series": G60_SERIES, "host": "示例学院党委",
        "co_hosts": ["松江区党建服务中心党支部", "上海松江智能装备有限公司党支部", "上海精密机械有限公司党支部"],
        "start": at(5, 19, 14), "hours": 2, "venue": "示例学院会议中心", "capacity": 30,
        "attend": [("王芳", S.ATTENDED), ("刘洋", S.ATTENDED)],
    },
    {
        "title": "微联盟劳动党课：走进渔墩村",
        "kind": K.PARTY_DAY, "track": T.BUILD, "host": "示例学院党委",
        "co_hosts": ["渔墩村党总支", "石湖荡镇党委", "中共盐津县委"], "invited": ["筑梦创设学生党支部", "众创空间学生党支部"],
        "start": at(5, 20, 9), "hours": 5, "venue": "上海市奉贤区奉城镇渔墩村", "capacity": 40, "practice_base": True,
        "description": "党建微联盟在渔墩村劳动党课实践基地开展劳动党课，学生党员参加田间劳动并听取乡村振兴宣讲。",
        "minutes": "<p>学生党员参加田间劳动，渔墩村党总支书记讲授乡村振兴党课，盐津县委通过视频连线介绍东西部协作经验。</p>",
        "outcomes": "形成劳动教育实践报告；确定每学期一次劳动党课。",
        "attend": [("刘洋", S.ATTENDED), ("杨帆", S.ATTENDED), ("李娜", S.ATTENDED), ("周杰", S.NO_SHOW)],
    },
    {
        "title": "G60圆桌交流：两新组织党建共建",
        "kind": K.ROUNDTABLE, "track": T.STUDY, "series": G60_SERIES, "host": "示例学院党委",
        "co_hosts": ["松江区G60两新组织联合党支部", "上海新材料科技有限公司党支部"],
        "start": at(5, 24, 14), "hours": 2, "venue": "G60科创走廊展示中心", "capacity": 30,
        "attend": [("徐明", S.ATTENDED)],
    },
    {
        "title": "“泗美锋尚，古韵新生”古城文化IP项目推进会",
        "kind": K.ROUNDTABLE, "track": T.CREATE, "host": "泗泾镇党委",
        "co_hosts": ["示例学院党委", "学院智库团"],
        "start": at(6, 8, 14), "hours": 2, "venue": "泗泾镇党群服务中心", "capacity": 30,
        "attend": [("王芳", S.ATTENDED), ("张伟", S.ATTENDED)],
    },
]


def _series():
    owner = org("示例学院党委")
    lectures, _ = Series.objects.get_or_create(
        organization=owner,
        name=LECTURE_SERIES,
        defaults={"track": T.STUDY, "description": "“熔·融”党建双促工程系列理论宣讲，邀请宣讲专家库成员面向联盟单位宣讲。"},
    )
    g60, _ = Series.objects.get_or_create(
        organization=owner, name=G60_SERIES, defaults={"track": T.STUDY, "description": "与区发改委、区党建服务中心、开发区党工委和两新企业联合开展。"}
    )
    return {LECTURE_SERIES: lectures, G60_SERIES: g60}


def _participants():
    found = {}
    for name, branch_name in PARTICIPANTS:
        branch = org(branch_name)
        member = Person.objects.filter(name=name, memberships__organization=branch).order_by("pk").first()
        if member is None:
            member = Person.objects.create(name=name)
            Membership.objects.create(person=member, organization=branch, joined_on=datetime.date(2023, 1, 3))
        found[name] = (member, branch)
    return found


def _activity(spec, series):
    host = org(spec["host"])
    existing = Activity.objects.filter(title=spec["title"], host=host).first()
    if existing is not None:
        return existing, False
    start = spec["start"]
    activity = Activity(
        title=spec["title"],
        kind=spec["kind"],
        track=spec["track"],
        series=series.get(spec.get("series")),
        host=host,
        invite_alliance=spec.get("invite_alliance", False),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=spec["hours"]),
        venue=spec.get("venue", ""),
        capacity=spec.get("capacity"),
        description=spec.get("description", ""),
        minutes=spec.get("minutes", ""),
        outcomes=spec.get("outcomes", ""),
        attendee_count=spec.get("attendee_count"),
    )
    activity.full_clean()
    activity.save()
    activity.co_hosts.set([org(name) for name in spec.get("co_hosts", ())])
    activity.invited_orgs.set([org(name) for name in spec.get("invited", ())])
    activity.speakers.set([person(name) for name in spec.get("speakers", ())])
    return activity, True


def _attendance(activity, spec, participants):
    """Past registrations with their check-ins, created as they ended (registration has long closed)."""
    for name, status in spec.get("attend", ()):
        member, branch = participants[name]
        if Registration.objects.filter(activity=activity, person=member).exists():
            continue
        checked_in = activity.starts_at - datetime.timedelta(minutes=10) if status == S.ATTENDED else None
        Registration.objects.create(
            activity=activity,
            person=member,
            organization=branch,
            status=status,
            code=new_code(),
            status_changed_at=checked_in or activity.ends_at,
            checked_in_at=checked_in,
        )


def _upcoming():
    """One lecture in the future, open for registration, so the demo can sign up."""
    host = org("示例学院党委")
    activity = Activity.objects.filter(title=UPCOMING_TITLE, host=host).first()
    if activity is not None:
        return activity
    day = timezone.localdate() + datetime.timedelta(days=14)
    start = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=SHANGHAI)
    activity = Activity(
        title=UPCOMING_TITLE,
        kind=K.LECTURE,
        track=T.STUDY,
        series=Series.objects.get(organization=host, name=LECTURE_SERIES),
        host=host,
        invite_alliance=True,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        venue="示例学院第一报告厅",
        capacity=120,
        registration_closes_at=start - datetime.timedelta(hours=2),
        description="市委党校教授宣讲习近平新时代中国特色社会主义思想，欢迎联盟各单位党员报名参加。",
    )
    activity.full_clean()
    activity.save()
    activity.co_hosts.set([org("“熔·融”党建工作室")])
    activity.speakers.set([person("沈教授")])
    # 刘洋 has signed up already (and got her confirmation notice); 张伟 is left to register in the demo.
    liu = Person.objects.filter(name="刘洋", memberships__organization__name="筑梦创设学生党支部").first()
    if liu is not None:
        activity.register(liu)
    return activity


def link_practice_base():
    """Hold the 劳动党课 at the micro-alliance's practice base.

    The base belongs to the agreements demo, which load_demo runs after this one
    (it links these activities to its agreements as evidence). Rather than depend
    on that order, run it here when the base is missing: demo loaders are
    idempotent, so load_demo's own call then finds everything in place.
    """
    try:
        from gongjian.agreements import demo as agreements_demo
        from gongjian.agreements.models import PracticeBase
    except ImportError:
        return
    host, name = PRACTICE_BASE
    if not PracticeBase.objects.filter(host__name=host, name=name).exists():
        agreements_demo.load()
    base = PracticeBase.objects.filter(host__name=host, name=name).first()
    titles = [spec["title"] for spec in ACTIVITIES if spec.get("practice_base")]
    if base is not None:
        for activity in Activity.objects.filter(title__in=titles, practice_base__isnull=True):
            activity.practice_base = base
            activity.save(update_fields=["practice_base", "updated_at"])


@transaction.atomic
def load():
    series = _series()
    participants = _participants()
    activities = []
    for spec in ACTIVITIES:
        activity, _created = _activity(spec, series)
        _attendance(activity, spec, participants)
        activities.append(activity)
    activities.append(_upcoming())
    link_practice_base()
    return activities
