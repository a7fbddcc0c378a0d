"""Who a record names, how long its texts may be, and which writes leave no record."""

import pytest

from gongjian.audit import bulk
from gongjian.audit.models import Action, Record, verify_chain
from gongjian.audit.recording import record
from gongjian.lib.middleware import current_request
from gongjian.notifications.models import Notification
from gongjian.orgs.models import CapabilityTag

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_request(rf, world):
    """A request by the org admin from 10.1.2.3, as the middleware would expose it."""
    request = rf.post("/", REMOTE_ADDR="10.1.2.3")
    request.user = world.org_admin
    token = current_request.set(request)
    yield request
    current_request.reset(token)


def test_it_names_the_given_actor_over_the_requests_user(world, in_request):
    entry = record(Action.ROLE_CHANGE, world.member, actor=world.alliance_admin)
    assert (entry.actor, entry.actor_name, entry.ip) == (world.alliance_admin, "alliance", "10.1.2.3")


def test_it_records_no_actor_and_no_address_outside_a_request(world):
    entry = record(Action.EXPORT, actor_name="nightly-job")
    assert (entry.actor, entry.actor_name, entry.ip) == (None, "nightly-job", None)
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("", "", "")


def test_it_cuts_long_names_to_their_columns(world):
    entry = record(Action.LOGIN_FAILED, actor_name="名" * 400, object_repr="对" * 400)
    entry.refresh_from_db()
    assert len(entry.actor_name) == 150 and len(entry.object_repr) == 200
    assert verify_chain() is None, "the MAC covers the cut texts, as stored"


def test_a_bulk_entry_takes_the_actor_and_address_from_the_request(world, in_request):
    bulk.append([bulk.entry(Action.IMPORT, world.own_org)])
    stored = Record.objects.order_by("-pk").first()
    assert (stored.actor, stored.actor_name, stored.ip) == (world.org_admin, "orgadmin", "10.1.2.3")
    assert (stored.object_type, stored.object_id) == ("orgs.organization", str(world.own_org.pk))


def test_a_bulk_entry_without_request_or_actor_keeps_the_given_name(world):
    entry = bulk.entry(Action.IMPORT, actor_name="x" * 200, object_repr="名单.xlsx")
    assert (entry.actor, entry.ip, len(entry.actor_name), entry.object_repr) == (None, None, 150, "名单.xlsx")


def test_appending_nothing_writes_nothing(world, django_capture_on_commit_callbacks):
    before = Record.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        assert bulk.append([]) == 0
    assert Record.objects.count() == before and callbacks == [], "the head stamp does not move"


def test_it_records_clearing_a_many_to_many_field(world):
    tag = CapabilityTag.objects.create(name="党建共建")
    world.own_org.tags.add(tag)
    world.own_org.tags.clear()
    entry = Record.objects.filter(object_type="orgs.organization", object_id=str(world.own_org.pk)).latest("pk")
    assert entry.changes == {"tags": ["clear", []]}


def test_it_records_removing_from_a_many_to_many_field(world):
    tags = [CapabilityTag.objects.create(name=name) for name in ("志愿服务", "就业服务")]
    world.own_org.tags.add(*tags)
    world.own_org.tags.remove(tags[1])
    entry = Record.objects.filter(object_type="orgs.organization", object_id=str(world.own_org.pk)).latest("pk")
    assert entry.changes == {"tags": ["remove", [tags[1].pk]]}


def test_it_leaves_untracked_models_out_of_the_trail(world):
    before = Record.objects.count()
    notice = Notification.objects.create(recipient=world.member, kind="k", title="消息")
    notice.title = "改过的消息"
    notice.save()
    notice.delete()
    assert Record.objects.count() == before
