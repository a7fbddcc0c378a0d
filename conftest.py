import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop beside the live server


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 at production cost makes every test world take seconds; the hashing test
    # in accounts/tests/test_passwords.py restores the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # Production's manifest storage needs `collectstatic` first; tests read the files where they are
    # (tests/e2e/test_production.py runs collectstatic and checks the hashed names).
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def audit_head_file(settings, tmp_path):
    # Each test's database starts empty and is rolled back, so its audit head stamp must be its own too.
    settings.AUDIT_HEAD_FILE = tmp_path / "audit-head.json"


@pytest.fixture(autouse=True)
def fresh_api_throttles():
    # The API's throttles count in the default cache, which would carry one test's requests into the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):
    from gongjian.lib.testing import build_world

    return build_world()


@pytest.fixture
def design(db):
    """The exchange category 设计规划, for needs and resources in any app's tests."""
    from gongjian.exchange.models import Category

    # get_or_create: transaction=True tests (the browser journeys among them) flush the rows the
    # data migration seeded, and tests without a django_db mark may run after them.
    return Category.objects.get_or_create(name="设计规划", defaults={"order": 30})[0]


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client signed in as user."""
    from gongjian.lib.testing import sign_in

    def _client_for(user):
        from django.test import Client

        return sign_in(Client(), user)

    return _client_for


@pytest.fixture
def api_for(db):
    from gongjian.lib.testing import api_client_for

    return api_client_for


@pytest.fixture
def admins(db):
    """The three separated administrators (三员分立), plus a break-glass superuser."""
    from gongjian.lib.testing import make_user

    class Admins:
        system = make_user("sysadmin", admin_role="system")
        security = make_user("secadmin", admin_role="security")
        audit = make_user("auditor", admin_role="audit")
        superuser = make_user("root", is_superuser=True, is_staff=True)

    return Admins


def pytest_collection_modifyitems(config, items):
    """Refuse a test outside tests/e2e that takes Playwright's ``page`` (a parameter of that name does).

    pytest-playwright then runs it once per browser, and pytest groups every test of that browser
    together: the browser journeys move up among the database tests, and their database flush
    (they are transactional) wipes the rows that migrations seed (the need categories) for every
    test after them.
    """
    misplaced = [
        item.nodeid
        for item in items
        if "browser_name" in getattr(getattr(item, "callspec", None), "params", {}) and "/e2e/" not in str(item.path)
    ]
    if misplaced:
        raise pytest.UsageError(
            "Only tests/e2e may use Playwright's page fixture; rename these tests' `page` parameter:\n  " + "\n  ".join(misplaced)
        )
