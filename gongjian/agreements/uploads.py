"""Upload checks for agreement attachments and honour evidence: content, not extension."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Signature → (extension, content type). Only what a signed scan or a photo needs.
SIGNATURES = (
    (b"%PDF-", ("pdf", "application/pdf")),
    (b"\x89PNG\r\n\x1a\n", ("png", "image/png")),
    (b"\xff\xd8\xff", ("jpg", "image/jpeg")),
)


def sniff(head: bytes):
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def check_upload(upload):
    """Validate size and content; rename the upload to its true extension.

    Returns (extension, content type, original name). The stored name is made random by the
    field's upload_to, so only the extension of the detected type survives.
    """
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("The file is too large (limit %(limit)s).") % {"limit": filesizeformat(limit)}, code="too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(_("Only PDF, JPEG or PNG files are accepted."), code="bad_type")
    extension, content_type = kind
    original = getattr(upload, "name", "") or ""
    upload.name = f"upload.{extension}"
    return extension, content_type, original
