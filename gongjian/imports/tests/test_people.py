"""Importing people and memberships: phone as natural key, encrypted phones, the expert pool, scope."""

import io

from django.db import connection

from gongjian.audit.models import Action, Record, verify_chain
from gongjian.imports.importers import MembershipImporter, PersonImporter
from gongjian.imports.sheets import CREATE, UNCHANGED, UPDATE
from gongjian.lib.crypto import lookup_hash
from gongjian.orgs.models import Membership, Person

from .conftest import xlsx_bytes

PEOPLE = ["姓名", "性别", "手机号", "电子邮箱", "职务荣誉", "宣讲专家", "宣讲主题", "所属组织"]
MEMBERS = ["手机号", "所属组织", "角色", "职务", "加入日期"]


def sheet(headers, rows):
    return io.BytesIO(xlsx_bytes(headers, rows))


def plan(importer_class, user, headers, rows):
    return importer_class(user).plan(sheet(headers, rows))


def run(importer_class, user, headers, rows):
    importer = importer_class(user)
    result = importer.plan(sheet(headers, rows))
    assert result.errors == []
    return importer.write(result, actor=user)


def errors_by_row(result):
    return {error["row"]: " ".join(error["messages"]) for error in result.errors}


def test_it_creates_people_with_encrypted_phones_titles_and_a_membership(world):
    rows = [
        ["沈教授", "男", 13900139000, "shen@example.cn", "市委党校教授、宣讲团成员", "是", "党的二十大精神、基层治理", "示例学院党委"],
        ["黄老师", "女", "139 0013 9001", "", "", "否", "", ""],
    ]
    counts = run(PersonImporter, world.alliance_admin, PEOPLE, rows)
    assert counts == {CREATE: 2, UPDATE: 0, UNCHANGED: 0}
    shen = Person.objects.get(name="沈教授")
    assert (shen.gender, shen.phone, shen.email) == ("male", "13900139000", "shen@example.cn")
    assert shen.titles == ["市委党校教授", "宣讲团成员"] and shen.is_speaker and shen.speaker_topics == ["党的二十大精神", "基层治理"]
    assert shen.phone_hash == lookup_hash("13900139000") and shen.pinyin_initials == "sjs"
    assert Person.objects.speakers().get() == shen
    assert Membership.objects.get(person=shen).organization == world.own_org
    huang = Person.objects.get(name="黄老师")
    assert huang.phone == "13900139001" and not huang.memberships.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM orgs_person WHERE id = %s", [shen.pk])
        assert "13900139000" not in cursor.fetchone()[0]


def test_it_updates_people_found_by_phone_or_by_name_in_an_organization(world):
    rows = [["沈教授", "男", "13900139000", "", "市委党校教授", "否", "", ""], ["张伟", "", "", "", "", "", "", "示例学院党委"]]
    run(PersonImporter, world.alliance_admin, PEOPLE, rows)
    count = Person.objects.count()
    rows = [["沈建国", "男", "13900139000", "", "市委党校教授", "否", "", ""], ["张伟", "男", "", "", "党支部书记", "", "", "示例学院党委"]]
    counts = run(PersonImporter, world.alliance_admin, PEOPLE, rows)
    assert counts == {CREATE: 0, UPDATE: 2, UNCHANGED: 0}
    assert Person.objects.count() == count
    assert Person.objects.get(phone_hash=lookup_hash("13900139000")).name == "沈建国"
    assert Person.objects.get(name="张伟").titles == ["党支部书记"]
    assert Membership.objects.filter(person__name="张伟").count() == 1
    assert plan(PersonImporter, world.alliance_admin, PEOPLE, rows).count(UNCHANGED) == 2


def test_it_reports_bad_people_rows_in_chinese(world):
    rows = [
        ["甲", "", "12345", "", "", "", "", ""],  # row 2: bad phone
        ["乙", "", "13900139002", "", "", "是", "", ""],  # row 3: a speaker without topics (the model's rule)
        ["丙", "", "", "", "", "", "", ""],  # row 4: neither phone nor organization
        ["丁", "未知", "13900139003", "不是邮箱", "", "也许", "", ""],  # row 5: gender, email, speaker flag
        ["戊", "", "13900139004", "", "", "", "", "不存在的组织"],  # row 6: unknown organization
        ["己", "", "139-0013-9002", "", "", "", "", ""],  # row 7: the same phone as row 3
    ]
    errors = errors_by_row(plan(PersonImporter, world.alliance_admin, PEOPLE, rows))
    assert errors[2].startswith("手机号：")
    assert errors[3].startswith("宣讲主题：")
    assert errors[4] == "请填写手机号或所属组织，以便再次导入时能识别此人。"
    assert "性别：请填写以下之一：男、女。" in errors[5] and "宣讲专家：请填写“是”或“否”。" in errors[5] and "电子邮箱：" in errors[5]
    assert errors[6] == "所属组织：找不到名为“不存在的组织”的组织。"
    assert errors[7] == "与第 3 行的手机号重复。"
    assert Person.objects.filter(name__in=["甲", "乙", "丙", "丁", "戊", "己"]).count() == 0


