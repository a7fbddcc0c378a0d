"""Rows of small reference tables, kept per process until the table changes.

Every filtered list offers every region as an option: some 150 to 300 rows read, converted
and indented on each page, for a table that changes a few times a year (0.7 ms of the
directory's 7). The rows are kept here and read again when the table's fingerprint changes.
The fingerprint is one aggregate over those few hundred rows, read on every use, so an edit
from another worker process, a bulk import or a rolled-back transaction is seen at once; no
cache backend has to be shared. It holds the row count, the largest id, and the latest and the
sum of the ``updated_at`` stamps: a stamp is taken before its transaction commits, so two
edits committing out of order can leave the latest stamp unchanged, but not the sum.

Only tables with an ``updated_at = DateTimeField(auto_now=True)`` are kept (others are read
every time): saves and bulk inserts stamp it. A QuerySet.update() that changes a kept
column without stamping ``updated_at`` would go unseen.
"""

from django.db import connections

_kept: dict[tuple, tuple] = {}


def _is_stamped(model) -> bool:
    return any(field.name == "updated_at" and getattr(field, "auto_now", False) for field in model._meta.concrete_fields)


def fingerprint(model, using) -> tuple:
    connection = connections[using]
    table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    seconds = "EXTRACT(EPOCH FROM updated_at)" if connection.vendor == "postgresql" else "julianday(updated_at) * 86400"
    with connection.cursor() as cursor:
        # Raw SQL over the model's own table name: compiling the same aggregate through the
        # ORM cost more than reading the rows it spares.
        cursor.execute(f"SELECT COUNT(*), MAX({pk}), MAX(updated_at), SUM({seconds}) FROM {table}")  # noqa: S608  (quoted names from the model, no input)
        return (connection.settings_dict["NAME"], *cursor.fetchone())


def kept_rows(queryset, key: str, read) -> list:
    """``read(queryset)`` as a list, reused while ``queryset.model``'s table is unchanged.

    ``key`` names what ``read`` returns (its fields, its order); ``queryset`` must be the
    whole table, since the fingerprint covers only that.
    """
    if queryset.query.has_filters() or queryset.query.is_sliced or not _is_stamped(queryset.model):
        return list(read(queryset))
    stamp = fingerprint(queryset.model, queryset.db)
    slot = (queryset.model._meta.label, key)
    kept = _kept.get(slot)
    if kept is None or kept[0] != stamp:
        kept = _kept[slot] = (stamp, list(read(queryset)))
    return kept[1]
