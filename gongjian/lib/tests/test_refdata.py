"""Reference rows kept per process: reused while the table is unchanged, read again after any change."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from gongjian.lib.refdata import kept_rows
from gongjian.orgs.filters import OrganizationFilterSet
from gongjian.orgs.models import CapabilityTag, Region

pytestmark = pytest.mark.django_db


def names(queryset=None):
    return kept_rows(queryset if queryset is not None else Region.objects.all(), "test:names", lambda qs: qs.order_by("path").values_list("name", flat=True))


def test_it_reads_the_rows_once_while_the_table_is_unchanged(world, django_assert_num_queries):
    Region.objects.create(name="新区", level=2, parent=world.city)
    with django_assert_num_queries(2):
        first = names()
    with django_assert_num_queries(1):
        assert names() == first
    assert "新区" in first


def test_it_sees_an_added_a_renamed_and_a_removed_region(world):
    names()
    added = Region.objects.create(name="新区", level=2, parent=world.city)
    assert "新区" in names()
    added.name = "更新区"
    added.save()
    assert "更新区" in names() and "新区" not in names()
    added.delete()
    assert "更新区" not in names()


def test_it_sees_a_change_made_by_another_process(world):
    """Another worker's save stamps updated_at; here the same UPDATE is made behind the ORM's back."""
    names()
    later = timezone.now() + timedelta(seconds=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgs_region SET name = %s, updated_at = %s WHERE id = %s", ["改名街道", later, world.street.pk])
    assert "改名街道" in names()


def test_it_sees_an_edit_that_committed_after_a_later_one(world):
    """Stamps are taken before commit: an edit stamped earlier than the latest change can commit after it."""
    names()
    latest = Region.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    oldest = Region.objects.order_by("updated_at").first()
    assert oldest.updated_at < latest
    with connection.cursor() as cursor:  # count, largest id and latest stamp all stay as they were
        cursor.execute("UPDATE orgs_region SET name = %s, updated_at = %s WHERE id = %s", ["迟到街道", latest - timedelta(microseconds=1), oldest.pk])
    assert "迟到街道" in names()


def test_it_forgets_what_a_rolled_back_transaction_added(world):
    before = names()
    with transaction.atomic():
        Region.objects.create(name="临时区", level=2, parent=world.city)
        assert "临时区" in names()
        transaction.set_rollback(True)
    assert names() == before


def test_it_reads_a_filtered_queryset_every_time(world, django_assert_num_queries):
    subtree = Region.objects.exclude(path__startswith=world.street.path)
    with django_assert_num_queries(1):
        shown = names(subtree)
    with django_assert_num_queries(1):
        assert names(subtree) == shown
    assert world.street.name not in shown


def test_it_keeps_capability_tags_and_sees_a_bulk_insert_and_a_rename(world, django_assert_num_queries):
    def tag_options():
        return [label for value, label in OrganizationFilterSet({}).form.fields["tag"].choices if value]

    tag_options()
    with django_assert_num_queries(1):  # the fingerprint only
        tag_options()
    CapabilityTag.objects.bulk_create([CapabilityTag(name="数据分析")], ignore_conflicts=True)  # as the importer adds tags
    assert "数据分析" in tag_options()
    tag = CapabilityTag.objects.get(name="数据分析")
    tag.name = "数据服务"
    tag.save()
    assert "数据服务" in tag_options() and "数据分析" not in tag_options()
