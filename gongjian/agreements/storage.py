"""Where agreement attachments and honour evidence are stored: private storage, random names."""

import uuid
from pathlib import Path

from gongjian.lib.uploads import PrivateStorage, private_storage

__all__ = ["PrivateStorage", "agreement_attachment_path", "honor_evidence_path", "private_storage"]


def _random_name(folder, filename):
    # Keep only the (already content-checked) extension; the rest is random.
    suffix = Path(filename).suffix.lower()[:8]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def agreement_attachment_path(instance, filename):
    return _random_name("agreements", filename)


def honor_evidence_path(instance, filename):
    return _random_name("honors", filename)
