import io
import types

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from gongjian.accounts.models import User
from gongjian.audit.models import Record
from gongjian.orgs import demo
from gongjian.orgs.management.commands import load_demo
from gongjian.orgs.models import Membership, Organization, Person, Region
from gongjian.orgs.validators import validate_credit_code

pytestmark = pytest.mark.django_db

# The organizations the brief names; other apps' demo data look them up by these exact names.
BRIEF_ORGANIZATIONS = """
示例学院党委 示例学院党委理论学习中心组 学院办公室党支部 机械制造系教工党支部 工业设计系教工党支部 筑梦创设学生党支部 众创空间学生党支部
“熔·融”党建工作室 学院智库团 某大学国际合作处党支部 某大学管理学院办公室党支部 松江区科创发展办党组 松江区发展和改革委员会党组
松江区党建服务中心党支部 松江经济技术开发区党工委 松江区税务局第一税务所党支部 “茸易”工作室 松江区就业促进中心党支部 广富林街道党工委
泗泾镇党委 新桥镇党委 场中居民区党总支 石湖荡镇党委 奉城镇党委 渔墩村党总支 中共盐津县委 正泰电气股份有限公司党委
上海松江智能装备有限公司党支部 上海新材料科技有限公司党支部 上海精密机械有限公司党支部 上海比亚迪有限公司党委 上海云创信息科技有限公司党支部
上海松江物流有限公司党支部 上海华茸食品有限公司党支部 上海九科绿洲生物科技有限公司党支部 上海泖港新能源有限公司党支部
上海佘山文旅发展有限公司党支部 上海洞泾电子有限公司党支部 奉城镇科学技术协会 松江区G60两新组织联合党支部
""".split()


def row_counts():
    """Rows in every table of the project's own apps, plus users and the audit trail."""
    models = [m for m in apps.get_models() if m.__module__.startswith("gongjian.")]
    return {m._meta.label: m._base_manager.count() for m in models}


def test_it_creates_every_organization_the_brief_names(db):
    demo.load()
    names = set(Organization.objects.values_list("name", flat=True))
    assert set(BRIEF_ORGANIZATIONS) <= names
    studio = Organization.objects.get(name="“茸易”工作室")
    assert studio.parent.name == "松江区税务局第一税务所党支部" and studio.kind == "studio"
    assert Organization.objects.get(name="场中居民区党总支").parent.name == "新桥镇党委"
    assert Organization.objects.get(name="工业设计系教工党支部").parent.name == "示例学院党委"
    assert Organization.objects.get(name="中共盐津县委").region.full_name() == "云南省昭通市盐津县"
    assert Organization.objects.get(name="渔墩村党总支").region.full_name() == "上海市奉贤区奉城镇渔墩村"


def test_it_gives_enterprises_valid_distinct_credit_codes(db):
    demo.load()
    enterprises = Organization.objects.filter(sector="enterprise")
    assert enterprises.count() == 12
    codes = [org.credit_code for org in enterprises]
    assert len(set(codes)) == 12
    for code in codes:
        validate_credit_code(code)


def test_it_builds_the_region_tree(db):
    demo.load()
    xinqiao = Region.objects.get(name="新桥镇")
    assert Region.objects.get(name="场中居民区").parent == xinqiao
    assert xinqiao.parent.name == "松江区" and xinqiao.level == 3
    assert Region.objects.get(name="盐津县").parent.name == "云南省昭通市"


def test_it_creates_the_demo_logins_with_their_roles(db):
    demo.load()
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {username for username, _ in demo.DEMO_LOGINS}
    assert all(not u.must_change_password and u.check_password(demo.DEMO_PASSWORD) for u in users.values())
    assert users["alliance"].is_alliance_admin and users["alliance"].person.name == "王建国"
    assert {users[n].admin_role for n in ("auditor", "sysadmin", "secadmin")} == {"audit", "system", "security"}
    college = Membership.objects.get(person=users["college_admin"].person)
    assert (college.organization.name, college.role) == ("示例学院党委", "admin")
    assert Membership.objects.get(person__name="张伟").organization.name == "工业设计系教工党支部"
    assert Membership.objects.get(person__name="刘洋").organization.name == "筑梦创设学生党支部"
    assert Membership.objects.get(person=users["xinqiao_admin"].person).organization.name == "新桥镇党委"


