"""The dashboard page, the records behind each figure, and the xlsx files, for each role."""

import io
import re
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gongjian.activities.choices import RegistrationStatus as R
from gongjian.activities.choices import Track
from gongjian.audit.models import Action, Record
from gongjian.insights.figures import FIGURES, KEY_FIGURES, Figures
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope
from gongjian.lib.excel import XLSX_TYPE

from .conftest import H1, activity, at, grow, organization, registrations

DASHBOARD = "/insights/"
EXPORT = "/insights/export.xlsx"
COUNTED = [k for k in FIGURES if k not in ("checkin_rate", "projects_progress")]


def records_url(key, **params):
    query = "&".join(f"{k}={v}" for k, v in {"period": "2023-H1", **params}.items())
    return f"/insights/records/{key}/?{query}"


def with_sections(client, params):
    """The dashboard and the sections it then loads by HTMX, as a browser shows them: one context, one page."""
    def flat(context):  # one template's context, or the list of those an include adds
        return context.flatten() if hasattr(context, "flatten") else {key: context[key] for key in context.keys()}

    response = client.get(DASHBOARD, params)
    context, content = flat(response.context), response.content.decode()
    for url in response.context["sections"].values():
        part = client.get(url, HTTP_HX_REQUEST="true")
        assert part.status_code == 200, url
        context.update(flat(part.context))
        content += part.content.decode()
    return response, context, content


def all_cards(context):
    cards = [*context["key_cards"], *context["agreement_cards"], *context["exchange_cards"], *context["project_cards"]]
    return [*cards, *context["building_cards"], *context["outcome_cards"], context["isolated_card"]]


def count_behind(figures, key):
    """How many records the drill-down of ``key`` lists: the figure, or the count behind an average."""
    totals = figures.totals()
    aliases = {"participants": "activities", "median_days_to_claim": "needs_claimed", "rating_avg": "rating_count", "satisfaction_avg": "satisfaction_count"}
    if key == "isolated":
        return figures.network()["isolated"]
    return totals[aliases.get(key, key)]


def sheet_rows(sheet):
    """The rows under the header, up to the blank row before the notes."""
    rows = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if all(v in (None, "") for v in row):
            break
        rows.append(list(row))
    return rows


def blank_to_none(value):
    return None if value == "" else value


# --- Who sees which dashboard ----------------------------------------------------------------
def test_it_shows_the_whole_alliance_to_an_alliance_admin(h1, client_for):
    response, context, _content = with_sections(client_for(h1.world.alliance_admin), {"period": "2023-H1"})
    assert response.status_code == 200
    assert context["scope"] == InsightScope(None) and context["period"] == H1
    assert context["previous_period"] == Period.half(2022, 2) and context["period_error"] is None
    now, before = Figures(InsightScope(), H1).totals(), Figures(InsightScope(), H1.previous()).totals()
    for card in all_cards(context):
        if card["key"] == "isolated":
            assert card["value"] == 2
            continue
        assert card["value"] == now[card["key"]], card["key"]
        # The previous period is compared on the key figures only.
        assert card["previous"] == (before[card["key"]] if card["key"] in KEY_FIGURES else None), card["key"]
    assert [c["key"] for c in context["key_cards"]] == [
        "activities", "participants", "agreements_signed", "needs_published", "claims_accepted", "projects_active", "tasks_accepted", "honours",
    ]  # fmt: skip
    activities = context["key_cards"][0]
    assert (activities["value"], activities["previous"], activities["delta"]) == (4, 1, 3)
    assert context["rating_count"] == 3
    assert context["matrix"] == Figures(InsightScope(), H1).matrix()
    assert context["network"]["isolated"] == 2


def test_it_lets_an_alliance_admin_look_at_one_organization(h1, client_for):
    response = client_for(h1.world.alliance_admin).get(DASHBOARD, {"period": "2023-H1", "org": str(h1.A1.uuid)})
    assert response.status_code == 200
    assert response.context["scope"].root == h1.A1
    totals = Figures(InsightScope(h1.A1), H1).totals()
    assert all(card["value"] == totals[card["key"]] for card in response.context["key_cards"])
    assert response.context["key_cards"][0]["url"] == records_url("activities", org=h1.A1.uuid)


