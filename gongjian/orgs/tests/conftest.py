import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 at production cost makes every test world take seconds; these tests are not about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
