"""Every write to a business object lands in the trail, with a masked diff (SECURITY.md items 8 and 9)."""

import pytest

from gongjian.audit.models import Action, Record
from gongjian.audit.recording import masked_diff, snapshot
from gongjian.orgs.models import CapabilityTag, Membership, Organization, Person


def records_for(obj):
    return Record.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("pk")


@pytest.fixture
def org(db):
    return Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")


def test_it_records_a_creation_with_every_field_but_timestamps(org):
    (entry,) = records_for(org)
    assert entry.action == Action.CREATE
    assert entry.changes["name"] == [None, "泗泾镇党委"]
    assert "created_at" not in entry.changes and "updated_at" not in entry.changes
    assert entry.object_repr == "泗泾镇党委"


def test_it_records_only_the_fields_that_changed(org):
    org.address = "松江区泗泾镇"
    org.save()
    entry = records_for(org).last()
    assert entry.action == Action.UPDATE
    assert entry.changes == {"address": ["", "松江区泗泾镇"]}


def test_it_records_nothing_when_nothing_changed(org):
    org.save()
    org.save()
    assert records_for(org).count() == 1


def test_it_records_an_archive_as_such(org):
    org.archive()
    assert records_for(org).last().action == Action.ARCHIVE


def test_it_records_many_to_many_changes(org):
    tag = CapabilityTag.objects.create(name="就业服务")
    org.tags.add(tag)
    entry = records_for(org).last()
    assert entry.action == Action.UPDATE
    assert entry.changes == {"tags": ["add", [tag.pk]]}


def test_it_records_a_deletion(org):
    person = Person.objects.create(name="孙镇长")
    membership = Membership.objects.create(person=person, organization=org)
    pk = membership.pk
    membership.delete()
    entry = Record.objects.filter(object_type="orgs.membership", object_id=str(pk)).latest("pk")
    assert entry.action == Action.DELETE
    assert entry.changes["person_id"] == [None, person.pk]


def test_it_masks_personal_fields_in_every_diff(db):
    person = Person.objects.create(name="张伟", phone="13812348000", id_number="310101199001011234")
    person.phone = "13912345678"
    person.save()
    created, updated = records_for(person)
    assert created.changes["phone"] == ["", "138****8000"]
    assert created.changes["id_number"] == ["", "3101**********1234"]
    assert updated.changes["phone"] == ["138****8000", "139****5678"]
    text = "".join(r.canonical().decode() for r in Record.objects.all())
    for secret in ("13812348000", "13912345678", "310101199001011234", person.phone_hash):
        assert secret not in text


def test_it_compares_snapshots_field_by_field(db):
    person = Person(name="刘洋", phone="13600001111")
    after = snapshot(person)
    assert "uuid" in after and "created_at" not in after
    assert masked_diff(person, dict(after), after) == {}
    assert masked_diff(person, {**after, "name": "刘"}, after) == {"name": ["刘", "刘洋"]}
    assert masked_diff(person, None, after)["phone"] == ["", "136****1111"]
