"""When the match indexes are told to refresh: batched per transaction, dropped on rollback, never for what they do not hold."""

import types

import pytest
from django.db import transaction

from gongjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("gongjian.exchange.tasks.refresh_match_index", types.SimpleNamespace(enqueue=lambda *args: calls.append(args)))
    return calls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit callbacks of what happens inside, as the end of a request's
    transaction would (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_it_refreshes_every_need_saved_in_one_transaction_at_once(world, make_need, enqueued, committed):
    with committed(), transaction.atomic():
        needs = [make_need(f"需求 {i}") for i in range(3)]
        needs[0].publish()
    assert enqueued == [("needs", sorted(n.pk for n in needs), [])]


def test_it_drops_the_refresh_of_a_transaction_that_rolled_back(world, make_need, enqueued, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        make_need()
        raise RuntimeError("the request failed")
    assert enqueued == []


def test_it_refreshes_a_deleted_draft(world, make_need, enqueued, committed):
    with committed():
        need = make_need()
    pk = need.pk
    enqueued.clear()
    with committed():
        need.delete()
    assert enqueued == [("needs", [pk], [])]


def test_a_claim_on_a_need_changes_no_index_until_it_moves_the_need(world, make_need, enqueued, committed):
    with committed():
        need = make_need(publish=True)
    enqueued.clear()
    with committed():
        claim = need.claim(world.own_org, by=world.org_admin)
    assert enqueued == []
    with committed():
        claim.accept(world.outsider)  # the need moves published -> claimed: an event row
    assert enqueued == [("needs", [need.pk], [])]


def test_a_new_organization_has_nothing_indexed_to_refresh(world, enqueued, committed):
    with committed():
        Organization.objects.create(name="新成立的社会组织党支部", sector="social", kind="branch", region=world.street)
    assert enqueued == []


def test_a_later_transaction_gets_its_own_batch(world, make_need, make_resource, enqueued, committed):
    with committed(), transaction.atomic():
        first = make_need("第一次")
    with committed(), transaction.atomic():
        second = make_need("第二次")
        resource = make_resource()
    assert enqueued == [("needs", [first.pk], []), ("needs", [second.pk], []), ("resources", [resource.pk], [])]
