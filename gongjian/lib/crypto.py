"""Encryption at rest for phone and ID numbers (SECURITY.md item 15).

The key lives outside the database (FIELD_ENCRYPTION_KEY). A keyed hash beside
each ciphertext keeps exact look-ups possible without decrypting every row.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(("enc:" + key).encode()).digest()))


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def lookup_hash(value: str) -> str:
    if not value:
        return ""
    key = hashlib.sha256(("hash:" + settings.FIELD_ENCRYPTION_KEY).encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    """138****8000 for phones, 3101**********1234 for ID numbers, 57****00 for a shorter number."""
    if not value:
        return ""
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) < 11:
        # Three and four kept characters would leave a seven-digit desk line whole: keep a quarter at each end.
        keep = len(value) // 4
        return value[:keep] + "*" * (len(value) - 2 * keep) + value[len(value) - keep :]
    keep_head = 3 if len(value) == 11 else 4
    return value[:keep_head] + "*" * (len(value) - keep_head - 4) + value[-4:]


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plain value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
