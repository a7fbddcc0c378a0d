"""Photo uploads: checked by content, limited in size, stored under random names."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Magic bytes of the formats a photo may have; the extension is never trusted.
IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff_image(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) for a JPEG or PNG header, else None."""
    for signature, content_type, extension in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def validate_photo(upload) -> tuple[str, str]:
    """Refuse anything that is not a JPEG or PNG by content or that is too large."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("The file is larger than %(limit)s."), code="too_large", params={"limit": filesizeformat(limit)})
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    kind = sniff_image(head)
    if kind is None:
        raise ValidationError(_("Only JPEG and PNG photos can be uploaded."), code="bad_type")
    return kind


def photo_path(instance, filename: str) -> str:
    """A random name: the uploader's file name never reaches the file system."""
    extension = getattr(instance, "_sniffed_extension", None) or "bin"
    return f"activities/photos/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Photos live outside MEDIA_ROOT (which a web server may serve directly) and are served by a view
    that checks the activity is visible. The location is read on every use so test settings apply."""

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
