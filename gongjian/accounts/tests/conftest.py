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