def test_it_lets_an_org_admin_import_people_only_into_their_organizations(world):
    Person.objects.create(name="街道干部", phone="13900139009")
    Membership.objects.create(person=Person.objects.get(name="街道干部"), organization=world.foreign_org)
    rows = [
        ["新党员", "", "13900139010", "", "", "", "", "工业设计系教工党支部"],  # row 2: fine
        ["外人", "", "13900139011", "", "", "", "", "广富林街道党工委"],  # row 3: foreign organization
        ["无组织", "", "13900139012", "", "", "", "", ""],  # row 4: no organization
        ["街道干部", "", "13900139009", "", "", "", "", "示例学院党委"],  # row 5: a person of another organization
    ]
    errors = errors_by_row(plan(PersonImporter, world.org_admin, PEOPLE, rows))
    assert sorted(errors) == [3, 4, 5]
    assert errors[3] == "所属组织：请填写一个您管理的组织。"
    assert "不管理的组织" in errors[5]


def test_it_records_people_with_masked_phones(world):
    first = Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    run(PersonImporter, world.alliance_admin, PEOPLE, [["王芳", "女", "13900139020", "", "", "", "", "示例学院党委"]])
    records = list(Record.objects.filter(pk__gt=first).order_by("pk"))
    assert [(r.action, r.object_type) for r in records] == [(Action.CREATE, "orgs.person"), (Action.CREATE, "orgs.membership")]
    assert records[0].changes["phone"] == ["", "139****9020"]
    assert "13900139020" not in str(records[0].changes) and lookup_hash("13900139020") not in str(records[0].changes)
    assert verify_chain() is None


# --- Memberships -----------------------------------------------------------------------------


def test_it_imports_memberships_by_phone_and_updates_them_again(world):
    person = Person.objects.create(name="刘洋", phone="13900139030")
    rows = [["13900139030", "工业设计系教工党支部", "管理员", "组织委员", "2024-09-01"]]
    assert run(MembershipImporter, world.alliance_admin, MEMBERS, rows) == {CREATE: 1, UPDATE: 0, UNCHANGED: 0}
    membership = Membership.objects.get(person=person)
    assert (membership.organization, membership.role, membership.position, str(membership.joined_on)) == (
        world.own_branch, "admin", "组织委员", "2024-09-01"
    )
    rows[0][2:4] = ["成员", "宣传委员"]
    assert run(MembershipImporter, world.alliance_admin, MEMBERS, rows) == {CREATE: 0, UPDATE: 1, UNCHANGED: 0}
    membership.refresh_from_db()
    assert (membership.role, membership.position) == ("member", "宣传委员")
    assert Membership.objects.filter(person=person).count() == 1


def test_it_reports_bad_membership_rows(world):
    Person.objects.create(name="刘洋", phone="13900139030")
    rows = [
        ["13900139099", "示例学院党委", "", "", ""],  # row 2: nobody has this phone
        ["13900139030", "工业设计系教工党支部", "书记", "", ""],  # row 3: no such role
        ["13900139030", "广富林街道党工委", "", "", "去年"],  # row 4: not a date
        ["13900139030", "示例学院党委", "", "", ""],  # row 5: fine
        ["13900139030", "示例学院党委", "成员", "", ""],  # row 6: the same as row 5
    ]
    errors = errors_by_row(plan(MembershipImporter, world.alliance_admin, MEMBERS, rows))
    assert errors[2] == "手机号：没有使用此手机号的人员，请先导入人员。"
    assert errors[3] == "角色：请填写以下之一：管理员、成员。"
    assert errors[4].startswith("加入日期：")
    assert errors[6] == "与第 5 行的人员和组织重复。"
    assert 5 not in errors


def test_it_lets_an_org_admin_add_members_only_to_their_organizations(world):
    Person.objects.create(name="刘洋", phone="13900139030")
    rows = [["13900139030", "工业设计系教工党支部", "", "", ""], ["13900139030", "广富林街道党工委", "管理员", "", ""]]
    errors = errors_by_row(plan(MembershipImporter, world.org_admin, MEMBERS, rows))
    assert errors == {3: "所属组织：您只能向自己管理的组织导入。"}
