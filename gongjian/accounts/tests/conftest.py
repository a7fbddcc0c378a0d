import pytest

from gongjian.lib.testing import make_user


@pytest.fixture
def admins(db):
    """The three separated administrators (三员分立), plus a break-glass superuser."""

    class Admins:
        system = make_user("sysadmin", admin_role="system")
        security = make_user("secadmin", admin_role="security")
        audit = make_user("auditor", admin_role="audit")
        superuser = make_user("root", is_superuser=True, is_staff=True)

    return Admins


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 costs ~0.5 s a hash on a busy 2-core machine; the hashing test restores it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
