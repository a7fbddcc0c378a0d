from django.db import models
from django.db.models.fields.files import FieldFile

from gongjian.audit.recording import _plain


class _Holder:
    """Stands in for a model instance owning a FileField value."""


def test_it_records_a_file_by_its_stored_name():
    field = models.FileField(name="file")
    assert _plain(FieldFile(_Holder(), field, "uploads/2023/06/abc.pdf")) == "uploads/2023/06/abc.pdf"
    assert _plain(FieldFile(_Holder(), field, None)) == ""


def test_it_summarises_binary_values():
    assert _plain(b"\x00\x01\x02") == "<3 bytes>"


def test_it_records_nothing_when_an_m2m_add_changes_nothing(world):
    from gongjian.audit.models import Record
    from gongjian.orgs.models import CapabilityTag

    tag = CapabilityTag.objects.create(name="工业设计")
    world.own_org.tags.add(tag)
    before = Record.objects.count()
    world.own_org.tags.add(tag)
    assert Record.objects.count() == before
    world.own_org.tags.remove(tag)
    assert Record.objects.count() == before + 1