def test_it_fills_the_expert_pool(db):
    demo.load()
    speakers = {p.name: p for p in Person.objects.speakers()}
    assert set(speakers) == {"顾劳模", "沈教授", "黄老师", "吴讲师"}
    assert speakers["顾劳模"].titles == ["党的二十大代表", "上海市五一劳动奖章获得者"]
    assert all(p.speaker_topics for p in speakers.values())


def test_it_lets_the_street_admin_find_their_organization_by_pinyin(db, client_for):
    demo.load()
    user = User.objects.get(username="gfl_admin")
    html = client_for(user).get("/orgs/", {"q": "gfl"}).content.decode()
    assert "广富林街道党工委" in html


def test_it_creates_nothing_new_the_second_time(db):
    demo.load()
    before = row_counts()
    demo.load()
    assert row_counts() == before
    assert before["audit.Record"] > 0  # the first run was audited; the second wrote nothing at all


class TestCommand:
    @pytest.fixture
    def stub_apps(self, monkeypatch):
        loaded = []
        modules = {app: types.SimpleNamespace(load=lambda app=app: loaded.append(app)) for app in load_demo.DEMO_APPS}
        monkeypatch.setattr(load_demo, "demo_module", lambda app: modules[app])
        return loaded, modules

    def test_it_loads_orgs_then_each_app_and_prints_the_logins(self, db, stub_apps):
        loaded, _ = stub_apps
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        assert loaded == list(load_demo.DEMO_APPS)
        text = out.getvalue()
        assert f"orgs, {', '.join(load_demo.DEMO_APPS)}" in text and demo.DEMO_PASSWORD in text
        for username, _ in demo.DEMO_LOGINS:
            assert username in text

    def test_it_loads_everything_in_one_transaction(self, db, stub_apps):
        _, modules = stub_apps

        def broken():
            raise RuntimeError("agreements demo failed")

        modules["agreements"] = types.SimpleNamespace(load=broken)
        with pytest.raises(RuntimeError):
            call_command("load_demo", stdout=io.StringIO())
        assert not Organization.objects.exists() and not User.objects.exists()

    def test_it_creates_nothing_new_when_run_twice_with_every_app(self, db):
        call_command("load_demo", stdout=io.StringIO())
        before = row_counts()
        last_record = Record.objects.order_by("-pk").values_list("pk", flat=True).first()
        call_command("load_demo", stdout=io.StringIO())
        after = row_counts()
        changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
        written = list(Record.objects.filter(pk__gt=last_record).values_list("action", "object_type", "object_repr", "changes"))
        assert not changed, f"the second run created rows: {changed}; audited writes: {written}"
        assert Record.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_load_the_demo_into_a_database_of_real_organizations():
    Organization.objects.create(name="某区委组织部", sector="government")
    with pytest.raises(CommandError, match="not the demo's"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="alliance").exists()


@pytest.mark.django_db
def test_it_flags_demo_logins_that_open_with_the_published_password_in_the_deploy_check(settings):
    from gongjian.lib.checks import check_demo_logins

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=io.StringIO())
    assert check_demo_logins(None) == []  # without --database the check reads nothing
    errors = check_demo_logins(None, databases=["default"])
    assert [e.id for e in errors] == ["gongjian.E004"]
    assert "college_admin" in errors[0].msg and "news_writer" in errors[0].msg
    for user in User.objects.filter(username__in=["alliance", "college_admin"]):
        user.set_password("另一个-Strong-密码-2024")
        user.save()
    assert "college_admin" not in check_demo_logins(None, databases=["default"])[0].msg
    User.objects.exclude(username__in=["alliance", "college_admin"]).update(is_active=False)
    assert check_demo_logins(None, databases=["default"]) == []
