"""The demo's joint projects (项目联创), see /work/shared/scenario/README.md.

- 采样亭改造: the college redesigns 25 sampling booths for 广富林街道 under "茸城e家";
  some booths are claimed, submitted, returned or accepted so progress shows.
- 古城文化IP "泗美锋尚，古韵新生" with 泗泾镇 and the college's think tank.
- 场中居民区党群服务站: the design branch's advice, resting on its co-building agreement.

``load()`` is idempotent: projects are found by title and lead, tasks by title within
their project, and a task is only moved through its states when it is created.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.activities.choices import Track
from gongjian.agreements.models import Agreement
from gongjian.exchange.models import Need
from gongjian.orgs.models import Organization

from .choices import TaskStatus
from .models import Milestone, Outcome, Project, ProjectEvent, Task, TaskEvent

D = datetime.date

BOOTH_LOCATIONS = [
    "广富林路658弄三新居民区南门",
    "广富林路1188号广富林文化遗址东侧",
    "三新北路900弄小区北门",
    "三新北路1155号街心花园",
    "三新北路1288弄小区西门",
    "龙腾路1050号东侧绿地",
    "龙腾路1500弄小区南门",
    "龙腾路2229号社区卫生服务中心旁",
    "辰花路1399弄小区西门",
    "辰花路288号停车场入口",
    "旗亭路1180弄小区正门",
    "旗亭路535号农贸市场东侧",
    "梅家浜路1088弄小区南门",
    "梅家浜路300号公交站旁",
    "银泽路500弄小区东门",
    "银泽路1288号商业广场北侧",
    "龙源路555号社区事务受理中心门口",
    "龙源路188弄小区西门",
    "文诚路888号大学城地铁站出口",
    "文诚路1500号高校南门",
    "广轩路66号社区文化活动中心广场",
    "广轩路399弄小区北门",
    "新松江路1800号广富林郊野公园入口",
    "新松江路925弄小区东门",
    "人民北路2888号邻里中心前",
]

# Booth number -> (state, team organization, team member's username); unlisted booths stay open.
BOOTH_STATES = {
    1: (TaskStatus.ACCEPTED, "工业设计系教工党支部", "member_zhang"),
    2: (TaskStatus.ACCEPTED, "工业设计系教工党支部", "member_zhang"),
    3: (TaskStatus.ACCEPTED, "工业设计系教工党支部", "member_zhang"),
    4: (TaskStatus.ACCEPTED, "工业设计系教工党支部", "member_zhang"),
    5: (TaskStatus.ACCEPTED, "筑梦创设学生党支部", "member_liu"),
    6: (TaskStatus.ACCEPTED, "筑梦创设学生党支部", "member_liu"),
    7: (TaskStatus.SUBMITTED, "工业设计系教工党支部", "member_zhang"),
    8: (TaskStatus.SUBMITTED, "筑梦创设学生党支部", "member_liu"),
    9: (TaskStatus.RETURNED, "筑梦创设学生党支部", "member_liu"),
    10: (TaskStatus.CLAIMED, "工业设计系教工党支部", "member_zhang"),
    11: (TaskStatus.CLAIMED, "工业设计系教工党支部", "member_zhang"),
    12: (TaskStatus.CLAIMED, "筑梦创设学生党支部", "member_liu"),
    13: (TaskStatus.CLAIMED, "筑梦创设学生党支部", "member_liu"),
}

BOOTH_OUTCOME = (
    "<p>示例学院党委组织工业设计系师生，结合“茸城e家”党群阵地升级，为广富林街道 25 个采样亭开展“一亭一案”个性化改造设计。</p>"
    "<ul><li>统一“茸城e家”视觉识别，融入广富林文化元素；</li>"
    "<li>采样功能与便民服务、党群宣传相结合，平时可作为志愿服务点；</li>"
    "<li>每个点位提交效果图、材料清单和施工建议。</li></ul>"
)

CULTURE_OUTCOME = (
    "<p>学院智库团被泗泾镇党委聘为“泗美锋尚推介官”，围绕古镇历史文化资源提炼城市文化 IP，"
    "完成 IP 形象、文创产品和线上推介方案，助力“美好社区，先锋行动”。</p>"
)

STATION_OUTCOME = (
    "<p>工业设计系教工党支部对场中居民区党群服务站开展空间诊断，提出“重构空间、多维服务”的设计建议："
    "功能分区、动线优化、适老化改造与党建元素融合，形成设计建议书交居民区党总支参考实施。</p>"
)


def _org(name):
    return Organization.objects.filter(name=name, archived_at__isnull=True).first()


def _user(username):
    return User.objects.filter(username=username).first()


def _find(model, **lookup):
    return model._default_manager.filter(**lookup).order_by("pk").first()


def _project(title, lead, partners, **fields):
    """The project by title and lead; created active with its partners when missing."""
    project = Project.objects.filter(title=title, lead=lead).first()
    if project is not None:
        return project, False
    project = Project(title=title, lead=lead, **fields)
    project.full_clean()
    project.save()
    project.set_partners([org for org in partners if org is not None])
    project.activate()
    _backdate_project(project, fields.get("period_start"))
    return project, True


def _backdate_project(project, day):
    # The demo year is 2023: history rows carry the project's own dates, not today's.
    if day is None:
        return
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    Project.objects.filter(pk=project.pk).update(created_at=moment)
    ProjectEvent.objects.filter(project=project).update(created_at=moment)


def _milestones(project, items):
    for order, (title, due, done) in enumerate(items, start=1):
        milestone, created = Milestone.objects.get_or_create(project=project, title=title, defaults={"due": due, "order": order})
        if created and done:
            Milestone.objects.filter(pk=milestone.pk).update(
                done_at=timezone.make_aware(datetime.datetime.combine(due, datetime.time(17, 0)))
            )


def _outcome(project, title, text):
    if not Outcome.objects.filter(project=project, title=title).exists():
        Outcome.objects.create(project=project, kind=Outcome.Kind.TEXT, title=title, text=text)


def _drive(task, state, *, team_org=None, team_people=(), worker=None, reviewer=None, evidence="", comment=""):
    """Move a new task to ``state`` through the same verbs users call."""
    if state == TaskStatus.OPEN or worker is None:
        return
    task.claim(worker, team_org=team_org, team_people=team_people)
    if state == TaskStatus.CLAIMED or reviewer is None:
        return
    task.submit(worker, evidence)
    if state == TaskStatus.ACCEPTED:
        task.accept(reviewer, comment)
    elif state == TaskStatus.RETURNED:
        task.return_(reviewer, comment)


def _backdate_task(task, day):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    stamps = {}
    for offset, event in enumerate(TaskEvent.objects.filter(task=task).order_by("pk")):
        moment = start + datetime.timedelta(days=offset * 3, hours=offset)
        TaskEvent.objects.filter(pk=event.pk).update(created_at=moment)
        field = {"claim": "claimed_at", "submit": "submitted_at", "accept": "reviewed_at", "return": "reviewed_at"}.get(event.action)
        if field:
            stamps[field] = moment
    if stamps:
        Task.objects.filter(pk=task.pk).update(**stamps)


def _tasks(project, items, day):
    """items: (title, location, weight, state, drive kwargs); returns how many were created."""
    created_count = 0
    for order, (title, location, weight, state, kwargs) in enumerate(items, start=1):
        task, created = Task.objects.get_or_create(
            project=project, title=title, defaults={"location": location, "weight": weight, "order": order}
        )
        if not created:
            continue
        created_count += 1
        TaskEvent.objects.create(task=task, action="create", from_status="", to_status=TaskStatus.OPEN)
        _drive(task, state, **kwargs)
        _backdate_task(task, day + datetime.timedelta(days=order % 20))
    return created_count


def load_sampling_booths():
    college, street = _org("示例学院党委"), _org("广富林街道党工委")
    if college is None or street is None:
        return None
    project, _ = _project(
        "采样亭改造",
        college,
        [street],
        brand="茸城e家",
        track=Track.CREATE,
        goals=(
            "支持广富林街道“茸城e家”党群阵地升级：为街道 25 个核酸采样亭开展个性化改造设计，"
            "一亭一案，把采样亭变为便民服务与党群宣传的小阵地。"
        ),
        period_start=D(2023, 3, 1),
        period_end=D(2023, 12, 31),
        is_public=True,
        is_featured=True,
    )
    need = _find(Need, title__contains="采样亭")
    if need is not None and not project.needs.filter(pk=need.pk).exists():
        project.needs.add(need)
    if project.agreement_id is None:
        agreement = _find(Agreement, title="区域化党建共建协议（示例学院—广富林街道）")
        if agreement is not None:
            Project.objects.filter(pk=project.pk).update(agreement=agreement)
            project.agreement = agreement
    _milestones(
        project,
        [
            ("现场踏勘与居民需求调研", D(2023, 3, 31), True),
            ("25 个采样亭改造方案评审", D(2023, 5, 31), True),
            ("改造施工配合与现场指导", D(2023, 9, 30), False),
            ("改造成果展示", D(2023, 12, 15), False),
        ],
    )
    _outcome(project, "“一亭一案”设计成果汇编", BOOTH_OUTCOME)
    reviewer = _user("college_admin")
    items = []
    for number, location in enumerate(BOOTH_LOCATIONS, start=1):
        state, team_name, username = BOOTH_STATES.get(number, (TaskStatus.OPEN, None, None))
        kwargs = {}
        if state != TaskStatus.OPEN:
            kwargs = {
                "team_org": _org(team_name),
                "worker": _user(username),
                "reviewer": reviewer,
                "evidence": f"已完成{location}采样亭现场测绘和改造方案，效果图、材料清单见附件。",
                "comment": "请补充夜间照明效果和无障碍坡道尺寸。" if state == TaskStatus.RETURNED else "方案符合“茸城e家”视觉规范，同意。",
            }
        items.append((f"{number:02d}号采样亭改造设计", location, 1, state, kwargs))
    _tasks(project, items, D(2023, 4, 3))
    return project


def load_culture_ip():
    town, college, think_tank = _org("泗泾镇党委"), _org("示例学院党委"), _org("学院智库团")
    if town is None or college is None:
        return None
    project, _ = _project(
        "泗美锋尚，古韵新生",
        town,
        [college, think_tank],
        brand="美好社区，先锋行动",
        track=Track.CREATE,
        goals="挖掘泗泾古镇历史文化资源，打造古城文化 IP；学院智库团担任“泗美锋尚推介官”，以设计和传播助力古镇焕新。",
        period_start=D(2023, 2, 20),
        period_end=D(2023, 11, 30),
        is_public=True,
    )
    _milestones(
        project,
        [
            ("古镇文化资源梳理", D(2023, 3, 31), True),
            ("聘任“泗美锋尚推介官”", D(2023, 4, 15), True),
            ("文化 IP 形象与文创设计", D(2023, 7, 31), False),
            ("线上线下推介活动", D(2023, 10, 31), False),
        ],
    )
    _outcome(project, "“泗美锋尚”文化 IP 推介方案", CULTURE_OUTCOME)
    worker, reviewer = _user("college_admin"), _user("sijing_admin")
    team = {"team_org": think_tank or college, "worker": worker, "reviewer": reviewer}
    items = [
        (
            "古镇历史文化资源调研报告",
            "泗泾古镇下塘历史文化风貌区",
            2,
            TaskStatus.ACCEPTED,
            {**team, "evidence": "调研报告已提交。", "comment": "内容翔实。"},
        ),
        ("古城文化 IP 形象设计", "泗泾镇江川路", 3, TaskStatus.SUBMITTED, {**team, "evidence": "IP 形象三套方案见附件。"}),
        ("文创产品开发", "泗泾古镇游客服务中心", 2, TaskStatus.CLAIMED, team),
        ("推介短视频拍摄", "泗泾古镇开江中路", 2, TaskStatus.OPEN, {}),
        ("线上推介活动策划", "泗泾镇文体中心", 1, TaskStatus.OPEN, {}),
    ]
    _tasks(project, items, D(2023, 4, 10))
    return project


def load_service_station():
    branch, community = _org("工业设计系教工党支部"), _org("场中居民区党总支")
    if branch is None or community is None:
        return None
    project, _ = _project(
        "场中居民区党群服务站设计",
        branch,
        [community],
        brand="重构空间多维服务",
        track=Track.CREATE,
        goals="为新桥镇场中居民区党群服务站提供空间设计专业建议，重构空间、多维服务，激活社区治理新模式。",
        period_start=D(2023, 4, 1),
        period_end=D(2023, 10, 31),
        is_public=True,
    )
    if project.agreement_id is None:
        agreement = _find(Agreement, title="重构空间多维服务，激活社区治理新模式")
        if agreement is not None:
            Project.objects.filter(pk=project.pk).update(agreement=agreement)
            project.agreement = agreement
    _milestones(
        project,
        [
            ("签订共建协议", D(2023, 4, 1), True),
            ("现状调研与居民访谈", D(2023, 5, 15), True),
            ("空间设计建议书", D(2023, 7, 31), False),
        ],
    )
    _outcome(project, "场中居民区党群服务站设计建议", STATION_OUTCOME)
    zhang = _user("member_zhang")
    team = {"team_people": [zhang.person] if zhang and zhang.person_id else [], "worker": zhang, "reviewer": _user("design_branch")}
    address = "新桥镇场中居民区党群服务站"
    items = [
        (
            "现状调研与居民需求访谈",
            address,
            1,
            TaskStatus.ACCEPTED,
            {**team, "evidence": "访谈 32 位居民，形成需求清单。", "comment": "同意。"},
        ),
        ("空间功能布局方案", address, 2, TaskStatus.SUBMITTED, {**team, "evidence": "功能分区与动线方案见附件。"}),
        ("效果图与适老化改造建议", address, 2, TaskStatus.OPEN, {}),
        ("方案交流会", address, 1, TaskStatus.OPEN, {}),
    ]
    _tasks(project, items, D(2023, 5, 4))
    return project


@transaction.atomic
def load():
    return {
        "sampling_booths": load_sampling_booths(),
        "culture_ip": load_culture_ip(),
        "service_station": load_service_station(),
    }
