"""The demo's news (see /work/shared/scenario/README.md, "Publicity").

* The scenario's report of the college's half-year, 区域化党建聚合力 组团式激发新动能, written in the
  platform's own words: drafted by the 党委's publicity clerk, passed by three different people
  (初审 李红, 复审 the publicity officer 钱宣, 终审 the alliance admin 王建国), published on
  2023-06-26 under 示例学院's name, sealed, with 63 views.
* A draft whose title carries an injected casino name, as on the defaced page: the scan holds it
  for the security admin, so the demo shows what a finding looks like.

``load()`` is idempotent: the people, logins and articles are looked up by name and title, and
nothing is written when they exist.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from gongjian.accounts.models import User
from gongjian.activities.models import Activity
from gongjian.agreements.models import Agreement
from gongjian.orgs.demo import DEMO_PASSWORD
from gongjian.orgs.models import Membership, Organization, Person
from gongjian.projects.models import Project

from .choices import Category
from .models.articles import Article
from .models.history import ArticleVersion, ReviewStep

COLLEGE = "示例学院党委"
TZ = ZoneInfo("Asia/Shanghai")

# (username, name, phone, role at the 党委, position, what the login is for)
NEWSROOM = [
    ("news_writer", "赵文", "13916600021", Membership.Role.MEMBER, "党委宣传部干事", "示例学院党委宣传干事（撰写新闻稿）"),
    ("publicity", "钱宣", "13916600022", Membership.Role.ADMIN, "党委宣传委员", "示例学院党委宣传委员（新闻稿复审）"),
]
DEMO_LOGINS = [(username, purpose) for username, *_, purpose in NEWSROOM]

TITLE = "区域化党建聚合力 组团式激发新动能"
SUMMARY = (
    "2023年上半年，示例学院党委以“熔·融”党建双促工程为牵引，联合政府、学校、企业和社会组织，"
    "通过理论联学、组织联建、项目联创推动区域化党建“组团式”对接，共建工作走向精准化、机制化、品牌化。"
)
BODY = """
<p>2023年上半年，示例学院党委把区域化党建作为服务地方发展、推动学院事业的重要抓手，深入实施“熔·融”党建双促工程，与政府部门、兄弟高校、重点企业和社会组织开展“组团式”对接，推动共建工作精准化、机制化、品牌化。</p>
<h2>理论联学：学在一起，悟在一处</h2>
<p>学院开设“熔·融”系列理论宣讲，先后邀请党的二十大代表、上海市五一劳动奖章获得者，市委党校教授，市教卫系统宣讲团成员和两新组织“百师百讲”宣讲团成员走进校园。党委理论学习中心组与某大学国际合作处党支部、学院办公室党支部与某大学管理学院办公室党支部围绕“党建工作互学、先进经验互鉴、优势资源互补”结对学习；机械制造系教工党支部与筑梦创设学生党支部共建“红色阵地+线上展示+AR践创”联学模式。</p>
<p>学院与松江区科创发展办党组开展全国两会精神专题联学，围绕核心技术联合攻关、产学研金服务平台和产教融合深入交流；与区发展和改革委员会、区党建服务中心、松江经济技术开发区党工委及两新企业共同启动“长三角一体化发展‘G60先进制造’交流服务月”，举办多场圆桌交流。</p>
<h2>组织联建：建在一起，干在一处</h2>
<p>教工党支部走进松江经济技术开发区调研产业集群和人才需求，与正泰电气股份有限公司等四家重点企业座谈人才培养和实践课程，为新设的智能制造工程专业打下基础。学院“熔·融”党建工作室与区税务局第一税务所“茸易”工作室、区就业促进中心党支部三方共建，联合上海比亚迪有限公司等八家企业，为学生提供政策、行业和职业规划“组团式”就业创业服务。</p>
<p>学院与云南省盐津县、石湖荡镇、渔墩村组建党建微联盟，设立多个劳动党课和社会实践基地；众创空间学生党支部与奉城镇科学技术协会签约共建，参与“人才、税务、创业、技术进企业”系列活动。</p>
<h2>项目联创：创在一起，成在一处</h2>
<p>学院党委获评“松江区区域化党建优秀共建党组织”，与广富林街道党工委、泗泾镇党委、新桥镇党委的共建不断深化。学院认领广富林街道25个采样亭的个性化改造设计，助力“茸城e家”党群服务阵地升级；参与泗泾镇“美好社区，先锋行动”古城文化IP项目“泗美锋尚，古韵新生”，学院智库团受聘为“泗美锋尚推介官”；工业设计系教工党支部与新桥镇场中居民区党总支签订“重构空间多维服务，激活社区治理新模式”共建协议，为场中居民区党群服务站的设计提供专业建议。</p>
<p>下一步，学院党委将继续深化“熔·融”党建双促工程，推动区域化党建资源共享、优势互补、互促共进，以高质量党建引领学院高质量发展。</p>
""".strip()
VIEWS = 63

# (decision, who, when, comment): the three reviews of the scenario article.
STEPS = [
    ("submit", "news_writer", datetime.datetime(2023, 6, 20, 16, 30, tzinfo=TZ), "上半年区域化党建工作综述，请审核。"),
    ("pass_first", "college_admin", datetime.datetime(2023, 6, 21, 9, 40, tzinfo=TZ), "事实与台账核对无误。"),
    ("pass_second", "publicity", datetime.datetime(2023, 6, 25, 14, 5, tzinfo=TZ), "文字已润色，同意报党委终审。"),
    ("publish", "alliance", datetime.datetime(2023, 6, 26, 10, 0, tzinfo=TZ), "同意发布。"),
]
PUBLISHED_AT = STEPS[-1][2]

# The defaced copy: the institution's name replaced by the casino's, as on the real page.
DEFACED_TITLE = "77779193永利官网党委获评松江区区域化党建优秀共建党组织"
DEFACED_BODY = "<p>近日，77779193永利官网党委获评“松江区区域化党建优秀共建党组织”。77779193永利官网将继续深化“熔·融”党建双促工程。</p>"

REPORTED_ORGANIZATIONS = ["广富林街道党工委", "泗泾镇党委", "新桥镇党委", "场中居民区党总支", "奉城镇科学技术协会", "中共盐津县委"]
REPORTED_PROJECTS = ["采样亭改造", "泗美锋尚，古韵新生"]


def _newsroom(college):
    users = {}
    for username, name, phone, role, position, _purpose in NEWSROOM:
        person = Person.objects.filter(name=name).first()
        if person is None:
            person = Person(name=name, phone=phone)
            person.full_clean()
            person.save()
        if not Membership.objects.filter(person=person, organization=college).exists():
            Membership.objects.create(
                person=person, organization=college, role=role, position=position, joined_on=datetime.date(2023, 1, 3)
            )
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(username=username, person=person, must_change_password=False)
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    return users


def _link(article):
    article.organizations.add(*Organization.objects.filter(name__in=REPORTED_ORGANIZATIONS))
    article.projects.add(*Project.objects.filter(title__in=REPORTED_PROJECTS))
    article.agreements.add(*Agreement.objects.filter(title__contains="重构空间多维服务"))
    article.activities.add(*Activity.objects.filter(title__startswith="“熔·融”理论宣讲")[:4])


def load_report(college, users):
    """The scenario article through the whole flow, dated as in the scenario."""
    article = Article.objects.filter(title=TITLE, organization=college).first()
    if article is not None:
        return article
    article = Article(title=TITLE, summary=SUMMARY, body=BODY, category=Category.WORK, organization=college, author=users["news_writer"])
    article.full_clean()
    article.save()
    _link(article)
    for decision, username, _when, comment in STEPS:
        done = getattr(article, decision)(users[username], comment=comment)
        if done.name != decision:
            raise RuntimeError(f"the demo article was {done.name} at {decision}: the content-safety scan flagged it")
    # Dated as the scenario tells it; the seal covers the title and text, not the dates.
    for decision, _username, when, _comment in STEPS:
        ReviewStep.objects.filter(article=article, decision=decision).update(created_at=when)
    ArticleVersion.objects.filter(article=article).update(published_at=PUBLISHED_AT)
    Article.objects.filter(pk=article.pk).update(
        published_at=PUBLISHED_AT, created_at=STEPS[0][2], updated_at=PUBLISHED_AT, view_count=VIEWS
    )
    return article


def load_defaced(college, users):
    """Saved without the form's validation, as a legacy import would be: the scan on save holds it."""
    article = Article.objects.filter(title=DEFACED_TITLE).first()
    if article is None:
        article = Article(
            title=DEFACED_TITLE,
            summary="",
            body=DEFACED_BODY,
            category=Category.SHOWCASE,
            organization=college,
            author=users["news_writer"],
        )
        article.save()
    return article


@transaction.atomic
def load():
    college = Organization.objects.filter(name=COLLEGE, parent=None).first()
    if college is None:
        return None
    users = _newsroom(college)
    users.update({u.username: u for u in User.objects.filter(username__in=["college_admin", "alliance"])})
    if not {"college_admin", "alliance"} <= set(users):
        return None
    return {"report": load_report(college, users), "defaced": load_defaced(college, users)}