def test_it_shows_an_org_admin_their_own_organization(h1, client_for):
    client = client_for(h1.world.org_admin)
    response, context, content = with_sections(client, {"period": "2023-H1"})
    assert response.status_code == 200
    assert context["scope"].root == h1.A1
    totals = {c["key"]: c["value"] for c in all_cards(context)}
    assert (totals["activities"], totals["claims_accepted"], totals["isolated"]) == (3, 4, 1)
    # The other tree's own records are never named; its organizations only as partners.
    assert h1.B3.name not in content and h1.act_foreign.title not in content


def test_it_lets_an_org_admin_look_below_their_organization(h1, client_for):
    response = client_for(h1.world.org_admin).get(DASHBOARD, {"period": "2023-H1", "org": str(h1.A2.uuid)})
    assert response.status_code == 200
    assert response.context["scope"].root == h1.A2
    # act_study (co-host A2) and act_build (host A2).
    assert response.context["key_cards"][0]["value"] == 2


@pytest.mark.parametrize("org", ["foreign", "not-a-uuid", "random", "archived"])
def test_it_answers_404_for_an_organization_outside_the_org_admins_reach(world, client_for, org):
    archived = organization("已撤销党支部", "school", world.own_org, archived_at=at(2022, 1, 1))
    value = {"foreign": world.foreign_org.uuid, "not-a-uuid": "not-a-uuid", "random": uuid.uuid4(), "archived": archived.uuid}[org]
    client = client_for(world.org_admin)
    assert client.get(DASHBOARD, {"org": str(value)}).status_code == 404
    assert client.get(records_url("activities", org=value)).status_code == 404
    assert client.get(EXPORT, {"org": str(value)}).status_code == 404


def test_it_shows_the_street_admin_their_street_only(h1, client_for):
    client = client_for(h1.world.outsider)
    response = client.get(DASHBOARD, {"period": "2023-H1"})
    assert response.status_code == 200 and response.context["scope"].root == h1.B1
    assert response.context["key_cards"][0]["value"] == 3
    assert client.get(DASHBOARD, {"org": str(h1.A1.uuid)}).status_code == 404


