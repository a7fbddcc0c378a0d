"""Zip bombs and giant cells: a small upload may fill neither the database nor the memory.

A workbook of 300 KB can hold a cell of 300 MB. Before these limits its error message copied
the cell into ImportJob.errors: 300 MB stored per upload, 4 GB of memory and 40 s to check it.
"""

import io
import json
import struct
import time
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gongjian.imports import xlsx
from gongjian.imports.forms import check_xlsx
from gongjian.imports.models import MAX_STORED_ERROR_ROWS, ImportJob
from gongjian.imports.sheets import bounded_message
from gongjian.imports.xlsx import count_rows, read_sheet
from gongjian.lib.excel import MAX_CELL_CHARS, SheetError, WorkbookTooLarge, read_rows

from .conftest import ORG_HEADERS, org_row, upload, xlsx_bytes
from .test_xlsx import CONTENT_TYPES, ROOT_RELS, STYLES, WORKBOOK, WORKBOOK_RELS

# The hand-made workbooks have no default cell style; openpyxl says so and carries on.
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")

MIB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TOO_LONG = "单元格内容超过 Excel 允许的长度（32767 个字符），请缩短。"


def deflated(pieces) -> tuple[bytes, int, int]:
    """Raw deflate data, CRC-32 and size of pieces [(bytes, times)], each piece compressed once.

    A full flush ends a compressed piece on a byte boundary with no reference to what came before,
    so copies of it in a row inflate to the piece repeated: 300 MB of "A" costs the test one
    compressed megabyte and a checksum pass, not a 300 MB compression.
    """
    data, crc, size = [], 0, 0
    for piece, times in pieces:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        data.append((compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(piece, crc)
        size += len(piece) * times
    data.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final, empty block
    return b"".join(data), crc, size


def zip_bytes(parts: dict, declared: dict | None = None) -> bytes:
    """A zip of {name: pieces}; ``declared`` gives a part a size other than its real one."""
    out, directory = io.BytesIO(), []
    for name, pieces in parts.items():
        data, crc, size = deflated(pieces)
        encoded, offset = name.encode(), out.tell()
        fields = (8, 0, 0x21, crc, len(data), (declared or {}).get(name, size), len(encoded))  # deflate, 1980-01-01
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, *fields, 0) + encoded + data)
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, *fields, 0, 0, 0, 0, 0, offset) + encoded)
    listing, start = b"".join(directory), out.tell()
    out.write(listing + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(listing), start, 0))
    return out.getvalue()


def inline(text) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def bomb(mib: int, *, where="shared", declared=None, extra=None) -> bytes:
    """An organization sheet whose "上级组织" cell in row 2 is ``mib`` MiB of "A".

    where: "shared" (a shared string), "inline" (an inline string in the sheet) or "header"
    (the fifth header is the shared string).
    """
    giant = [(b"A" * MIB, mib)]
    headers = [inline(h) for h in ORG_HEADERS]
    row = [inline("甲党支部"), inline(""), inline("企业"), inline("党支部"), '<c t="s"><v>0</v></c>']
    if where == "header":
        headers[4], row[4] = '<c t="s"><v>0</v></c>', inline("示例学院党委")
    sheet_head = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{"".join(headers)}</row><row r="2">{"".join(row)}'
    sheet_tail = b"</row></sheetData></worksheet>"
    shared = [(f'<sst xmlns="{MAIN}"><si><t>'.encode(), 1), *giant, (b"</t></si></sst>", 1)]
    if where == "inline":
        sheet_head = sheet_head.removesuffix(row[4]) + '<c t="inlineStr"><is><t>'
        sheet = [(sheet_head.encode(), 1), *giant, (b"</t></is></c>" + sheet_tail, 1)]
        shared = [(f'<sst xmlns="{MAIN}"><si><t>-</t></si></sst>'.encode(), 1)]
    else:
        sheet = [(sheet_head.encode() + sheet_tail, 1)]
    parts = {
        "[Content_Types].xml": [(CONTENT_TYPES.encode(), 1)],
        "_rels/.rels": [(ROOT_RELS.encode(), 1)],
        "xl/workbook.xml": [(WORKBOOK.encode(), 1)],
        "xl/_rels/workbook.xml.rels": [(WORKBOOK_RELS.encode(), 1)],
        "xl/styles.xml": [(STYLES.encode(), 1)],
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
        **(extra or {}),
    }
    return zip_bytes(parts, declared)


