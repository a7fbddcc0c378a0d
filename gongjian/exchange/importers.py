"""Excel import of the needs and resources lists, through the shared import framework (gongjian.imports).

A row is recognised by its organization and title, so importing the same
list again updates it. Nothing is written unless every row is valid; the
preview lists each bad row with its Excel row number.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from gongjian.imports.importers import OrgNames, RegionPaths, chunked
from gongjian.imports.sheets import Choice, Column, Importer, boolean, date, integer, phone, register

from .choices import ClaimMode, NeedStatus, ResourceStatus
from .models import Category, Need, NeedEvent, Resource, ResourceEvent, paired_partner_ids, priority_days

CLAIM_MODE = Choice(
    ClaimMode,
    {
        ClaimMode.SINGLE: [pgettext_lazy("claim mode in a sheet", "Single")],
        ClaimMode.MULTIPLE: [pgettext_lazy("claim mode in a sheet", "Multiple")],
    },
)


def capacity(value):
    number = integer(value)
    if number is not None and number < 0:
        raise ValidationError(_("Enter a whole number of 0 or more."), code="integer")
    return number


class ListingImporter(Importer):
    """What the needs and resources importers share: owner, category, region, publishing."""

    listing_model = None
    draft_status = ""
    published_status = ""
    event_model = None
    event_fk = ""
    clean_exclude = ("organization", "category", "region", "created_by")

    def prepare(self, rows):
        valid = [row for row in rows if not row.errors]
        self.org_names = OrgNames({row.data.get("organization", "") for row in valid})
        self.regions = RegionPaths() if any(row.data.get("region") for row in valid) else None
        self.categories = {c.name: c for c in Category.objects.all()}
        org_ids = {org.pk for orgs in self.org_names.by_name.values() for org in orgs}
        titles = {row.data.get("title", "") for row in valid}
        self.existing = {}
        for batch in chunked(sorted(titles)):
            found = self.listing_model.objects.active().filter(organization_id__in=org_ids, title__in=batch)
            for item in found:
                self.existing[(item.organization_id, item.title)] = item
        self.paired = {}

    def match(self, row):
        org = self.org_names.find(row.data["organization"])
        row.extra["org"] = org
        item = self.existing.get((org.pk, row.data["title"]))
        if item is not None:
            item.organization = org
        return item

    def fill(self, row, instance):
        super().fill(row, instance)
        errors = {}
        if instance.pk is None:
            instance.organization = row.extra["org"]
            instance.created_by = self.user
        name = row.data.get("category")
        if name is not None:
            category = self.categories.get(name)
            if category is None:
                active = [c.name for c in self.categories.values() if c.is_active]
                errors["category"] = [_("No category is named “%(name)s”; use one of: %(names)s.") % {"name": name, "names": "、".join(active)}]
            else:
                instance.category = category
        elif instance.pk is None:
            errors["category"] = [_("This column is required.")]
        if row.data.get("region"):
            try:
                instance.region_id = self.regions.find(row.data["region"])
            except ValidationError as e:
                errors.update(e.message_dict)
        if row.data.get("publish") and instance.status == self.draft_status:
            row.extra["published_now"] = True
            instance.status = self.published_status
            instance.published_at = instance.published_at or timezone.now()
            self.on_publish(instance)
        if errors:
            raise ValidationError(errors)

    def on_publish(self, instance):
        """Set what publishing sets besides the status."""

    def check_scope(self, row, instance, is_new):
        if not self.scope.can_edit(row.extra["org"].pk):
            raise ValidationError({"organization": _("You can only import for organizations you manage.")})

    def identities(self, row, instance):
        return [(_("organization and title"), ("listing", row.extra["org"].pk, instance.title))]

    def after_write(self, created, updated):
        events = [
            self.event_model(**{self.event_fk: row.instance}, from_status=self.draft_status, to_status=self.published_status, actor=self.user)
            for row in created + updated
            if row.extra.get("published_now")
        ]
        self.event_model.objects.bulk_create(events, batch_size=self.batch_size)
        return ()


def _common_columns(region_label, region_example):
    return (
        Column("title", pgettext_lazy("import column", "Title"), required=True, example="25 个采样亭个性化改造设计"),
        Column(
            "organization",
            pgettext_lazy("import column", "Organization"),
            required=True,
            model_field=False,
            example="广富林街道党工委",
            help=pgettext_lazy("import help", "Name of the organization; if several share the name, write parent/name."),
        ),
        Column(
            "category",
            pgettext_lazy("import column", "Category"),
            required=True,
            model_field=False,
            example="设计规划",
            help=pgettext_lazy("import help", "A category of the alliance's taxonomy, e.g. 设计规划, 志愿服务."),
        ),
        Column(
            "region",
            region_label,
            model_field=False,
            example=region_example,
            help=pgettext_lazy("import help", "Region path from the city down, separated by /."),
        ),
    )


def _tail_columns():
    return (
        Column("description", pgettext_lazy("import column", "Description"), example="为辖区 25 个核酸采样亭做个性化改造设计。"),
        Column("contact_name", pgettext_lazy("import column", "Contact person"), example="周街道"),
        Column(
            "contact_phone",
            pgettext_lazy("import column", "Contact phone"),
            parse=phone,
            example="13800138000",
            help=pgettext_lazy("import help", "Mobile or landline; stored encrypted."),
        ),
        Column(
            "publish",
            pgettext_lazy("import column", "Publish"),
            parse=boolean,
            model_field=False,
            example=str(pgettext_lazy("sheet value", "yes")),
            help=pgettext_lazy("import help", "Yes publishes a draft at once; blank or no keeps it a draft."),
        ),
    )


@register
class NeedImporter(ListingImporter):
    kind = "needs"
    label = pgettext_lazy("import kind", "Needs list")
    description = pgettext_lazy("import kind", "Needs of member organizations: category, region, scale, deadline and contact.")
    model = listing_model = Need
    order = 60
    result_url_name = "exchange:need_list"
    draft_status, published_status = NeedStatus.DRAFT, NeedStatus.PUBLISHED
    event_model, event_fk = NeedEvent, "need"
    columns = (
        *_common_columns(pgettext_lazy("import column", "Region"), "上海市/松江区/广富林街道"),
        Column("scale", pgettext_lazy("import column", "Scale"), example="25 个采样亭"),
        Column("deadline", pgettext_lazy("import column", "Deadline"), parse=date, example="2023-06-30"),
        Column(
            "claim_mode",
            pgettext_lazy("import column", "Claim mode"),
            parse=CLAIM_MODE,
            example=CLAIM_MODE.display()[0],
            help=pgettext_lazy("import help", "One of: %(choices)s. Blank: a single claimant."),
        ),
        *_tail_columns(),
    )
    notes = (
        pgettext_lazy("import help", "A need is recognised by organization and title: importing again updates it."),
        pgettext_lazy("import help", "Organization admins can import needs only for organizations they manage."),
    )

    def on_publish(self, instance):
        if instance.priority_until is None:
            org_id = instance.organization_id
            if org_id not in self.paired:
                self.paired[org_id] = bool(paired_partner_ids(instance.organization))
            if self.paired[org_id]:
                until = timezone.localdate() + datetime.timedelta(days=priority_days())
                instance.priority_until = min(until, instance.deadline) if instance.deadline else until


@register
class ResourceImporter(ListingImporter):
    kind = "resources"
    label = pgettext_lazy("import kind", "Resources list")
    description = pgettext_lazy("import kind", "Resources member organizations offer: capacity, availability and service area.")
    model = listing_model = Resource
    order = 61
    result_url_name = "exchange:resource_list"
    draft_status, published_status = ResourceStatus.DRAFT, ResourceStatus.PUBLISHED
    event_model, event_fk = ResourceEvent, "resource"
    columns = (
        *_common_columns(pgettext_lazy("import column", "Service area"), "上海市/松江区"),
        Column(
            "capacity",
            pgettext_lazy("import column", "Spare capacity"),
            parse=capacity,
            example=20,
            help=pgettext_lazy("import help", "How many units are free, a whole number."),
        ),
        Column("capacity_unit", pgettext_lazy("import column", "Unit"), example="名学生设计师"),
        Column("available_from", pgettext_lazy("import column", "Available from"), parse=date, example="2023-03-01"),
        Column("available_until", pgettext_lazy("import column", "Available until"), parse=date, example="2023-12-31"),
        *_tail_columns(),
    )
    notes = (
        pgettext_lazy("import help", "A resource is recognised by organization and title: importing again updates it."),
        pgettext_lazy("import help", "Organization admins can import resources only for organizations they manage."),
    )

    def fill(self, row, instance):
        if row.data.get("capacity", 0) is None:
            row.data.pop("capacity")  # a blank cell keeps the current capacity (0 for new resources)
        super().fill(row, instance)


__all__ = ["NeedImporter", "ResourceImporter"]
