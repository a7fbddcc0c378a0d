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
