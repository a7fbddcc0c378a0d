from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongjian.audit.models import Action, Outcome, Record
from gongjian.audit.recording import record
from gongjian.orgs.models import Person

LIST = reverse("audit:record_list")
API = "/api/v1/audit/records/"


def detail(entry):
    return reverse("audit:record_detail", args=[entry.pk])


@pytest.fixture
def entries(db):
    return [
        record(Action.LOGIN_FAILED, actor_name="zhangwei", outcome=Outcome.FAILURE, object_repr="zhangwei"),
        record(Action.EXPORT, actor_name="liuyang", changes={"list": "people.xlsx"}),
    ]


@pytest.mark.parametrize("role", ["alliance_admin", "org_admin", "member", "outsider"])
def test_it_refuses_the_audit_trail_to_business_roles(client_for, api_for, world, entries, role):
    user = world.users[role]
    client = client_for(user)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(entries[0])).status_code == 403
    assert client.get(LIST, {"export": "xlsx"}).status_code == 403
    assert api_for(user).get(API).status_code == 403
    assert api_for(user).get(f"{API}{entries[0].pk}/").status_code == 403


@pytest.mark.parametrize("who", ["system", "security"])
def test_it_refuses_the_audit_trail_to_the_other_two_admins(client_for, api_for, admins, entries, who):
    user = getattr(admins, who)
    assert client_for(user).get(LIST).status_code == 403
    assert api_for(user).get(API).status_code == 403


def test_it_needs_a_login(client, entries):
    assert client.get(LIST).status_code == 302
    assert client.get(API).status_code in (401, 403)


@pytest.mark.parametrize("who", ["audit", "superuser"])
def test_it_shows_the_trail_to_the_audit_admin_and_the_superuser(client_for, api_for, admins, entries, who):
    user = getattr(admins, who)
    page = client_for(user).get(LIST)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert entries[0].pk in [r.pk for r in page.context["object_list"]]
    assert api_for(user).get(API).status_code == 200


def test_it_is_read_only_in_the_api(api_for, admins, entries):
    client = api_for(admins.audit)
    url = f"{API}{entries[0].pk}/"
    assert client.post(API, {"action": "login"}).status_code == 405
    assert client.patch(url, {"actor_name": "x"}).status_code == 405
    assert client.put(url, {"actor_name": "x"}).status_code == 405
    assert client.delete(url).status_code == 405
    assert Record.objects.get(pk=entries[0].pk).actor_name == "zhangwei"


def test_it_filters_by_actor_action_object_outcome_and_date(client_for, api_for, admins, entries):
    client = client_for(admins.audit)

    def pks(**params):
        return {r.pk for r in client.get(LIST, params).context["object_list"]}

    assert pks(actor="ZHANG") == {entries[0].pk}
    assert pks(action="export") == {entries[1].pk}
    assert pks(outcome="failure") == {entries[0].pk}
    today = timezone.localdate()
    assert {entries[0].pk, entries[1].pk} <= pks(since=today.isoformat(), until=today.isoformat())
    assert pks(until=(today - timedelta(days=1)).isoformat()) == set()
    assert pks(object_type="accounts.user") == {r.pk for r in Record.objects.filter(object_type="accounts.user")}
    api = api_for(admins.audit).get(API, {"action": "login_failed", "outcome": "failure"}).json()
    assert [row["id"] for row in api["results"]] == [entries[0].pk]
    assert api["results"][0]["actor_name"] == "zhangwei"


def test_it_counts_the_filtered_trail_in_a_second_request(client_for, admins, entries):
    client = client_for(admins.audit)
    page = client.get(LIST, {"action": "export"}).content.decode()
    assert "count=1" in page
    assert client.get(LIST, {"action": "export", "count": "1"}).content.decode() == "共 1 条"


def test_it_lists_with_a_constant_number_of_queries(client_for, api_for, admins, entries):
    client = client_for(admins.audit)
    api = api_for(admins.audit)
    client.get(LIST)

    def count(c, url, params):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url, params).status_code == 200
        return len(ctx)

    few_page, few_api = count(client, LIST, {"per_page": 100}), count(api, API, {"page_size": 100})
    for i in range(60):
        record(Action.UPDATE, actor=admins.system, changes={"n": [i, i + 1]})
    assert count(client, LIST, {"per_page": 100}) == few_page
    assert count(client, LIST, {"per_page": 20}) == few_page
    assert count(api, API, {"page_size": 100}) == few_api


def test_it_shows_a_record_with_the_masked_diff(client_for, admins, db):
    person = Person.objects.create(name="张伟", phone="13812348000")
    entry = Record.objects.filter(object_type="orgs.person", object_id=str(person.pk)).latest("pk")
    page = client_for(admins.audit).get(detail(entry))
    assert page.status_code == 200
    html = page.content.decode()
    assert "138****8000" in html
    assert "13812348000" not in html
    assert ("phone", None, "138****8000", True) in [(k, o or None, n, p) for k, o, n, p in page.context["changes"]]


def test_it_exports_the_filtered_trail_and_records_the_export(client_for, admins, entries):
    response = client_for(admins.audit).get(LIST, {"export": "xlsx", "action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Record.objects.filter(action=Action.EXPORT, actor=admins.audit).exists()


def test_it_shows_the_audit_menu_to_audit_readers_only(client_for, world, admins):
    def admin_menu(user):
        menu = {key: items for key, _, items in client_for(user).get("/").context["main_menu"]}
        return [url for _, url in menu["admin"]]

    assert LIST in admin_menu(admins.audit)
    assert LIST in admin_menu(admins.superuser)
    assert LIST not in admin_menu(admins.system)
    assert LIST not in admin_menu(world.alliance_admin)


def test_it_serves_one_record_with_its_masked_diff_and_chain_link_in_the_api(api_for, admins, db):
    person = Person.objects.create(name="张伟", phone="13812348000")
    entry = Record.objects.filter(object_type="orgs.person", object_id=str(person.pk)).latest("pk")
    data = api_for(admins.audit).get(f"{API}{entry.pk}/").json()
    assert data["changes"]["phone"] == ["", "138****8000"]
    assert data["mac"] == entry.mac and data["prev_mac"] == entry.prev_mac
    assert data["action_display"] == "新建"
    assert "13812348000" not in str(data)


def test_it_answers_404_for_a_missing_record(client_for, admins, db):
    assert client_for(admins.audit).get(reverse("audit:record_detail", args=[999999])).status_code == 404


def test_it_shows_event_details_that_are_not_diffs(client_for, admins, db):
    entry = record(Action.TWO_FACTOR, changes={"event": "enrolment"}, actor_name="alliance")
    page = client_for(admins.audit).get(detail(entry))
    assert ("event", "enrolment", None, False) in page.context["changes"]


def test_it_ignores_invalid_filters_instead_of_failing(client_for, admins, entries):
    page = client_for(admins.audit).get(LIST, {"since": "not-a-date", "action": "nonsense"})
    assert page.status_code == 200
    assert page.context["filterset"].errors
