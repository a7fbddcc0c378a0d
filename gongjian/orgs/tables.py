"""The directory's table, declared once for its header and its rows (see lib.tables)."""

from html import escape
from uuid import UUID

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongjian.lib.tables import Column, Table, badges, choice_labels

from .choices import OrgKind, OrgStatus, Sector

_PLACEHOLDER = str(UUID(int=0))


class OrganizationTable(Table):
    """Rows come from OrganizationListView: ``parent_name``, ``region_name`` and ``member_count``
    are annotations, ``tag_names`` is selected with the rows (orgs.listing)."""

    columns = (
        Column("name", pgettext_lazy("organization", "Name")),
        Column("sector", gettext_lazy("Sector")),
        Column("kind", gettext_lazy("Kind")),
        Column("parent", gettext_lazy("Parent organization")),
        Column("region", gettext_lazy("Region")),
        Column("tags", gettext_lazy("Capabilities")),
        Column("members", gettext_lazy("Members"), css_class="text-end"),
        Column("status", gettext_lazy("Status")),
    )
    empty_text = gettext_lazy("No organizations match.")
    fields = ("uuid", "name", "short_name", "sector", "kind", "status", "archived_at")  # what the cells read of the model

    def __init__(self, rows):
        super().__init__(rows)
        # One reverse() for the page: it cost more than the rest of a row's cells together.
        self.detail_url = reverse("orgs:organization_detail", kwargs={"uuid": _PLACEHOLDER})
        self.sectors, self.kinds, self.statuses = choice_labels(Sector), choice_labels(OrgKind), choice_labels(OrgStatus)
        self.archived = _("Archived")

    def row_attrs(self, org):
        return f' data-org="{org.uuid}"'  # a UUID needs no escaping

    def render_name(self, org):
        # f-strings with escape(): format_html() cost more than the rest of the row's cells.
        name = f'<a href="{self.detail_url.replace(_PLACEHOLDER, str(org.uuid))}">{escape(org.name)}</a>'
        if org.short_name:
            name += f' <span class="text-muted small">({escape(org.short_name)})</span>'
        if org.archived_at:
            name += f' <span class="badge text-bg-secondary">{escape(self.archived)}</span>'
        return mark_safe(name)  # noqa: S308  (the names are escaped; the URL is reversed and a UUID)

    def render_sector(self, org):
        return self.sectors.get(org.sector, org.sector)

    def render_kind(self, org):
        return self.kinds.get(org.kind, org.kind)

    def render_parent(self, org):
        return org.parent_name or ""

    def render_region(self, org):
        return org.region_name or ""

    def render_tags(self, org):
        return badges(org.tag_names)

    def render_members(self, org):
        return org.member_count

    def render_status(self, org):
        label = self.statuses.get(org.status, org.status)
        if org.status == OrgStatus.ACTIVE:
            return label
        return mark_safe(f'<span class="badge text-bg-warning">{escape(label)}</span>')  # noqa: S308  (the label is escaped; the rest is constant)
