"""Uploads: content, not extension, decides what a file is (SECURITY.md item 11).

Only PDF, JPEG, PNG, DOCX and XLSX are accepted, each recognised by its magic
bytes (the Office formats also by the parts inside the zip). Files are stored
under random names in private storage, outside MEDIA_ROOT, so they are only
ever served by a view that has checked the user may see them.
"""

import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

PDF, JPEG, PNG, DOCX, XLSX = "pdf", "jpg", "png", "docx", "xlsx"
IMAGE_TYPES = frozenset({JPEG, PNG})
SCAN_TYPES = frozenset({PDF, JPEG, PNG})
DOCUMENT_TYPES = frozenset({PDF, JPEG, PNG, DOCX, XLSX})

CONTENT_TYPES = {
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", DOCX: "DOCX", XLSX: "XLSX"}


@deconstructible(path="gongjian.lib.uploads.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Storage outside MEDIA_ROOT; the location is read on every use so settings overrides apply."""

    @property
    def base_location(self):
        root = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return str(root) if root else str(Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


def _head(fileobj, size=16) -> bytes:
    position = fileobj.tell() if hasattr(fileobj, "tell") else 0
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(position)
    return head


def _office_type(fileobj) -> str | None:
    """DOCX and XLSX are zips; the part names inside tell them apart from any other zip."""
    position = fileobj.tell()
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        fileobj.seek(position)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def detect_type(fileobj) -> str | None:
    """The file's real type from its content, or None when it is not on the allowlist."""
    head = _head(fileobj)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(fileobj)
    return None


def validate_upload(fileobj, allowed=DOCUMENT_TYPES) -> str:
    """Check size and content; return the detected type or raise ValidationError."""
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)},
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    kind = detect_type(fileobj)
    if kind is None or kind not in allowed:
        types = "、".join(LABELS[k] for k in (PDF, JPEG, PNG, DOCX, XLSX) if k in allowed)
        raise ValidationError(_("Only these file types are accepted: %(types)s."), code="file_type", params={"types": types})
    return kind


def random_name(folder: str, kind: str) -> str:
    """A stored name that says nothing about the upload: folder/yyyy/mm/<random>.<real type>."""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind}"