def stored_size(job) -> int:
    """Characters of the errors column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT LENGTH(CAST(errors AS TEXT)) FROM imports_importjob WHERE id = %s", [job.pk])
        return cursor.fetchone()[0]


def check_measured(job):
    """Validate the job; (seconds, peak bytes of Python memory) it took."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        job.schedule_validation()
        return time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def receive(user, data: bytes) -> ImportJob:
    # Straight to the job, as an earlier upload or another route would be: the form refuses bombs first.
    return ImportJob.receive(user, "organizations", SimpleUploadedFile("组织.xlsx", data), ip=None)


# --- The whole workbook ---------------------------------------------------------------------


def test_it_refuses_a_300_kb_file_that_unpacks_to_300_mb_at_upload():
    data = bomb(300)
    assert len(data) < 400 * 1024
    with pytest.raises(ValidationError) as refused:
        check_xlsx(SimpleUploadedFile("组织.xlsx", data))
    assert refused.value.messages == ["工作簿解压后超出导入表格的容量（96 MB），请拆分为多个文件。"]


def test_it_keeps_the_job_of_a_300_mb_bomb_small_and_quick(world, api_for):
    job = receive(world.alliance_admin, bomb(300))
    seconds, peak = check_measured(job)
    job.refresh_from_db()
    assert job.status == "invalid"
    assert job.sheet_errors == ["工作簿解压后超出导入表格的容量（96 MB），请拆分为多个文件。"]
    assert stored_size(job) < 300  # was 314,572,926 characters
    assert seconds < 2 and peak < 5 * MIB  # was 40 s and 4 GB
    assert job.total == 0  # counting the rows before the check did not inflate it either
    response = api_for(world.alliance_admin).get(f"/api/v1/imports/jobs/{job.uuid}/")
    assert response.status_code == 200 and len(response.content) < 2000


@pytest.mark.parametrize("where", ["shared", "inline"])
def test_it_refuses_a_64_mb_cell_as_a_row_error_without_copying_it(world, where):
    job = receive(world.alliance_admin, bomb(64, where=where))
    seconds, peak = check_measured(job)
    job.refresh_from_db()
    assert job.status == "invalid" and job.error_count == 1
    assert job.errors == [{"row": 2, "messages": ["上级组织：" + TOO_LONG]}]
    assert stored_size(job) < 300
    # The sheet is parsed, but the cell is never held: the memory stays flat.
    assert seconds < 15 and peak < 10 * MIB


def test_it_refuses_a_header_longer_than_excel_allows(world):
    job = receive(world.alliance_admin, bomb(1, where="header"))
    job.schedule_validation()
    job.refresh_from_db()
    assert job.sheet_errors == ["第一行有列标题超过 Excel 允许的长度（32767 个字符），请使用模板中的列标题。"]
    assert stored_size(job) < 300


def test_it_holds_the_parts_together_to_a_total():
    # Each part is under its own limit of 96 MiB; together they pass the 128 MiB of a workbook.
    data = bomb(1, extra={"xl/worksheets/sheet2.xml": [(b" " * MIB, 70)], "xl/media/image1.png": [(b"\0" * MIB, 70)]})
    for reader in (read_sheet, read_rows, count_rows):
        started = time.perf_counter()
        if reader is count_rows:
            assert reader(io.BytesIO(data)) == 0
        else:
            with pytest.raises(WorkbookTooLarge):
                reader(io.BytesIO(data))
        assert time.perf_counter() - started < 1


def test_it_allows_far_less_for_the_parts_parsed_whole():
    # openpyxl turns every style into objects; 9 MiB of styles is no real workbook.
    styles = [(STYLES.encode().replace(b"</styleSheet>", b""), 1), (b" " * MIB, 9), (b"</styleSheet>", 1)]
    data = bomb(1, extra={"xl/styles.xml": styles})
    for reader in (read_sheet, read_rows):
        with pytest.raises(WorkbookTooLarge):
            reader(io.BytesIO(data))