def test_it_refuses_members_and_people_who_administer_nothing(world, client_for, plain_member):
    for user in (world.member, plain_member):
        client = client_for(user)
        assert client.get(DASHBOARD).status_code == 403
        assert client.get(records_url("activities")).status_code == 403
        assert client.get(EXPORT).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(world, client):
    for url in (DASHBOARD, records_url("activities"), EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


# --- Periods ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["2023-13", "garbage", "2023-03-31..2023-01-01"])
def test_it_explains_a_bad_period_and_shows_the_current_half_year(h1, client_for, text):
    response = client_for(h1.world.alliance_admin).get(DASHBOARD, {"period": text})
    assert response.status_code == 200
    assert response.context["period"] == Period.current_half()
    error = response.context["period_error"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        Period.parse(text)
    assert error == " ".join(refused.value.messages)  # the parser's message, in the page's language
    assert escape(error) in response.content.decode()
    assert 'class="alert alert-warning"' in response.content.decode()


def test_it_takes_custom_dates_from_the_date_pickers(h1, client_for):
    _response, context, _content = with_sections(client_for(h1.world.alliance_admin), {"first": "2023-02-15", "last": "2023-04-10"})
    assert context["period"] == Period.parse("2023-02-15..2023-04-10")
    assert context["period_error"] is None
    assert context["trends"]["months"] == ["2023-02", "2023-03", "2023-04"]


def test_it_offers_only_past_and_current_periods_in_the_picker(world, client_for):
    response = client_for(world.alliance_admin).get(DASHBOARD)
    keys = [key for key, _label in response.context["period_choices"]]
    assert all(not Period.parse(k).is_future() for k in keys)
    assert picked(response) == [Period.current_half().key]


def picked(response):
    """The values of the selected options of the period picker."""
    content = response.content.decode()
    select = content[content.index('<select id="id_period"') :]
    return re.findall(r'<option value="([^"]+)" selected>', select[: select.index("</select>")])


@pytest.mark.parametrize("period", ["2023-01-01..2023-03-31", "2023-05", "2019", "2019-Q3"])
def test_it_keeps_the_chosen_period_selected_in_the_picker(world, client_for, period):
    # The picker submits itself with the scope picker: a period it does not show would be lost
    # (the browser sends the first option, this year) when the scope changes.
    response = client_for(world.alliance_admin).get(DASHBOARD, {"period": period})
    assert response.context["period"].key == period
    assert picked(response) == [period]


def test_it_takes_custom_dates_from_the_form_the_picker_submits(world, client_for):
    # The "Apply" button sends period="" after the select's own period value.
    response = client_for(world.alliance_admin).get(DASHBOARD, {"period": ["2023-H1", ""], "first": "2023-02-15", "last": "2023-04-10"})
    assert response.context["period"] == Period.parse("2023-02-15..2023-04-10")


@pytest.mark.parametrize("text", ["0001", "9999"])
def test_it_answers_a_period_at_the_ends_of_the_calendar_without_an_error(world, client_for, text):
    client = client_for(world.alliance_admin)
    response = client.get(DASHBOARD, {"period": text})
    assert response.status_code == 200
    assert client.get(records_url("activities", period=text)).status_code in (200, 404)
    assert client.get(EXPORT, {"period": text}).status_code in (200, 404)


# --- Cards and the records behind them ---------------------------------------------------------
@pytest.mark.parametrize("role", ["alliance_admin", "org_admin"])
def test_it_links_every_card_to_exactly_the_records_it_counts(h1, client_for, role):
    client = client_for(getattr(h1.world, role))
    _response, context, content = with_sections(client, {"period": "2023-H1"})
    scope = context["scope"]
    figures = Figures(scope, H1)
    extra = {"org": scope.key} if scope.root else {}
    checked = set()
    for card in all_cards(context):
        key = card["key"]
        if key in ("checkin_rate", "projects_progress"):
            assert card["url"] == ""
            continue
        assert card["url"] == records_url(key, **extra), key
        assert escape(card["url"]) in content, key
        page = client.get(card["url"])
        assert page.status_code == 200, key
        assert len(page.context["rows"]) == page.context["total"] == count_behind(figures, key), key
        checked.add(key)
    assert checked == set(COUNTED) - {"registrations"}  # registrations have a link in the track table only


def test_it_links_the_track_table_to_the_records_of_one_track(h1, client_for):
    client = client_for(h1.world.alliance_admin)
    response = client.get(DASHBOARD, {"period": "2023-H1"})
    per_track = Figures(InsightScope(), H1).activity_figures()
    content = response.content.decode()
    for row in response.context["tracks"]:
        for cell in row["cells"]:
            if cell["key"] == "checkin_rate":
                assert cell["url"] == "" and cell["value"] == per_track[row["key"]]["checkin_rate"]
                continue
            assert cell["url"] == records_url(cell["key"], track=row["key"])
            assert escape(cell["url"]) in content
            page = client.get(cell["url"])
            # Participants link to the activities they came to.
            expected = per_track[row["key"]]["activities"] if cell["key"] == "participants" else cell["value"]
            assert page.context["total"] == len(page.context["rows"]) == expected, (row["key"], cell["key"])
    # act_foreign and act_cohosted: 项目联创.
    page = client.get(records_url("activities", track="create"))
    assert {cells[0] for _url, cells in page.context["rows"]} == {h1.act_foreign.title, h1.act_cohosted.title}
    assert page.context["track_label"] == Track.CREATE.label


def test_it_lists_the_records_with_their_columns_and_links(h1, client_for):
    response = client_for(h1.world.alliance_admin).get(records_url("claims_accepted"))
    rows = response.context["rows"]
    assert [url for url, _cells in rows] == [c.get_absolute_url() for c in sorted(
        [h1.c_fulfilled, h1.c_old_accepted, h1.q_accepted, h1.q_last_year, h1.c_foreign], key=lambda c: -c.pk
    )]  # fmt: skip
    by_url = {url: cells for url, cells in rows}
    cells = by_url[h1.q_last_year.get_absolute_url()]
    # Title of the resource, claimant, status, claimed at and decided at, in Shanghai time.
    assert cells[0] == h1.s_own.title and cells[1] == h1.A2.name
    assert cells[3:] == ["2022-11-01 09:00", "2023-01-03 09:00"]
    assert len(response.context["headers"]) == len(cells)
    content = response.content.decode()
    assert f'<a href="{h1.c_fulfilled.get_absolute_url()}">' in content
    assert escape(str(FIGURES["claims_accepted"].definition)) in content


def test_it_pages_through_long_lists(h1, client_for):
    crowded = activity(h1.A1, "study", at(2023, 6, 1, 14))
    registrations(crowded, *[R.ATTENDED] * 60)
    client = client_for(h1.world.alliance_admin)
    first = client.get(records_url("registrations"))
    assert len(first.context["rows"]) == 50 and first.context["total"] == 70  # 10 + 60
    assert first.context["page"].has_next() and not first.context["page"].has_previous()
    assert "page=2" in first.content.decode()
    second = client.get(records_url("registrations", page=2))
    assert len(second.context["rows"]) == 20 and second.context["total"] == 70
    assert not second.context["page"].has_next() and "page=1" in second.content.decode()
    assert client.get(records_url("registrations", page="x")).context["page"].number == 1
    # Past one page the total costs a count, and no more however long the list grows.
    longer = queries(client, records_url("registrations"))
    registrations(crowded, *[R.REGISTERED] * 60)
    assert queries(client, records_url("registrations")) == longer
    assert client.get(records_url("registrations", page=3)).context["total"] == 130


@pytest.mark.parametrize("key", ["activities", "claims_accepted", "participants", "median_days_to_claim", "rating_avg"])
def test_it_heads_the_records_with_the_figures_value(h1, client_for, key):
    """The records page must not state a count of records as the value of an average or a sum."""
    response = client_for(h1.world.alliance_admin).get(records_url(key))
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1)
    value = Figures(InsightScope(), H1).totals()[key]  # 4, 5, 34, 8.0, 4.0
    shown = re.search(re.escape(escape(str(FIGURES[key].label))) + r"：([\d.]+)", heading)
    assert shown is None or float(shown.group(1)) == value, heading


@pytest.mark.parametrize("key, expected", [("claims_accepted", 5), ("registrations", 10), ("isolated", 2), ("rating_avg", 3)])
def test_it_exports_the_records_as_xlsx_and_records_the_export(h1, client_for, key, expected):
    exports = Record.objects.filter(action=Action.EXPORT).count()
    response = client_for(h1.world.alliance_admin).get(records_url(key, export="xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    page = client_for(h1.world.alliance_admin).get(records_url(key))
    assert [c.value for c in sheet[1]] == [str(h) for h in page.context["headers"]]
    rows = sheet_rows(sheet)
    assert len(rows) == expected
    assert sorted(r[0] for r in rows) == sorted(cells[0] for _url, cells in page.context["rows"])
    record = Record.objects.filter(action=Action.EXPORT).order_by("-pk").first()
    assert Record.objects.filter(action=Action.EXPORT).count() == exports + 1
    assert record.actor == h1.world.alliance_admin and record.object_repr.startswith(f"insights:{key} 2023-H1")


@pytest.mark.parametrize("url", [
    records_url("nonsense"), records_url("checkin_rate"), records_url("projects_progress"),
    records_url("activities", track="sports"), "/insights/records/activities/?period=2023-13",
])  # fmt: skip
def test_it_answers_404_for_figures_without_records(h1, client_for, url):
    assert client_for(h1.world.alliance_admin).get(url).status_code == 404


def test_it_answers_404_for_an_export_of_a_bad_period(h1, client_for):
    assert client_for(h1.world.alliance_admin).get(EXPORT, {"period": "2023-13"}).status_code == 404


# --- The dashboard as xlsx -------------------------------------------------------------------------
def test_it_exports_the_dashboard_with_four_sheets(h1, client_for):
    response = client_for(h1.world.alliance_admin).get(EXPORT, {"period": "2023-H1"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 4
    overview, tracks, matrix, trend = workbook.worksheets
    with translation.override("zh-hans"):
        assert workbook.sheetnames == [_("Overview"), _("By track"), _("Sector matrix"), _("Monthly trend")]
    figures = Figures(InsightScope(), H1)
    now, before = figures.totals(), Figures(InsightScope(), H1.previous()).totals()
    rows = sheet_rows(overview)
    keys = [k for k in FIGURES if k in now]
    assert len(rows) == len(keys) + 1
    for key, row in zip(keys, rows, strict=False):
        assert (blank_to_none(row[1]), blank_to_none(row[2])) == (now[key], before[key]), key
        assert row[4] == str(FIGURES[key].definition)
    assert rows[-1][1] == 2  # organizations without cooperation: A4, B3
    per_track = figures.activity_figures()
    assert [row[1:4] for row in sheet_rows(tracks)] == [
        [per_track[t]["activities"], per_track[t]["participants"], per_track[t]["registrations"]] for t in ("study", "build", "create")
    ]
    assert [row[1:] for row in sheet_rows(matrix)] == [row["cells"] for row in figures.matrix()["rows"]]
    trends = figures.trends()
    assert [row[0] for row in sheet_rows(trend)] == trends["months"]
    assert [row[1:] for row in sheet_rows(trend)] == [[s["values"][i] for s in trends["series"]] for i in range(6)]
    assert Record.objects.filter(action=Action.EXPORT, object_repr__startswith="insights 2023-H1").count() == 1


def test_it_exports_the_org_admins_dashboard_for_their_scope_only(h1, client_for):
    response = client_for(h1.world.org_admin).get(EXPORT, {"period": "2023-H1"})
    overview = load_workbook(io.BytesIO(response.content)).worksheets[0]
    totals = Figures(InsightScope(h1.A1), H1).totals()
    keys = [k for k in FIGURES if k in totals]
    assert [blank_to_none(row[1]) for row in sheet_rows(overview)] == [totals[k] for k in keys] + [1]


# --- Query counts ----------------------------------------------------------------------------------
def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("role", ["alliance_admin", "org_admin"])
def test_it_draws_the_dashboard_in_a_fixed_number_of_queries(world, design, client_for, role):
    client = client_for(getattr(world, role))
    url = DASHBOARD + "?period=2023-H1"
    grow(world, design, 0, 2)
    client.get(url)  # warm up the session and content-type caches
    small = queries(client, url)
    grow(world, design, 2, 10)
    assert queries(client, url) == small


def test_it_lists_the_records_of_every_figure_in_a_fixed_number_of_queries(world, design, client_for):
    client = client_for(world.alliance_admin)
    grow(world, design, 0, 2)
    client.get(records_url("activities"))
    urls = [records_url(key) for key in COUNTED] + [records_url(key, export="xlsx") for key in COUNTED]
    small = {url: queries(client, url) for url in urls}
    grow(world, design, 2, 10)
    assert {url: queries(client, url) for url in urls} == small


def test_it_exports_the_dashboard_in_a_fixed_number_of_queries(world, design, client_for):
    client = client_for(world.alliance_admin)
    url = EXPORT + "?period=2023-H1"
    grow(world, design, 0, 2)
    client.get(url)
    small = queries(client, url)
    grow(world, design, 2, 10)
    assert queries(client, url) == small


# --- Language and structure ------------------------------------------------------------------------
def test_it_renders_in_chinese(h1, client_for):
    response, context, content = with_sections(client_for(h1.world.alliance_admin), {"period": "2023-H1"})
    assert '<html lang="zh-hans">' in content
    assert '<h1 class="h3 mb-1">驾驶舱 · 全联盟</h1>' in content
    assert "2023年上半年" in content and "2022年下半年" in content
    with translation.override("zh-hans"):
        for definition in FIGURES.values():
            assert escape(str(definition.label)) in content
        for label in (Track.STUDY.label, Track.BUILD.label, Track.CREATE.label):
            assert f'<th scope="row">{label}</th>' in content
    assert "理论联学" in content and "参与人次" in content
    for section in (
        "h-key",
        "h-tracks",
        "h-agreements",
        "h-building",
        "h-exchange",
        "h-projects",
        "h-outcomes",
        "h-matrix",
        "h-trends",
        "h-network",
    ):
        assert f'id="{section}"' in content
    assert 'id="trend-data"' in content and 'id="network-data"' in content
    assert content.count('class="card h-100 gj-figure"') == len(all_cards(context)) - 1  # the isolated figure is an alert


def test_it_renders_the_records_page_in_chinese(h1, client_for):
    content = client_for(h1.world.alliance_admin).get(records_url("activities")).content.decode()
    assert '<li class="breadcrumb-item"><a href="/insights/?period=2023-H1">驾驶舱</a></li>' in content
    assert "全联盟 · 2023年上半年" in content
