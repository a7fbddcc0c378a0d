import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gongjian.orgs.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

ORG_HEADERS = ["名称", "简称", "类别", "组织类型", "上级组织", "所在区域", "地址", "统一社会信用代码", "能力标签", "联系人", "联系电话", "状态"]


def xlsx_bytes(headers, rows, title="Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(headers, rows, name="组织.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(headers, rows), content_type="application/octet-stream")


def credit_code(n: int) -> str:
    """A valid unified social credit code numbered n."""
    body = "91310117" + "".join(CREDIT_CODE_ALPHABET[(n // 31**i) % 31] for i in range(9))
    return body + credit_code_check_char(body)


def org_row(name, *, short="", sector="企业", kind="党支部", parent="", region="", address="", code="", tags="", contact="", phone="", status=""):
    return [name, short, sector, kind, parent, region, address, code, tags, contact, phone, status]


@pytest.fixture
def org_sheet():
    """org_sheet(rows) -> an in-memory .xlsx with the organization headers."""

    def _sheet(rows, headers=ORG_HEADERS):
        return io.BytesIO(xlsx_bytes(headers, rows))

    return _sheet


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded sheets land in a throwaway folder, not in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (zh-hans), whatever an earlier request activated."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
