"""Agreement attachments and honour evidence are signed scans or photos: PDF, JPEG or PNG."""

from gongjian.lib.uploads import CONTENT_TYPES, SCAN_TYPES, validate_upload


def check_upload(upload):
    """Validate size and content, and rename the upload to its true extension.

    Returns (extension, content type, original name); the stored name is made
    random by the field's upload_to, so only the detected extension survives.
    """
    kind = validate_upload(upload, SCAN_TYPES)
    original = getattr(upload, "name", "") or ""
    upload.name = f"upload.{kind}"
    return kind, CONTENT_TYPES[kind], original
