"""No public page without the content-safety scan (issue 13 item 5, SECURITY.md item 13).

The showcase, the 亮约 page and the organization names they show refuse what the scan blocks
when they are saved, and a stored text that scans as block (changed by raw SQL) is not served.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus
from gongjian.agreements.tests.conftest import advance, make_agreement
from gongjian.lib.testing import api_client_for
from gongjian.orgs.models import Organization
from gongjian.projects.forms import ProjectForm
from gongjian.projects.models import Milestone, Outcome, Project
from gongjian.projects.tests.factories import active_project

CASINO_TITLE = "77779193永利官网采样亭改造"
HIDDEN_GOALS = '升级党群阵地<span style="display:none"><a href="http://www.77779193.com/">永利官网</a></span>'


def raw_update(table, column, value, pk):
    """A change behind the application's back, as a defacement would make it."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


@pytest.fixture
def showcase(world, seeded):
    return active_project(
        world.own_org, partners=[world.foreign_org], title="采样亭改造", brand="茸城e家", goals="升级党群阵地", is_public=True
    )


# --- refused on save ----------------------------------------------------------------------------


def test_it_refuses_a_casino_titled_public_project(world, seeded):
    project = Project(title=CASINO_TITLE, brand="茸城e家", lead=world.own_org, goals="升级党群阵地", is_public=True)
    with pytest.raises(ValidationError) as raised:
        project.full_clean()
    [message] = raised.value.message_dict["title"]
    assert "77779193永利官网" in message and "1–12" in message


def test_it_refuses_hidden_display_none_text_in_a_public_project(world, seeded):
    project = Project(title="采样亭改造", lead=world.own_org, goals=HIDDEN_GOALS, is_public=True)
    with pytest.raises(ValidationError) as raised:
        project.full_clean()
    assert list(raised.value.message_dict) == ["goals"]
    assert any("display:none" in message for message in raised.value.message_dict["goals"])


