"""Uploads are judged by content, limited in size and stored under random names."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.projects import uploads
from gongjian.projects.models import Outcome

from .conftest import PDF_BYTES, PNG_BYTES


def docx_bytes():
    import docx

    document = docx.Document()
    document.add_paragraph("设计说明")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def plain_zip_bytes():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "jpg"),
        (PNG_BYTES, "png"),
        (docx_bytes(), "docx"),
        (xlsx_bytes(), "xlsx"),
        (plain_zip_bytes(), None),
        (b"MZ\x90\x00 windows executable", None),
        (b"<svg onload=alert(1)>", None),
    ],
    ids=["pdf", "jpeg", "png", "docx", "xlsx", "plain-zip", "exe", "svg"],
)
def test_it_recognises_files_by_their_content(content, kind):
    assert uploads.detect_type(io.BytesIO(content)) == kind


def test_it_refuses_files_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        uploads.validate_upload(SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 200))
    assert refused.value.code == "file_too_large"


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError):
        uploads.validate_upload(SimpleUploadedFile("empty.pdf", b""))


def test_it_stores_outcomes_under_a_random_name_with_the_real_type(world, project):
    outcome = Outcome(project=project, kind="file", title="方案", file=SimpleUploadedFile("张三的方案.docx", PDF_BYTES))
    outcome.full_clean()
    outcome.save()
    assert outcome.file.name.startswith("projects/outcomes/") and outcome.file.name.endswith(".pdf")
    assert "张三" not in outcome.file.name
    assert outcome.content_type == "application/pdf"


def test_it_checks_files_even_when_clean_is_skipped(world, project):
    outcome = Outcome(project=project, kind="file", title="绕过", file=SimpleUploadedFile("a.pdf", b"#!/bin/sh\nrm -rf /"))
    with pytest.raises(ValidationError):
        outcome.save()
    assert not Outcome.objects.exists()


def test_it_needs_text_or_a_file_by_kind(world, project):
    with pytest.raises(ValidationError) as refused:
        Outcome(project=project, kind="text", title="空").full_clean()
    assert "text" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        Outcome(project=project, kind="photo", title="无图").full_clean()
    assert "file" in refused.value.message_dict


def test_it_sanitises_outcome_text(world, project):
    outcome = Outcome.objects.create(
        project=project,
        kind="text",
        title="总结",
        text='<p style="color:red" onmouseover="x()">好<script>alert(1)</script><a href="javascript:alert(1)">链接</a></p><style>p{}</style>',
    )
    assert "<script" not in outcome.text and "onmouseover" not in outcome.text and "style" not in outcome.text
    assert "javascript:" not in outcome.text
    assert outcome.text.startswith("<p>好")
