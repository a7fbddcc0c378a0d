"""Uploads: content, not extension, decides what a file is (SECURITY.md item 11).

Only PDF, JPEG, PNG, DOCX and XLSX are accepted, each recognised by its magic
bytes (the Office formats also by the parts inside the zip). Files are stored
under random names in private storage, outside MEDIA_ROOT, so they are only
ever served by a view that has checked the user may see them.
"""

import contextvars
import errno
import logging
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

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


# A full disk, or the uploads' share of it used up.
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
DISK_FULL_MESSAGE = _("The server's storage is full, so the file was not saved. Please try again later or tell the administrator.")

# Files written during the current request inside a transaction that has not committed yet.
_uncommitted: contextvars.ContextVar[list | None] = contextvars.ContextVar("uncommitted_files", default=None)


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL


class WholeFilesStorage(FileSystemStorage):
    """Files on the local disk that are stored whole or not at all (fault drill: lib/tests/test_drill_full_disk.py).

    A write that fails half-way, as on a full disk, removes what it wrote before the error goes on.
    A file written inside a transaction that then rolls back (the second of three evidence files
    failing, say) is removed when the request ends, so no file is left without the row naming it.
    """

    def _save(self, name, content):
        path = Path(self.path(name))
        existed = path.exists()
        try:
            name = super()._save(name, content)
        except OSError:
            if not existed:
                path.unlink(missing_ok=True)
            raise
        uncommitted = _uncommitted.get()
        if uncommitted is not None and transaction.get_connection().in_atomic_block:
            entry = (self, name)
            uncommitted.append(entry)
            # Django drops this callback with the transaction (or savepoint) if it rolls back.
            transaction.on_commit(lambda: uncommitted.remove(entry))
        return name


@contextmanager
def whole_files():
    """Within the block (a request), remove the files whose transaction did not commit when it ends.

    Only where the block starts outside any transaction: inside one (a test case, ATOMIC_REQUESTS)
    the outcome is not known when the block ends.
    """
    if transaction.get_connection().in_atomic_block:
        yield
        return
    uncommitted = []
    token = _uncommitted.set(uncommitted)
    try:
        yield
    finally:
        _uncommitted.reset(token)
        for storage, name in uncommitted:
            logger.info("removing %s: the transaction that stored it did not commit", name)
            storage.delete(name)


@deconstructible(path="gongjian.lib.uploads.PrivateStorage")
class PrivateStorage(WholeFilesStorage):
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


def stored_file_roots() -> dict[str, Path]:
    """Every directory uploads are written to, under the name a backup archive files it by.

    Backup and restore both read this one list. Every model's FileField is checked against it, so
    a field given a storage elsewhere stops the backup instead of being left out of it silently.
    """
    # The names are the archive's folders: renaming one makes older archives unrestorable.
    named = {"media": storages["default"], "private": private_storage}
    roots = {name: Path(_location(storage, name)) for name, storage in named.items()}
    for model in apps.get_models():
        for field in model._meta.fields:
            if not isinstance(field, models.FileField):
                continue
            location = Path(_location(field.storage, f"{model._meta.label}.{field.name}"))
            if not any(location.is_relative_to(root) for root in roots.values()):
                raise ImproperlyConfigured(
                    f"{model._meta.label}.{field.name} stores files in {location}, which no backup covers: "
                    "add its storage to gongjian.lib.uploads.stored_file_roots()"
                )
    return roots


def _location(storage, owner: str) -> str:
    location = getattr(storage, "location", None)
    if not location:
        raise ImproperlyConfigured(f"{owner} does not store files on the local disk, so `manage.py backup` cannot take them")
    return location


def open_stored(request, field_file):
    """The stored file opened for a FileResponse; a file lost from the disk is a 404 that says so, not a 500."""
    try:
        return field_file.open("rb")
    except FileNotFoundError as e:
        # The database still names the file: it was lost outside the application, which an administrator must know.
        logger.warning("stored file %s is missing from %s", field_file.name, field_file.storage.location)
        message = gettext("The file no longer exists; please contact the administrator.")
        # The 404 page shows the site's messages, not the exception's text.
        messages.error(request, message, fail_silently=True)
        raise Http404(message) from e


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
