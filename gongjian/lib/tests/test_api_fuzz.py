"""Whole-API fuzzing: schemathesis runs every operation of /api/schema/ as an org admin.

Each operation gets the schema's examples, the coverage phase's boundary and invalid values,
and a bounded number of generated requests, valid and invalid (negative data must be refused
with a 4xx). The checks below must all pass: no 5xx, only documented status codes, content
types and headers, and bodies that match the schema, so that clients generated from it work.

The app runs in-process through its WSGI handler, on this test's database connection. The demo
alliance is loaded once for the module inside a transaction that is rolled back at the end, and
each request runs in a savepoint of its own that is rolled back too: every example starts from
the same world and nothing is committed. Django closes "old" connections at the start and end
of each request, which would drop the open transaction; its own test client disconnects that
handler for the same reason, and so does this module.
"""

import io

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# A fixed seed and derandomized generation: CI sends the same requests on every run (about 16,000
# over 230 operations, most of them the coverage phase's invalid values). Shrinking is off so that
# a failure is reported at once instead of after minutes of minimizing; no example database is kept.
# The token is sent with every request, so the security schemes' parameters are not generated.
CONFIG = {
    "seed": 13,
    "generation": {
        "mode": "all",
        "max-examples": 12,
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
}


# Loaded while the tests are collected: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=schemathesis.Config.from_dict(CONFIG))


@pytest.fixture(scope="module", autouse=True)
def requests_keep_the_connection():
    """No per-request connection clean-up while this module runs (see the module docstring)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def org_admin_token(requests_keep_the_connection, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo alliance, and a token of its college's org admin (an org admin needs no TOTP)."""
    from gongjian.accounts.models import User

    root = tmp_path_factory.mktemp("fuzz")
    files = {"MEDIA_ROOT": root / "media", "PRIVATE_MEDIA_ROOT": root / "private", "MATCH_INDEX_DIR": str(root / "match_index")}
    # One account sends thousands of requests within minutes here; test_api_errors tests the throttle.
    unthrottled = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    with (
        django_db_blocker.unblock(),
        override_settings(AUDIT_HEAD_FILE=root / "audit-head.json", REST_FRAMEWORK=unthrottled, **files),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO())
        user = User.objects.get(username="college_admin")
        assert not user.requires_two_factor
        yield Token.objects.create(user=user).key
        transaction.set_rollback(True)


@schema.parametrize()
@pytest.mark.django_db
def test_it_answers_every_operation_within_its_schema(case, org_admin_token):
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Token {org_admin_token}"}, checks=CHECKS)
        transaction.set_rollback(True)