def test_it_refuses_a_part_that_unpacks_past_the_size_it_declares():
    # The shared strings declare 1 KB and inflate to 300 MB.
    data = bomb(300, declared={"xl/sharedStrings.xml": 1024})
    for reader in (read_sheet, read_rows):
        started = time.perf_counter()
        with pytest.raises(SheetError):
            reader(io.BytesIO(data))
        assert time.perf_counter() - started < 1


def test_it_counts_what_a_part_inflates_not_only_what_it_declares(monkeypatch):
    # zipfile itself stops at the declared size; the reader's own count does not rely on that.
    monkeypatch.setattr(xlsx, "part_limit", lambda name: 4 * MIB)
    with pytest.raises(WorkbookTooLarge):
        read_sheet(io.BytesIO(bomb(5)))


# --- Cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["shared", "inline"])
def test_it_has_both_readers_cut_a_long_cell_just_past_excels_limit(where):
    data = bomb(1, where=where)
    fast, slow = read_sheet(io.BytesIO(data)), read_rows(io.BytesIO(data))
    assert fast == slow
    assert fast[1][0][1][4] == "A" * (MAX_CELL_CHARS + 1)


def test_it_reads_a_cell_of_exactly_excels_limit_whole(world):
    name = "党" * MAX_CELL_CHARS
    headers, rows = read_sheet(io.BytesIO(xlsx_bytes(ORG_HEADERS, [org_row(name)])))
    assert rows[0][1][0] == name
    job = ImportJob.receive(world.alliance_admin, "organizations", upload(ORG_HEADERS, [org_row(name)]), ip=None)
    job.schedule_validation()
    job.refresh_from_db()
    # Too long for the name field, which says so without quoting it.
    assert job.errors[0]["messages"][0].startswith("名称：")
    assert len(json.dumps(job.errors, ensure_ascii=False)) < 300


# --- Stored messages ------------------------------------------------------------------------


def test_it_quotes_at_most_100_characters_of_a_cell(world):
    rows = [org_row("甲党支部", parent="上" * 5000), org_row("乙党支部", region="区" * 5000, tags="标" * 5000)]
    job = ImportJob.receive(world.alliance_admin, "organizations", upload(ORG_HEADERS, rows), ip=None)
    job.schedule_validation()
    job.refresh_from_db()
    assert job.errors[0] == {"row": 2, "messages": ["上级组织：找不到名为“" + "上" * 100 + "…”的组织。"]}
    region, tags = job.errors[1]["messages"]
    assert region == "所在区域：找不到区域“" + "区" * 100 + "…”，请按“上海市/松江区/广富林街道”的格式填写。"
    assert tags.startswith("能力标签：") and tags.endswith("标" * 100 + "…。")


def test_it_quotes_at_most_100_characters_of_an_unknown_header(world):
    job = ImportJob.receive(world.alliance_admin, "organizations", upload([*ORG_HEADERS, "多" * 5000], [org_row("甲党支部")]), ip=None)
    job.schedule_validation()
    job.refresh_from_db()
    assert "无法识别的列：" + "多" * 100 + "…。" in job.sheet_errors[0]
    assert "多" * 101 not in job.sheet_errors[0]


def test_it_stores_the_first_500_rows_errors_and_counts_the_rest(world):
    rows = [org_row(f"第{i}党支部", sector="") for i in range(MAX_STORED_ERROR_ROWS + 20)]
    job = ImportJob.receive(world.alliance_admin, "organizations", upload(ORG_HEADERS, rows), ip=None)
    job.schedule_validation()
    job.refresh_from_db()
    assert job.error_count == 520
    assert len(job.row_errors) == 500 and job.row_errors[-1]["row"] == 501
    assert job.sheet_errors == ["另有 20 行错误未列出。"]


def test_it_shortens_the_quotes_of_other_apps_importers():
    message = "类别：找不到名为“" + "A" * 5000 + "”的类别，请使用以下之一：设计规划。"
    assert bounded_message(message) == "类别：找不到名为“" + "A" * 100 + "…”的类别，请使用以下之一：设计规划。"
    assert bounded_message("“短”") == "“短”"
    assert bounded_message("B" * 5000) == "B" * 500 + "…"
