"""Activity photos: JPEG or PNG by content, private storage, random names (checks in gongjian.lib.uploads)."""

from gongjian.lib.uploads import CONTENT_TYPES, IMAGE_TYPES, PrivateStorage, private_storage, random_name, validate_upload

__all__ = ["PrivateStorage", "photo_path", "private_storage", "validate_photo"]


def validate_photo(upload) -> tuple[str, str]:
    """(content type, extension) of a JPEG or PNG photo within the size limit, else ValidationError."""
    kind = validate_upload(upload, IMAGE_TYPES)
    return CONTENT_TYPES[kind], kind


def photo_path(instance, filename: str) -> str:
    """A random name: the uploader's file name never reaches the file system."""
    return random_name("activities/photos", getattr(instance, "_sniffed_extension", None) or "bin")
