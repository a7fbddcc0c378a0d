"""The directory's table, declared once for its header and its rows (see lib.tables)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongjian.lib.tables import Column, Table, badges, choice_labels

from .choices import OrgKind, OrgStatus, Sector


class OrganizationTable(Table):
    """Rows come from OrganizationListView: ``parent_name``, ``region_name`` and ``member_count``
    are annotations, ``tag_names`` is selected with the rows (orgs.listing), ``viewer_can_edit``
    comes from OrganizationQuerySet.with_access (the directory lists organizations the user
    cannot edit)."""

    columns = (
        Column("name", pgettext_lazy("organization", "Name"), title=True),
        Column("sector", gettext_lazy("Sector")),
        Column("kind", gettext_lazy("Kind")),
        Column("parent", gettext_lazy("Parent organization")),
        Column("region", gettext_lazy("Region")),
        Column("tags", gettext_lazy("Capabilities")),
        Column("members", gettext_lazy("Members"), css_class="text-end"),
        Column("status", gettext_lazy("Status")),
        Column("actions", gettext_lazy("Actions"), css_class="text-end"),
    )
    empty_text = gettext_lazy("No organizations match.")
    fields = ("uuid", "name", "short_name", "sector", "kind", "status", "archived_at")  # what the cells read of the model

    def __init__(self, rows):
        super().__init__(rows)
        self.sectors, self.kinds, self.statuses = choice_labels(Sector), choice_labels(OrgKind), choice_labels(OrgStatus)
        self.archived = _("Archived")
        self.edit = _("Edit")

    def row_attrs(self, org):
        return {"data-org": org.uuid}

    def render_name(self, org):
        url = reverse("orgs:organization_detail", kwargs={"uuid": org.uuid})
        short_name = format_html(' <span class="text-muted small">({})</span>', org.short_name) if org.short_name else ""
        archived = format_html(' <span class="badge text-bg-secondary">{}</span>', self.archived) if org.archived_at else ""
        return format_html('<a href="{}">{}</a>{}{}', url, org.name, short_name, archived)

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
        return format_html('<span class="badge text-bg-warning">{}</span>', label)

    def render_actions(self, org):
        if not org.viewer_can_edit or org.archived_at:
            return ""
        url = reverse("orgs:organization_edit", kwargs={"uuid": org.uuid})
        return format_html('<a class="btn btn-link btn-sm" href="{}">{}</a>', url, self.edit)
