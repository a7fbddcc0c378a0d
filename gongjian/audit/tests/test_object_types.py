"""The trail names what was changed in the reader's language (组织, not orgs.organization)."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from gongjian.audit.models import Action, object_type_choices
from gongjian.audit.recording import record

LIST = reverse("audit:record_list")
API = "/api/v1/audit/records/"


def test_it_shows_the_model_name_on_the_list_the_record_and_the_export(client_for, admins, world):
    entry = record(Action.UPDATE, world.own_org, changes={"name": ["旧名", "新名"]})
    assert entry.object_type == "orgs.organization"
    client = client_for(admins.audit)
    page = client.get(LIST).content.decode()
    assert '<span class="text-muted">组织</span>' in page and '<span class="text-muted">orgs.organization' not in page
    assert "组织" in client.get(reverse("audit:record_detail", args=[entry.pk])).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(LIST, {"export": "xlsx"}).content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == entry.pk)
    assert row[headers.index("对象类型")] == "组织"


def test_it_filters_by_a_named_model_and_refuses_an_unknown_one(client_for, api_for, admins, world):
    record(Action.UPDATE, world.own_org)
    record(Action.UPDATE, world.member)
    page = client_for(admins.audit).get(LIST, {"object_type": "orgs.organization"})
    assert {r.object_type for r in page.context["object_list"]} == {"orgs.organization"}
    assert ("orgs.organization", "组织") in page.context["filterset"].form.fields["object_type"].choices
    assert api_for(admins.audit).get(API, {"object_type": "no.such_model"}).status_code == 400


def test_it_gives_the_api_the_name_beside_the_label(api_for, admins, world):
    entry = record(Action.UPDATE, world.own_org)
    body = api_for(admins.audit).get(f"{API}{entry.pk}/").json()
    assert (body["object_type"], body["object_type_display"]) == ("orgs.organization", "组织")


def test_it_offers_only_the_platforms_own_models(db):
    labels = dict(object_type_choices())
    assert "orgs.organization" in labels and "accounts.user" in labels
    assert not any(label.startswith(("axes.", "sessions.", "contenttypes.")) for label in labels)
