import io

import pytest

from gongjian.orgs.models import Organization

from .factories import TaskFactory, active_project

# Smallest valid files of each kind, recognised by their magic bytes.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def project(world):
    """Active: led by the college (own_org), with the street (foreign_org) as partner."""
    return active_project(world.own_org, partners=[world.foreign_org], title="采样亭改造", brand="茸城e家")


@pytest.fixture
def task(project):
    return TaskFactory(project=project, title="采样亭01改造设计", location="广富林路1号")


@pytest.fixture
def stranger_org(db):
    return Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")


@pytest.fixture
def png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("现场照片.png", PNG_BYTES, content_type="image/png")


@pytest.fixture
def fake_png():
    """An HTML file wearing a .png name: refused by content."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")


def xlsx_file(rows, headers=("任务名称", "位置", "权重"), name="tasks.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

