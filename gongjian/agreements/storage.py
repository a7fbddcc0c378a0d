"""Private storage for uploads that must only be served through an access check.

Files live outside MEDIA_ROOT (which a web server may serve directly), under
``settings.PRIVATE_MEDIA_ROOT`` or ``VAR_DIR/private``.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Read the location on every use so test settings overrides apply."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

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


def _random_name(folder, filename):
    # Keep only the (already content-checked) extension; the rest is random.
    suffix = Path(filename).suffix.lower()[:8]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def agreement_attachment_path(instance, filename):
    return _random_name("agreements", filename)


def honor_evidence_path(instance, filename):
    return _random_name("honors", filename)
