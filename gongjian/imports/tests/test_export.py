"""Exporting a filtered list is generic (ObjectListView ?export=xlsx); the directory's export reads back."""

import io

from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.lib.excel import read_rows, xlsx_response


def test_the_filtered_directory_exports_to_a_workbook_that_reads_back(world, client_for):
    response = client_for(world.alliance_admin).get(reverse("orgs:organization_list") + "?sector=school&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headers, rows = read_rows(io.BytesIO(response.content))
    assert headers[0] == "名称"
    names = {values[0] for _number, values in rows}
    assert names == {"示例学院党委", "工业设计系教工党支部"}  # the street (government) is filtered out
    assert Record.objects.filter(action=Action.EXPORT, actor=world.alliance_admin).exists()


def test_an_org_admin_exports_the_directory_with_contact_persons_only_in_scope(world, client_for):
    world.foreign_org.contact_name = "李主任"
    world.foreign_org.save()
    response = client_for(world.org_admin).get(reverse("orgs:organization_list") + "?export=xlsx")
    _headers, rows = read_rows(io.BytesIO(response.content))
    assert "广富林街道党工委" in {values[0] for _number, values in rows}  # the alliance directory
    assert "李主任" not in {value for _number, values in rows for value in values}


def test_xlsx_response_round_trips_through_read_rows():
    response = xlsx_response("名单.xlsx", ["名称", "标签"], [["甲党支部", ["设计", "宣讲"]], ["乙党支部", []]])
    headers, rows = read_rows(io.BytesIO(response.content))
    assert headers == ["名称", "标签"]
    assert rows == [(2, ["甲党支部", "设计、宣讲"]), (3, ["乙党支部", None])]
