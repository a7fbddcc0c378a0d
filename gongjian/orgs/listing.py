"""What a page of organizations shows beside its own columns, selected with the page's rows.

Prefetching tags built a related manager and a model instance per tag and row: at 50 rows
that was half the time of an API list. A second query of (organization, tag name) pairs
still cost a query, its compilation and the grouping in Python, a fifth of the directory's
page. The names now come in the page's own query, as a JSON array per row.
"""

import json

from django.db.models import Aggregate, F, OuterRef, Subquery, TextField

from .models import Organization


class JSONGroupArray(Aggregate):
    """A group's values as a JSON array in text; JSON, not a separator, so any name survives."""

    function = "JSON_GROUP_ARRAY"
    template = "%(function)s(%(expressions)s)"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_AGG", template="%(function)s(%(expressions)s)::text", **extra_context)


def _tag_names():
    links = Organization.tags.through.objects.filter(organization=OuterRef("pk")).order_by().values("organization")
    return Subquery(links.annotate(names=JSONGroupArray("capabilitytag__name")).values("names"))


RELATED_COLUMNS = {
    "parent_uuid": "parent__uuid",
    "parent_name": "parent__name",
    "region_uuid": "region__uuid",
    "region_name": "region__name",
}


def with_related_columns(queryset, *names):
    """Select some of the parent's and the region's UUID and name with each row: two LEFT JOINs
    and plain columns, not two model instances per row."""
    return queryset.annotate(**{name: F(RELATED_COLUMNS[name]) for name in names})


def with_tag_names(queryset):
    """Select each organization's tag names with it; ``attach_tag_names`` reads them after the fetch."""
    return queryset.annotate(tag_names_json=_tag_names())


def attach_tag_names(organizations) -> None:
    """Set ``tag_names`` (sorted) on each organization of a page selected ``with_tag_names``."""
    for org in organizations:
        org.tag_names = sorted(json.loads(org.tag_names_json)) if org.tag_names_json else []
