"""Excel (.xlsx) reading and writing through openpyxl."""

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1", notes: Sequence[str] = ()) -> bytes:
    # write_only keeps memory flat for large exports.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=str(header))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE8E8")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_cell_value(v) for v in row])
    if notes:
        info = wb.create_sheet(title="说明")
        for line in notes:
            info.append([line])
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
    from urllib.parse import quote

    response = HttpResponse(workbook_bytes(headers, rows, title=title, notes=notes), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class SheetError(ValueError):
    """The file cannot be read as the expected sheet at all."""


def read_rows(fileobj, max_rows: int | None = None) -> tuple[list[str], list[tuple[int, list]]]:
    """Headers and (excel_row_number, values) of the first sheet; blank rows are skipped."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a non-xlsx file
        raise SheetError(str(e)) from e
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        wb.close()
        return [], []
    while headers and headers[-1] == "":
        headers.pop()
    data = []
    for number, values in enumerate(rows, start=2):
        values = list(values[: len(headers)]) + [None] * max(0, len(headers) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        data.append((number, values))
        if max_rows is not None and len(data) > max_rows:
            break
    wb.close()
    return headers, data


def sheets_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence], Sequence[str]]]) -> bytes:
    """A workbook of several sheets, each (title, headers, rows, notes); notes go under the rows."""
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for title, headers, rows, notes in sheets:
        ws = wb.create_sheet(title=str(title)[:31])
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(ws, value=str(header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FDE8E8")
            header_cells.append(cell)
        ws.append(header_cells)
        for row in rows:
            ws.append([_cell_value(v) for v in row])
        if notes:
            ws.append([])
            for line in notes:
                ws.append([_cell_value(line)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheets_response(filename: str, sheets) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(sheets_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
