"""manage.py send_agreement_reminders: one notice 30 days before the end, expiry after it."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gongjian.agreements import reminders
from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import AgreementEvent
from gongjian.lib.testing import make_member
from gongjian.notifications.models import Notification
from gongjian.orgs.models import Membership

TODAY = timezone.localdate()


@pytest.fixture
def with_emails(world):
    for user, address in (
        (world.org_admin, "college@example.com"),
        (world.outsider, "street@example.com"),
        (world.member, "member@example.com"),
    ):
        user.email = address
        user.save()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def ending_in(at_status, days, status=S.PERFORMING, **kwargs):
    return at_status(status, start=TODAY - datetime.timedelta(days=300), end=TODAY + datetime.timedelta(days=days), **kwargs)


def run():
    out = io.StringIO()
    call_command("send_agreement_reminders", stdout=out)
    return out.getvalue()


def notices_to(user):
    return list(Notification.objects.filter(recipient=user, kind=reminders.KIND))


def test_it_reminds_the_admins_of_every_party_once(world, at_status, with_emails, django_capture_on_commit_callbacks):
    agreement = ending_in(at_status, 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert "reminded=1" in run()
    assert len(notices_to(world.org_admin)) == 1 and len(notices_to(world.outsider)) == 1
    assert not notices_to(world.member)  # members are not admins
    assert [m for m in mail.outbox if "college@example.com" in m.to and agreement.title in m.subject]
    with django_capture_on_commit_callbacks(execute=True):
        assert "reminded=0" in run()
    assert len(notices_to(world.org_admin)) == 1
    agreement.refresh_from_db()
    assert agreement.reminder_sent_at is not None


@pytest.mark.parametrize(("days", "expected"), [(0, 1), (30, 1), (31, 0), (200, 0)])
def test_it_reminds_only_within_thirty_days(world, at_status, days, expected):
    ending_in(at_status, days)
    assert f"reminded={expected}" in run()


@pytest.mark.parametrize("status", [S.DRAFT, S.TERMINATED, S.EXPIRED])
def test_it_does_not_remind_agreements_not_in_force(world, at_status, status):
    ending_in(at_status, 10, status=status)
    assert "reminded=0" in run()


def test_it_expires_agreements_past_their_end(world, at_status):
    past = ending_in(at_status, -1, title="已过期")
    current = ending_in(at_status, 5, title="仍有效")
    draft = ending_in(at_status, -10, status=S.DRAFT, title="草稿")
    assert "expired=1" in run()
    past.refresh_from_db(), current.refresh_from_db(), draft.refresh_from_db()
    assert (past.status, current.status, draft.status) == (S.EXPIRED, S.PERFORMING, S.DRAFT)
    assert AgreementEvent.objects.get(agreement=past, to_status=S.EXPIRED).actor is None
    assert "expired=0" in run()


def test_it_falls_back_to_the_nearest_administered_ancestor(world, at_status):
    """A branch without its own admin: the committee above it hears about its agreement."""
    agreement = at_status(S.SIGNED, parties=[(world.own_branch, "讲课"), (world.foreign_org, "场地")])
    admins = reminders.party_admins(agreement)
    assert set(admins) == {world.org_admin, world.outsider}
    branch_admin = make_member("branchadmin", "支部书记", world.own_branch, role=Membership.Role.ADMIN)
    assert set(reminders.party_admins(agreement)) == {branch_admin, world.outsider}
