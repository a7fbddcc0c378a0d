"""Excel (.xlsx) reading and writing through openpyxl."""

import io
import zipfile
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Text a spreadsheet runs as a formula when it is typed in (OWASP, "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Excel's own limit on the text of one cell. The readers cut a longer cell to one character
# more: enough to refuse it, never a copy of a cell that unpacks to hundreds of megabytes.
MAX_CELL_CHARS = 32_767

# How far the parts of a workbook may inflate (zip bombs). Worksheets and shared strings grow
# with the rows: a full import of 50,000 rows and 13 columns is a 61 MiB sheet when openpyxl
# writes it (inline strings), a 23 MiB sheet and 12 MiB of shared strings in Excel's form.
# Other XML parts (workbook, styles, relationships, theme) are parsed whole into trees, and
# openpyxl makes objects of every style; real ones stay under 1 MiB.
MAX_PART_BYTES = 96 * 1024 * 1024
MAX_SMALL_PART_BYTES = 8 * 1024 * 1024
MAX_WORKBOOK_BYTES = 128 * 1024 * 1024


def as_text(cell):
    """A cell whose str value is kept as typed: never a formula ("=…") or an error code ("#N/A").

    openpyxl turns a str starting with "=" into a formula; a string cell holds it verbatim.
    quotePrefix makes Excel keep such text a string even when someone edits the cell later.
    """
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    return cell


def _cell(ws, value):
    value = _cell_value(value)
    # Any other str openpyxl writes as a string already; a cell object each would cost a fifth more.
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES):
        return as_text(WriteOnlyCell(ws, value=value))
    return value


def _append(ws, values):
    ws.append([_cell(ws, value) for value in values])


def _append_headers(ws, headers):
    cells = []
    for header in headers:
        cell = as_text(WriteOnlyCell(ws, value=str(header)))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE8E8")
        cells.append(cell)
    ws.append(cells)


def workbook_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1", notes: Sequence[str] = ()) -> bytes:
    # write_only keeps memory flat for large exports.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    _append_headers(ws, headers)
    for row in rows:
        _append(ws, row)
    if notes:
        info = wb.create_sheet(title="说明")
        for line in notes:
            _append(info, [line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_value(value):
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return value


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1", notes=()) -> HttpResponse:
    response = HttpResponse(workbook_bytes(headers, rows, title=title, notes=notes), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class SheetError(ValueError):
    """The file cannot be read as the expected sheet at all."""


class WorkbookTooLarge(SheetError):
    """A part of the workbook unpacks to more than a real import sheet needs."""


def part_limit(name: str) -> int:
    """How many bytes one part of a workbook may inflate to."""
    lowered = name.lower()
    if (lowered.startswith("xl/worksheets/") and lowered.endswith(".xml")) or lowered == "xl/sharedstrings.xml":
        return MAX_PART_BYTES
    if lowered.endswith((".xml", ".rels", ".vml")):
        return MAX_SMALL_PART_BYTES
    return MAX_PART_BYTES  # pictures and the like: never parsed, but counted in the total


def check_archive(archive: zipfile.ZipFile):
    """Refuse a workbook whose parts declare more than the limits, before anything inflates them.

    zipfile stops inflating a part at its declared size, so these sizes also bound what openpyxl
    reads; the fast reader counts what it inflates as well (xlsx._Package).
    """
    total = 0
    for info in archive.infolist():
        if info.file_size > part_limit(info.filename):
            raise WorkbookTooLarge(f"{info.filename} unpacks to {info.file_size} bytes")
        total += info.file_size
    if total > MAX_WORKBOOK_BYTES:
        raise WorkbookTooLarge(f"the parts unpack to {total} bytes")


def clip(value):
    """A cell's value, its text cut just past MAX_CELL_CHARS so that it can be refused without a copy."""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[: MAX_CELL_CHARS + 1]
    return value


def read_rows(fileobj, max_rows: int | None = None) -> tuple[list[str], list[tuple[int, list]]]:
    """Headers and (excel_row_number, values) of the first sheet; blank rows are skipped."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            check_archive(archive)
        fileobj.seek(0)
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except SheetError:
        raise
    except Exception as e:  # openpyxl raises many types for a non-xlsx file
        raise SheetError(str(e)) from e
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        headers = [str(clip(h)).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        wb.close()
        return [], []
    while headers and headers[-1] == "":
        headers.pop()
    data = []
    for number, values in enumerate(rows, start=2):
        values = [clip(v) for v in values[: len(headers)]] + [None] * max(0, len(headers) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        data.append((number, values))
        if max_rows is not None and len(data) > max_rows:
            break
    wb.close()
    return headers, data


def sheets_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence], Sequence[str]]]) -> bytes:
    """A workbook of several sheets, each (title, headers, rows, notes); notes go under the rows."""
    wb = Workbook(write_only=True)
    for title, headers, rows, notes in sheets:
        ws = wb.create_sheet(title=str(title)[:31])
        _append_headers(ws, headers)
        for row in rows:
            _append(ws, row)
        if notes:
            ws.append([])
            for line in notes:
                _append(ws, [line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheets_response(filename: str, sheets) -> HttpResponse:
    response = HttpResponse(sheets_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
