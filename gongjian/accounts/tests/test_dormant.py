from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.audit.models import Action, Record
from gongjian.lib.testing import make_user


def run(*args):
    out = StringIO()
    call_command("list_dormant_accounts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def accounts(db):
    now = timezone.now()
    recent = make_user("recent")
    stale = make_user("stale")
    never = make_user("never")
    fresh = make_user("fresh")
    User.objects.filter(pk=recent.pk).update(last_login=now - timedelta(days=10), date_joined=now - timedelta(days=400))
    User.objects.filter(pk=stale.pk).update(last_login=now - timedelta(days=91), date_joined=now - timedelta(days=400))
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=now - timedelta(days=120))
    User.objects.filter(pk=fresh.pk).update(last_login=None, date_joined=now - timedelta(days=5))
    return {"recent": recent, "stale": stale, "never": never, "fresh": fresh}


def test_it_lists_accounts_unused_for_ninety_days(accounts):
    out = run()
    listed = {line.split("\t")[0] for line in out.splitlines() if "\t" in line}
    assert listed == {"stale", "never"}
    assert "2 dormant accounts" in out
    assert User.objects.filter(is_active=False).count() == 0


def test_it_takes_the_number_of_days(accounts):
    listed = {line.split("\t")[0] for line in run("--days", "7").splitlines() if "\t" in line}
    assert listed == {"recent", "stale", "never"}


def test_it_disables_them_once_and_records_it(accounts):
    assert "2 disabled" in run("--disable")
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {"stale", "never"}
    records = Record.objects.filter(action=Action.ROLE_CHANGE)
    assert records.count() == 2
    assert all(r.actor_name == "list_dormant_accounts" and r.changes["is_active"] == [True, False] for r in records)
    # Idempotent: a second run finds nothing and records nothing.
    assert "0 dormant accounts" in run("--disable")
    assert Record.objects.filter(action=Action.ROLE_CHANGE).count() == 2


def test_it_uses_the_configured_default(accounts, settings):
    settings.ACCOUNT_DORMANT_DAYS = 100
    listed = {line.split("\t")[0] for line in run().splitlines() if "\t" in line}
    assert listed == {"never"}
