import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.lib import uploads

PDF = b"%PDF-1.7\n%signed scan"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def office(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part in ["[Content_Types].xml", *parts]:
            archive.writestr(part, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "content, kind",
    [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg"), (office(["word/document.xml"]), "docx"), (office(["xl/workbook.xml"]), "xlsx")],
)
def test_it_recognises_allowed_types_by_content(content, kind):
    assert uploads.detect_type(io.BytesIO(content)) == kind


@pytest.mark.parametrize("content", [b"<script>alert(1)</script>", b"MZ\x90\x00", office(["other.xml"]), b"PK\x03\x04broken"])
def test_it_refuses_anything_else(content):
    with pytest.raises(ValidationError):
        uploads.validate_upload(SimpleUploadedFile("innocent.pdf", content))


def test_it_ignores_a_misleading_extension():
    assert uploads.validate_upload(SimpleUploadedFile("photo.exe", PNG), uploads.IMAGE_TYPES) == "png"
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile("photo.png", PDF), uploads.IMAGE_TYPES)
    assert "JPEG、PNG" in str(error.value)


def test_it_enforces_the_size_limit_and_refuses_empty_files(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        uploads.validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 200))
    with pytest.raises(ValidationError):
        uploads.validate_upload(SimpleUploadedFile("empty.pdf", b""))


def test_it_names_files_randomly_with_the_real_type():
    first, second = uploads.random_name("scans", "pdf"), uploads.random_name("scans", "pdf")
    assert first != second and first.startswith("scans/") and first.endswith(".pdf")


def test_it_keeps_private_files_outside_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = None
    assert uploads.private_storage.location == str((tmp_path / "private").resolve())
