"""The fast sheet reader answers exactly what openpyxl (lib.excel.read_rows) answers."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from gongjian.imports.xlsx import count_rows, read_sheet
from gongjian.lib.excel import SheetError, read_rows

# The hand-made workbook has no default cell style; openpyxl says so and carries on.
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="组织" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/>
</Relationships>"""
# Excel style: shared strings with a rich-text run and a phonetic hint that is not content.
SHARED = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">
<si><t>名称</t></si>
<si><t>类别</t></si>
<si><t xml:space="preserve"> 加入日期 </t></si>
<si><r><rPr><b/></rPr><t>示例</t></r><r><t>学院党委</t></r><rPh sb="0" eb="2"><t>しれい</t></rPh></si>
<si><t>学校</t></si>
<si><t>A&amp;B “引号”</t></si>
</sst>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="49"/></cellXfs>
</styleSheet>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<dimension ref="A1:E9"/>
<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="inlineStr"><is><t>备注</t></is></c><c r="F1"/></row>
<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" s="1"><v>45717</v></c><c r="D2" t="b"><v>1</v></c></row>
<row r="4"><c t="s"><v>5</v></c><c><v>13800138000</v></c><c s="2"><v>45718.5</v></c><c t="str"><f>A1</f><v>公式结果</v></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c><c r="C5" t="e"><v>#N/A</v></c><c r="D5"><v>1.5E3</v></c></row>
<row r="6"><c r="B6" t="inlineStr"><is><t>  </t></is></c></row>
<row r="7"><c r="A7" s="3" t="s"><v>4</v></c><c r="E7"><v>99</v></c></row>
<row r="9"><c r="B9"><v>0.25</v></c></row>
</sheetData>
</worksheet>"""


def crafted_workbook(**overrides) -> bytes:
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/sharedStrings.xml": SHARED,
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": SHEET,
        **overrides,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def both(data: bytes, **kwargs):
    return read_sheet(io.BytesIO(data), **kwargs), read_rows(io.BytesIO(data), **kwargs)


def test_it_reads_an_excel_style_workbook_like_openpyxl():
    fast, slow = both(crafted_workbook())
    assert fast == slow
    headers, rows = fast
    assert headers == ["名称", "类别", "加入日期", "备注"]
    assert rows[0] == (2, ["示例学院党委", "学校", datetime.datetime(2025, 3, 1), True])
    assert rows[1] == (4, ["A&B “引号”", 13800138000, datetime.datetime(2025, 3, 2, 12, 0), "公式结果"])
    assert rows[2][0] == 5 and rows[2][1][0] == "富文本" and rows[2][1][3] == 1500.0
    # Row 6 holds only blanks, row 8 does not exist; both are skipped but numbering stays Excel's.
    assert [number for number, _ in rows] == [2, 4, 5, 7, 9]


def test_it_reads_openpyxl_workbooks_like_openpyxl():
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "手机号", "加入日期", "是否", None, "空列"])
    ws.append(["王芳", 13900139000, datetime.date(2024, 9, 1), False, None, None])
    ws.append([None, None, None, None, None, None])
    ws.append(["李 雷", "021-57890000", datetime.datetime(2024, 9, 1, 8, 30), "是", "多余", 1.25])
    out = io.BytesIO()
    wb.save(out)
    fast, slow = both(out.getvalue())
    assert fast == slow
    assert fast[1][1][0] == 4


@pytest.mark.parametrize("max_rows", [1, 2, 10])
def test_it_stops_after_max_rows_like_openpyxl(max_rows):
    fast, slow = both(crafted_workbook(), max_rows=max_rows)
    assert fast == slow


def test_it_falls_back_to_openpyxl_for_iso_date_cells():
    sheet = SHEET.replace('<c r="D2" t="b"><v>1</v></c>', '<c r="D2" t="d"><v>2025-03-01T00:00:00</v></c>')
    fast, slow = both(crafted_workbook(**{"xl/worksheets/sheet1.xml": sheet}))
    assert fast == slow
    assert fast[1][0][1][3] == datetime.datetime(2025, 3, 1)


def test_it_refuses_a_document_type_declaration():
    # No workbook has a DTD; refusing the file keeps entity expansion ("billion laughs") out.
    sheet = SHEET.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>')
    with pytest.raises(SheetError):
        read_sheet(io.BytesIO(crafted_workbook(**{"xl/worksheets/sheet1.xml": sheet})))


def test_it_reports_a_file_that_is_not_a_workbook():
    with pytest.raises(SheetError):
        read_sheet(io.BytesIO(b"%PDF-1.7 not a spreadsheet"))


def test_it_counts_rows_without_parsing():
    assert count_rows(io.BytesIO(crafted_workbook())) == 6
    wb = Workbook()
    for i in range(2501):
        wb.active.append([i, "x" * 50])
    out = io.BytesIO()
    wb.save(out)
    assert count_rows(out) == 2500
    assert count_rows(io.BytesIO(b"not a zip")) == 0
