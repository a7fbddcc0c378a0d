"""Where project outcomes and task evidence are stored: private storage, random names.

Content checks live in gongjian.lib.uploads, shared with every app that takes uploads.
"""

from gongjian.lib.uploads import CONTENT_TYPES, DOCUMENT_TYPES, IMAGE_TYPES, detect_type, private_storage, random_name, validate_upload

__all__ = ["CONTENT_TYPES", "DOCUMENT_TYPES", "IMAGE_TYPES", "detect_type", "evidence_upload_to", "outcome_upload_to", "private_storage", "validate_upload"]


def outcome_upload_to(instance, filename):
    return random_name("projects/outcomes", getattr(instance, "_detected_type", None) or "bin")


def evidence_upload_to(instance, filename):
    return random_name("projects/evidence", getattr(instance, "_detected_type", None) or "bin")
