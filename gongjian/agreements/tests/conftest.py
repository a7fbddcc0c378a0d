import datetime

import pytest
from django.test import override_settings

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Agreement, AgreementParty, Obligation

START = datetime.date(2025, 1, 1)
END = datetime.date(2027, 12, 31)

# How to reach each status from a fresh, signable draft: the verbs to call in order.
PATHS = {
    S.DRAFT: [],
    S.SIGNED: ["sign"],
    S.PUBLISHED: ["sign", "publish"],
    S.PERFORMING: ["sign", "publish", "start_performing"],
    S.EVALUATED: ["sign", "publish", "start_performing", "evaluate"],
    S.EXPIRED: ["sign", "expire"],
    S.RENEWED: ["sign", "publish", "start_performing", "evaluate", "renew"],
    S.TERMINATED: ["sign", "terminate"],
}


def call(agreement, verb, user=None):
    """Call one lifecycle verb with the arguments it needs."""
    if verb == "renew":
        return agreement.renew(user, END + datetime.timedelta(days=1), END + datetime.timedelta(days=366))
    if verb == "terminate":
        return agreement.terminate(user, "合作方撤销")
    if verb == "expire":
        return agreement.expire(user)
    return getattr(agreement, verb)(user)


def make_agreement(world, title="共建协议", parties=None, start=START, end=END):
    """A draft between own_org and foreign_org, each with one obligation: ready to sign."""
    # Negotiated well before the term: tests may sign on any day from then on.
    drafted_on = (start or START) - datetime.timedelta(days=90)
    agreement = Agreement.objects.create(title=title, theme="组织联建", track="build", drafted_on=drafted_on, start_date=start, end_date=end)
    for order, (org, text) in enumerate(parties or [(world.own_org, "提供设计服务"), (world.foreign_org, "提供场地")]):
        party = AgreementParty.objects.create(agreement=agreement, organization=org, order=order)
        if text:
            Obligation.objects.create(party=party, description=text)
    return agreement


def advance(agreement, status, user=None):
    for verb in PATHS[status]:
        call(agreement, verb, user)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def draft(world):
    return make_agreement(world)


@pytest.fixture
def at_status(world):
    """at_status(status) -> an agreement in that status (through the real verbs)."""

    def _at(status, **kwargs):
        return advance(make_agreement(world, **kwargs), status, world.org_admin)

    return _at


@pytest.fixture(autouse=True)
def private_media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media", PRIVATE_MEDIA_ROOT=tmp_path / "private"):
        yield tmp_path