def test_it_refuses_the_casino_project_in_the_form_and_the_api(world, seeded):
    data = {"title": CASINO_TITLE, "brand": "", "track": "create", "lead": world.own_org.pk, "goals": HIDDEN_GOALS, "is_public": "on"}
    form = ProjectForm(data=data, instance=Project(), user=world.alliance_admin)
    assert not form.is_valid()
    assert "title" in form.errors and "goals" in form.errors
    api = api_client_for(world.alliance_admin)
    response = api.post("/api/v1/projects/", {"title": CASINO_TITLE, "lead": str(world.own_org.uuid), "is_public": True}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    assert not Project.objects.filter(title=CASINO_TITLE).exists()


def test_it_leaves_projects_that_are_not_public_to_their_owners(world, seeded):
    Project(title=CASINO_TITLE, lead=world.own_org, goals=HIDDEN_GOALS, is_public=False).full_clean()
    Project(title="永利路采样亭改造", brand="茸城e家", lead=world.own_org, is_public=True).full_clean()


def test_it_refuses_blocked_organization_names(world, seeded):
    for fields in ({"name": "77779193永利官网党委"}, {"name": "示例党委", "short_name": "永利官网"}):
        org = Organization(sector="school", kind="committee", **fields)
        with pytest.raises(ValidationError) as raised:
            org.full_clean()
        assert set(raised.value.message_dict) == set(fields) - ({"name"} if "short_name" in fields else set())
    Organization(name="永利路社区党支部", short_name="永利路", sector="social", kind="branch").full_clean()


def test_it_refuses_to_disclose_an_agreement_the_scan_blocks(world, seeded):
    agreement = advance(make_agreement(world, title="共建协议"), AgreementStatus.SIGNED, world.alliance_admin)
    raw_update("agreements_agreement", "summary", "详见77779193永利官网", agreement.pk)
    agreement.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        agreement.publish(world.alliance_admin)
    assert "summary" in raised.value.message_dict
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    clean = advance(make_agreement(world, title="组织联建协议"), AgreementStatus.PUBLISHED, world.alliance_admin)
    assert clean.status == AgreementStatus.PUBLISHED


def test_it_refuses_blocked_milestones_and_outcomes_of_a_public_project_only(world, showcase):
    with pytest.raises(ValidationError) as raised:
        Milestone(project=showcase, title="77779193永利官网").full_clean()
    assert list(raised.value.message_dict) == ["title"]
    with pytest.raises(ValidationError) as raised:
        Outcome(project=showcase, kind="text", title="改造总结", text="<p>详见77779193永利官网</p>").full_clean()
    assert list(raised.value.message_dict) == ["text"]
    api = api_client_for(world.alliance_admin)
    response = api.post("/api/v1/projects/milestones/", {"project": str(showcase.uuid), "title": "金沙娱乐城开业"}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    assert not Milestone.objects.filter(project=showcase).exists()
    # A project off the showcase is its owners' business, and real names stay allowed on it.
    Milestone(project=showcase, title="永利路站点改造完成").full_clean()
    private = active_project(world.own_org, title="内部项目", is_public=False)
    Milestone(project=private, title="77779193永利官网").full_clean()


def test_it_refuses_to_disclose_an_agreement_whose_obligation_or_role_the_scan_blocks(world, seeded):
    from gongjian.agreements.models import AgreementParty, Obligation

    for table, model, column in (
        ("agreements_obligation", Obligation, "description"),
        ("agreements_agreementparty", AgreementParty, "role"),
    ):
        agreement = advance(make_agreement(world, title=f"共建协议{table}"), AgreementStatus.SIGNED, world.alliance_admin)
        row = model.objects.filter(**({"party__agreement": agreement} if model is Obligation else {"agreement": agreement})).first()
        raw_update(table, column, "详见77779193永利官网", row.pk)
        with pytest.raises(ValidationError) as raised:
            agreement.publish(world.alliance_admin)
        assert list(raised.value.message_dict) == [column] and "77779193永利官网" in raised.value.message_dict[column][0]
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.SIGNED


# --- not served after a change behind the application -------------------------------------------------


def test_it_does_not_serve_a_showcase_defaced_by_raw_sql(client, showcase):
    other = active_project(showcase.lead, title="古城文化IP", is_public=True)
    assert client.get(showcase.get_showcase_url()).status_code == 200
    raw_update("projects_project", "title", "77779193永利官网", showcase.pk)
    response = client.get(showcase.get_showcase_url())
    assert response.status_code == 404 and "永利" not in response.content.decode()
    listing = client.get(reverse("projects:showcase_list")).content.decode()
    assert "永利" not in listing and other.title in listing


@pytest.mark.parametrize("where", ["goals", "lead", "outcome", "milestone"])
def test_it_does_not_serve_a_showcase_with_any_defaced_part(client, world, showcase, where):
    if where == "goals":
        raw_update("projects_project", "goals", HIDDEN_GOALS, showcase.pk)
    elif where == "lead":
        raw_update("orgs_organization", "name", "77779193永利官网", world.own_org.pk)
    elif where == "outcome":
        outcome = Outcome.objects.create(project=showcase, kind="text", title="改造总结", text="<p>焕然一新</p>")
        raw_update("projects_outcome", "text", '<p>焕然一新</p><div style="font-size:0"><a href="http://x.cc">x</a></div>', outcome.pk)
    else:
        Milestone.objects.create(project=showcase, title="77779193永利官网")
    assert client.get(showcase.get_showcase_url()).status_code == 404


def test_it_does_not_serve_a_defaced_agreement(client, world, seeded):
    agreement = advance(make_agreement(world, title="共建协议"), AgreementStatus.PUBLISHED, world.alliance_admin)
    url = reverse("agreements:agreement_public", args=[agreement.uuid])
    assert client.get(url).status_code == 200
    raw_update("agreements_agreement", "title", "77779193永利官网", agreement.pk)
    response = client.get(url)
    assert response.status_code == 404 and "永利" not in response.content.decode()


def test_it_does_not_serve_an_agreement_whose_party_was_renamed_behind_its_back(client, world, seeded):
    agreement = advance(make_agreement(world), AgreementStatus.PUBLISHED, world.alliance_admin)
    raw_update("orgs_organization", "name", "金沙娱乐城党委", world.foreign_org.pk)
    assert client.get(reverse("agreements:agreement_public", args=[agreement.uuid])).status_code == 404


def test_it_logs_what_it_withholds(client, showcase, caplog):
    raw_update("projects_project", "brand", "永利娱乐", showcase.pk)
    with caplog.at_level("WARNING", logger="gongjian.news.safety.publishing"):
        assert client.get(showcase.get_showcase_url()).status_code == 404
    assert f"projects.project {showcase.pk} withheld" in caplog.text and "永利" not in caplog.text


# --- found by verify_published, which rescans every public page --------------------------------------


def verify_published():
    from gongjian.news import seal

    return seal.verify_published("http://testserver", workers=1)


def test_it_tells_the_security_admins_of_every_public_page_the_lists_now_withhold(world, showcase, seeded):
    from gongjian.audit.models import Record
    from gongjian.lib.testing import make_user
    from gongjian.news.models import SafetyTerm
    from gongjian.notifications.models import Notification

    security = make_user("newssec", admin_role="security")
    agreement = advance(make_agreement(world, title="共建协议"), AgreementStatus.PUBLISHED, world.alliance_admin)
    active_project(world.own_org, title="古城文化IP", brand="古城文化", is_public=True)
    assert verify_published().ok and not Notification.objects.filter(kind="news_pages_withheld").exists()

    # The list grows by a term the showcase's brand carries, and an agreement is edited behind the application.
    SafetyTerm.objects.create(term="茸城e家", kind="term", tier="block", category="gambling")
    raw_update("agreements_agreement", "summary", "详见77779193永利官网", agreement.pk)
    report = verify_published()
    # The other public project stays out of it.
    assert not report.ok and [obj for obj, _ in report.withheld] == [showcase, agreement]
    assert any("茸城e家" in problem for problem in report.withheld[0][1])
    [notice] = Notification.objects.filter(kind="news_pages_withheld")
    assert notice.recipient == security and "茸城e家" in notice.body and agreement.get_public_url() in notice.body
    assert "2个公开页面" in notice.title
    records = Record.objects.filter(action="publish", outcome="failure").order_by("pk")
    assert [(r.object_type, r.object_id) for r in records] == [
        ("projects.project", str(showcase.pk)),
        ("agreements.agreement", str(agreement.pk)),
    ]
    assert records[1].changes["public_url"] == agreement.get_public_url() and records[1].actor_name == "gongjian"


def test_it_exits_non_zero_while_a_public_page_is_withheld(showcase):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("verify_published", "--base-url", "http://testserver", "--workers", "1", stdout=out)
    assert "other public pages withheld 0" in out.getvalue()
    raw_update("projects_project", "title", "77779193永利官网", showcase.pk)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_published", "--base-url", "http://testserver", "--workers", "1", stdout=out)
    assert f"withheld projects.project {showcase.uuid}" in out.getvalue() and "other public pages withheld 1" in out.getvalue()
