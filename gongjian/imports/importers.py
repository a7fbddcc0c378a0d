"""Importers for the directory: organizations, people and memberships.

Each loads what its rows refer to in a few queries (``prepare``), so planning
10,000 rows costs the model validation and little else. Organizations form a
tree: a row's parent may be an existing organization or another row of the
same file, and new organizations are created parents first.
"""

from collections import defaultdict
from functools import lru_cache
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from gongjian.audit import bulk
from gongjian.audit.models import Action
from gongjian.audit.recording import masked_diff, snapshot
from gongjian.lib.crypto import lookup_hash
from gongjian.orgs.choices import MembershipRole, OrgKind, OrgStatus, Sector
from gongjian.orgs.models import CapabilityTag, Membership, Organization, Person, Region, may_create_organizations, pinyin_keys

from .sheets import Choice, Column, Importer, Row, boolean, date, listing, phone, register, shorten, text, upper

# SQLite allows 32,766 parameters per query; stay far below for every backend.
CHUNK = 900


def chunked(values, size=CHUNK):
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


@lru_cache(maxsize=65536)
def cached_pinyin_keys(*names: str) -> tuple[str, str]:
    """orgs.models.pinyin_keys, remembered: confirming an import checks the previewed rows again,
    and pinyin is the largest share of checking a new organization (about 170 µs)."""
    return pinyin_keys(*names)


def phone_key(value: str) -> str:
    """The lookup hash of a phone number as Person.clean() stores it (no spaces or dashes)."""
    return lookup_hash((value or "").replace(" ", "").replace("-", ""))


def organizations_named(names):
    """Organizations bearing any of the names, found through the index on lower(name).

    No index starts with the plain name (the unique one is on parent, then name), so an
    IN on the name would read the whole table for every batch.
    """
    lowered = {name.lower() for name in names}
    wanted = set(names)
    candidates = Organization.objects.alias(name_lower=Lower("name")).filter(name_lower__in=lowered)
    return candidates.filter(name__in=wanted).order_by()


def _reserve_ids(model, count: int) -> list[int]:
    """The next ``count`` ids of a PostgreSQL table's sequence, taken in one query."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, model._meta.pk.column, count])
        return sorted(row[0] for row in cursor.fetchall())


def _split_path(value: str) -> list[str]:
    return [part.strip() for part in value.replace("／", "/").split("/") if part.strip()]


class OrgNames:
    """Finds active organizations by name, or by a path such as "示例学院党委/工业设计系教工党支部".

    A path need not start at the top: each step is a child of the one before.
    All names are loaded up front in a few queries.
    """

    def __init__(self, texts, organizations=None):
        names = {name for value in texts if value for name in _split_path(value)}
        self.by_name = defaultdict(list)
        if organizations is None:
            organizations = []
            for batch in chunked(sorted(names)):
                organizations.extend(organizations_named(batch).filter(archived_at__isnull=True))
        for org in organizations:
            if org.name in names and org.archived_at is None:
                self.by_name[org.name].append(org)

    def candidates(self, value: str) -> list[Organization]:
        parts = _split_path(value)
        if not parts:
            return []
        found = self.by_name.get(parts[0], [])
        for part in parts[1:]:
            parent_ids = {org.pk for org in found}
            found = [org for org in self.by_name.get(part, []) if org.parent_id in parent_ids]
        return found

    def find(self, value: str, key: str = "organization") -> Organization:
        found = self.candidates(value)
        if not found:
            raise ValidationError({key: _("No organization is named “%(name)s”.") % {"name": shorten(value)}})
        if len(found) > 1:
            raise ValidationError({key: ambiguous(value)})
        return found[0]


def ambiguous(value):
    return _("Several organizations are named “%(name)s”; write it with its parent, e.g. “parent/%(name)s”.") % {"name": shorten(value)}


class RegionPaths:
    """Finds a region by its path, e.g. 上海市/松江区/广富林街道, or by a name that is unique."""

    def __init__(self):
        self.by_parent_and_name = {}
        self.by_name = defaultdict(list)
        for pk, name, parent_id in Region.objects.values_list("pk", "name", "parent_id"):
            self.by_parent_and_name[(parent_id, name)] = pk
            self.by_name[name].append(pk)

    def find(self, value: str, key: str = "region") -> int:
        parts = _split_path(value)
        pk = None
        for index, part in enumerate(parts):
            found = self.by_parent_and_name.get((pk, part))
            if found is None and index == 0 and len(self.by_name.get(part, [])) == 1:
                found = self.by_name[part][0]  # a path may start below the top, e.g. 松江区/广富林街道
            if found is None:
                raise ValidationError(
                    {key: _("No region matches “%(path)s”; write it like 上海市/松江区/广富林街道.") % {"path": shorten(value)}}
                )
            pk = found
        return pk


# --- Organizations ---------------------------------------------------------------------------

SECTOR = Choice(
    Sector,
    {
        Sector.GOVERNMENT: [pgettext_lazy("sector in a sheet", "Government")],
        Sector.SCHOOL: [pgettext_lazy("sector in a sheet", "School")],
        Sector.ENTERPRISE: [pgettext_lazy("sector in a sheet", "Enterprise")],
        Sector.SOCIAL: [pgettext_lazy("sector in a sheet", "Social organization")],
        Sector.OTHER: [pgettext_lazy("sector in a sheet", "Other")],
    },
)
KIND = Choice(
    OrgKind,
    {
        OrgKind.COMMITTEE: [pgettext_lazy("organization kind in a sheet", "Party committee")],
        OrgKind.WORKING_COMMITTEE: [pgettext_lazy("organization kind in a sheet", "Party working committee")],
        OrgKind.LEADING_GROUP: [pgettext_lazy("organization kind in a sheet", "Party leadership group")],
        OrgKind.GENERAL_BRANCH: [pgettext_lazy("organization kind in a sheet", "General party branch")],
        OrgKind.BRANCH: [pgettext_lazy("organization kind in a sheet", "Party branch")],
        OrgKind.JOINT_BRANCH: [pgettext_lazy("organization kind in a sheet", "Joint party branch")],
        OrgKind.STUDIO: [pgettext_lazy("organization kind in a sheet", "Studio")],
        OrgKind.OTHER: [pgettext_lazy("organization kind in a sheet", "Other")],
    },
)
STATUS = Choice(
    OrgStatus,
    {
        OrgStatus.PENDING: [pgettext_lazy("organization status in a sheet", "Pending")],
        OrgStatus.ACTIVE: [pgettext_lazy("organization status in a sheet", "Active")],
        OrgStatus.SUSPENDED: [pgettext_lazy("organization status in a sheet", "Suspended")],
    },
)


@register
class OrganizationImporter(Importer):
    kind = "organizations"
    label = pgettext_lazy("import kind", "Organizations")
    description = pgettext_lazy("import kind", "Party organizations and units with their parent, region, credit code, tags and contact.")
    model = Organization
    order = 10
    result_url_name = "orgs:organization_list"
    clean_exclude = ("parent", "region")

    @classmethod
    def allowed(cls, user):
        return may_create_organizations(user)

    columns = (
        Column(
            "name",
            pgettext_lazy("import column", "Name"),
            required=True,
            example="上海云创信息科技有限公司党支部",
            help=pgettext_lazy("import help", "Full name. Names are unique under the same parent."),
        ),
        Column("short_name", pgettext_lazy("import column", "Short name"), example="云创科技"),
        Column(
            "sector",
            pgettext_lazy("import column", "Sector"),
            required=True,
            parse=SECTOR,
            example=SECTOR.display()[2],
            help=pgettext_lazy("import help", "One of: %(choices)s."),
        ),
        Column(
            "kind",
            pgettext_lazy("import column", "Kind"),
            required=True,
            parse=KIND,
            example=KIND.display()[4],
            help=pgettext_lazy("import help", "One of: %(choices)s."),
        ),
        Column(
            "parent",
            pgettext_lazy("import column", "Parent organization"),
            model_field=False,
            example="松江经济技术开发区党工委",
            help=pgettext_lazy(
                "import help",
                "Name of the parent organization, existing or in this file; if several share the name, write "
                "parent/name. Blank: a new organization is top-level, an existing one stays where it is.",
            ),
        ),
        Column(
            "region",
            pgettext_lazy("import column", "Region"),
            model_field=False,
            example="上海市/松江区/广富林街道",
            help=pgettext_lazy("import help", "Region path from the city down, separated by /. Blank: an existing organization keeps its region."),
        ),
        Column("address", pgettext_lazy("import column", "Address"), example="上海市松江区龙腾路1000号"),
        Column(
            "credit_code",
            pgettext_lazy("import column", "Unified social credit code"),
            parse=upper,
            example="91310117MA1J3R5X0K",
            help=pgettext_lazy("import help", "18 characters with a valid check character. When given, it identifies the organization."),
        ),
        Column(
            "tags",
            pgettext_lazy("import column", "Capability tags"),
            parse=listing,
            model_field=False,
            example="软件开发、志愿服务",
            help=pgettext_lazy("import help", "Separated by 、; new tags are added to the tag list."),
        ),
        Column("contact_name", pgettext_lazy("import column", "Contact person"), example="张敏"),
        Column(
            "contact_phone",
            pgettext_lazy("import column", "Contact phone"),
            parse=phone,
            example="13800138000",
            help=pgettext_lazy("import help", "Mobile or landline, e.g. 13800138000 or 021-57890000."),
        ),
        Column("contact_email", pgettext_lazy("import column", "Contact email"), example="dangjian@example.cn"),
        Column(
            "status",
            pgettext_lazy("import column", "Status"),
            parse=STATUS,
            example=STATUS.display()[1],
            help=pgettext_lazy("import help", "One of: %(choices)s. Blank: active for new organizations."),
        ),
    )
    notes = (
        pgettext_lazy(
            "import help",
            "An organization is recognised by its credit code, or else by its name under its parent: importing the file again updates it.",
        ),
        pgettext_lazy("import help", "Organization admins can add and change organizations only under the ones they manage."),
    )

    def prepare(self, rows):
        # Translated once: identities() names them for every row.
        self.words = {"name": _("name under the same parent"), "code": self.label_of("credit_code"), "pk": _("organization")}
        names, codes, parent_texts = set(), set(), set()
        for row in rows:
            if not row.planable:
                continue
            names.add(row.data["name"])
            if row.data.get("credit_code"):
                codes.add(row.data["credit_code"])
            if row.data.get("parent"):
                parent_texts.add(row.data["parent"])
                names.update(_split_path(row.data["parent"]))
        # One identity map: every organization the file touches is a single Python object,
        # so a parent moved or created earlier in the write is seen with its new path.
        self.orgs: dict[int, Organization] = {}
        for batch in chunked(sorted(names)):
            self.orgs.update((org.pk, org) for org in organizations_named(batch))
        for batch in chunked(sorted(codes)):
            # The condition lets the database use the partial unique index on credit codes.
            found = Organization.objects.exclude(credit_code="").filter(credit_code__in=batch).order_by()
            self.orgs.update((org.pk, org) for org in found)
        missing_parents = {org.parent_id for org in self.orgs.values() if org.parent_id and org.parent_id not in self.orgs}
        for batch in chunked(sorted(missing_parents)):
            self.orgs.update((org.pk, org) for org in Organization.objects.filter(pk__in=batch))
        for org in list(self.orgs.values()):
            if org.parent_id:
                org.parent = self.orgs[org.parent_id]
        self.by_code = {org.credit_code: org for org in self.orgs.values() if org.credit_code}
        self.by_parent_and_name = {(org.parent_id, org.name): org for org in self.orgs.values()}
        self.orgs_by_name = defaultdict(list)
        for org in self.orgs.values():
            self.orgs_by_name[org.name].append(org)
        self.db_names = OrgNames(parent_texts, organizations=list(self.orgs.values()))
        self.rows_by_name = defaultdict(list)
        for row in rows:
            if row.planable:
                self.rows_by_name[row.data["name"]].append(row)
        self.regions = RegionPaths() if "region" in self.present else None
        self.tags_by_name = dict(CapabilityTag.objects.values_list("name", "pk")) if "tags" in self.present else {}
        self.tags_of = defaultdict(list)
        if "tags" in self.present:
            through = Organization.tags.through
            matched = [pk for pk in self.orgs]
            for batch in chunked(matched):
                for org_id, name in through.objects.filter(organization_id__in=batch).values_list("organization_id", "capabilitytag__name"):
                    self.tags_of[org_id].append(name)

    # Matching: a row's parent may be another row, so matching is memoised and may recurse.

    def match(self, row: Row):
        if "match" not in row.extra:
            if row.extra.get("resolving"):
                raise ValidationError({"parent": _("The parent organizations of these rows form a circle.")})
            row.extra["resolving"] = True
            try:
                row.extra["match"] = self._match(row)
            finally:
                row.extra["resolving"] = False
        return row.extra["match"]

    def _match(self, row: Row):
        name, code = row.data["name"], row.data.get("credit_code")
        parent = self.resolve_parent(row)
        row.extra["parent"] = parent
        existing = self.by_code.get(code) if code else None
        if existing is None:
            if parent is not None:
                candidates = [self.by_parent_and_name.get((parent.pk, name))] if parent.pk else []
            else:
                # No parent given: the existing organization of this name, wherever it is.
                candidates = self.orgs_by_name.get(name, [])
                if len(candidates) > 1:
                    candidates = [org for org in candidates if org.parent_id is None]
                    if len(candidates) != 1:
                        raise ValidationError({"parent": ambiguous(name)})
            # A credit code in the row identifies the organization: one on file with another code is not it.
            candidates = [org for org in candidates if org is not None and not (code and org.credit_code)]
            existing = candidates[0] if candidates else None
        if existing is not None and existing.archived_at is not None:
            raise ValidationError(_("“%(name)s” is archived; restore it in the directory before importing it.") % {"name": existing.name})
        row.extra["instance"] = existing if existing is not None else Organization()
        return existing

    def new_instance(self, row):
        return row.extra["instance"]

    def resolve_parent(self, row: Row):
        """The parent organization object (existing, or the instance of another row), or None."""
        value = row.data.get("parent", "")
        if not value:
            return None
        if "/" in value or "／" in value:
            return self.db_names.find(value, key="parent")
        found = {}
        for org in self.db_names.candidates(value):
            found[("db", org.pk)] = org
        for other in self.rows_by_name.get(value, []):
            if other is row:
                continue
            try:
                existing = self.match(other)
            except ValidationError:
                continue  # that row reports its own error
            target = existing if existing is not None else other.extra["instance"]
            found[("db", target.pk) if target.pk else ("row", id(target))] = target
        if not found:
            raise ValidationError({"parent": _("No organization is named “%(name)s”.") % {"name": shorten(value)}})
        if len(found) > 1:
            raise ValidationError({"parent": ambiguous(value)})
        return next(iter(found.values()))

    def fill(self, row, instance):
        errors = {}
        old_names = (instance.name, instance.short_name)
        row.extra["previous_parent_id"] = instance.parent_id
        super().fill(row, instance)
        parent = row.extra["parent"]
        if parent is not None:
            if parent is instance:
                errors["parent"] = [_("An organization cannot be its own parent.")]
            elif parent.pk != instance.parent_id or instance.pk is None:
                row.extra["moved"] = instance.pk is not None
                instance.parent = parent
        value = row.data.get("region", "")
        if self.regions is not None and value:
            # A blank cell keeps the stored region, as a blank parent keeps the stored parent.
            try:
                instance.region_id = self.regions.find(value)
            except ValidationError as e:
                errors.update(e.message_dict)
        if "tags" in row.data:
            too_long = [tag for tag in row.data["tags"] if len(tag) > CapabilityTag._meta.get_field("name").max_length]
            if too_long:
                errors["tags"] = [_("A tag has at most 40 characters: %(tags)s.") % {"tags": shorten("、".join(too_long))}]
        if instance.pk is None or (instance.name, instance.short_name) != old_names:
            instance.pinyin_initials, instance.pinyin = cached_pinyin_keys(instance.name, instance.short_name)
        if errors:
            raise ValidationError(errors)

    def check_scope(self, row, instance, is_new):
        if self.scope.everything:
            return
        if not is_new and not self.scope.can_edit(instance.pk):
            raise ValidationError(
                _("You cannot change “%(name)s”: it is not among the organizations you manage.") % {"name": instance.name}
            )
        parent = row.extra["parent"]
        if parent is not None and parent.pk is None:
            return  # a new organization of this file: its own row is checked the same way
        # The directory's own rule: new and moved organizations only under ones the user can edit.
        instance.check_placement(self.user, previous_parent_id=row.extra.get("previous_parent_id"))

    def validate(self, row, instance, exclude):
        """The model's field validators and tree rule; the name rule checked against the preloaded names.

        Organization.clean() would ask the database once per row whether a sibling has the same name,
        the rule of the constraint orgs_org_unique_name_in_parent. Every organization bearing any name
        in the file is loaded in prepare(), so the same check runs in memory for the whole file.
        """
        errors = {}
        instance.credit_code = (instance.credit_code or "").strip().upper()
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            instance.clean_parent()
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        # A parent that is a new row of this file has no children in the database yet.
        unsaved_parent = instance.parent_id is None and instance.parent is not None
        if "name" not in errors and not unsaved_parent:
            other = self.by_parent_and_name.get((instance.parent_id, instance.name))
            if other is not None and other is not instance:
                errors.setdefault("name", []).append(
                    ValidationError(_("An organization with this name already exists under the same parent."))
                )
        if errors:
            raise ValidationError(errors)

    def identities(self, row, instance):
        parent = row.extra["parent"] if row.extra.get("parent") is not None else None
        if parent is not None:
            parent_key = ("db", parent.pk) if parent.pk else ("row", id(parent))
        else:
            parent_key = ("db", instance.parent_id)
        keys = [(self.words["name"], ("name", parent_key, instance.name))]
        if instance.credit_code:
            keys.append((self.words["code"], ("code", instance.credit_code)))
        if instance.pk:
            keys.append((self.words["pk"], ("pk", instance.pk)))
        return keys

    def extra_changes(self, row, instance, is_new):
        if "tags" not in row.data:
            return {}
        new = sorted(row.data["tags"])
        old = [] if is_new else sorted(self.tags_of.get(instance.pk, []))
        return {"tags": [old, new]} if new != old else {}

    def finish(self, rows):
        """A move must not put an organization under itself or one of its descendants."""
        moved = {row.instance.pk: row for row in rows if row.instance is not None and row.extra.get("moved")}
        for row in moved.values():
            if self._moves_under_itself(row, moved, limit=len(rows) + 64):
                row.errors.append(
                    self.message(self.label_of("parent"), _("An organization cannot be placed under itself or one of its descendants."))
                )
                row.action = ""

    def _moves_under_itself(self, row, moved, limit) -> bool:
        """Walk up from the new parent through the tree as it will be after the import."""
        node = row.instance.parent
        for _step in range(limit):
            if node is None:
                return False
            if node is row.instance:
                return True
            if node.pk is None:
                node = node.parent  # a new organization of this file
            elif node.pk in moved:
                node = moved[node.pk].instance.parent
            else:
                # An organization that stays where it is: its stored path lists its ancestors,
                # up to the nearest one that moves.
                next_node = None
                for pk in reversed(node.ancestor_ids()):
                    if pk == row.instance.pk:
                        return True
                    if pk in moved:
                        next_node = moved[pk].instance.parent
                        break
                node = next_node
        return True

    # --- Writing: parents before children, paths by hand, moves through save() ---

    def create(self, rows):
        def depth(instance, limit=64):
            level = 0
            while instance.parent_id is None and instance.parent is not None and instance.parent.pk is None and level < limit:
                instance, level = instance.parent, level + 1
            return level

        by_depth = defaultdict(list)
        for row in rows:
            by_depth[depth(row.instance)].append(row.instance)
        for level in sorted(by_depth):
            # Siblings get consecutive ids (in sheet order, as the sort is stable), so the path UPDATE
            # of one parent's new children rewrites neighbouring rows instead of rows all over the table.
            instances = sorted(by_depth[level], key=lambda instance: instance.parent.pk if instance.parent is not None else 0)
            if connection.vendor == "postgresql":
                # PostgreSQL hands out the ids first, so each path is written in the INSERT itself;
                # the UPDATE below took 0.55 s of 10,000 rows there. (On SQLite it is the faster way.)
                for instance, pk in zip(instances, _reserve_ids(Organization, len(instances)), strict=True):
                    instance.pk = pk
                    instance.path = f"{instance.parent.path if instance.parent is not None else '/'}{pk}/"
                Organization.objects.bulk_create(instances, batch_size=self.batch_size)
                continue
            # bulk_create takes each parent's id from the parent object, created one level up.
            Organization.objects.bulk_create(instances, batch_size=self.batch_size)
            # The path needs the new id: "<parent's path><id>/", the parent's path read by the UPDATE
            # itself, so a batch of rows under any number of parents is one statement.
            for instance in instances:
                instance.path = f"{instance.parent.path if instance.parent_id else '/'}{instance.pk}/"
            parent_path = Organization.objects.filter(pk=OuterRef("parent_id")).values("path")
            for batch in chunked([instance.pk for instance in instances]):
                Organization.objects.filter(pk__in=batch).update(
                    path=Concat(Coalesce(Subquery(parent_path), Value("/")), Cast("pk", CharField()), Value("/"))
                )

    def update(self, rows):
        super().update([row for row in rows if not row.extra.get("moved")])
        # A move rewrites the paths of the whole subtree: the model's save() does that, and the
        # audit signal records it. Parents come first so each sees its parent's final path.
        for row in sorted((row for row in rows if row.extra.get("moved")), key=lambda row: len(row.instance.path)):
            row.instance.clean_parent()
            row.instance.save()

    def audit_entries(self, created, updated, *, actor=None, ip=None):
        moved = [row for row in updated if row.extra.get("moved")]
        yield from super().audit_entries(created, [row for row in updated if not row.extra.get("moved")], actor=actor, ip=ip)
        for row in moved:
            if "tags" in row.changes:
                yield bulk.entry(Action.UPDATE, row.instance, changes={"tags": row.changes["tags"]}, actor=actor, ip=ip)

    def after_write(self, created, updated):
        rows = [row for row in created if "tags" in row.data] + [row for row in updated if "tags" in row.changes]
        if not rows:
            return ()
        wanted = {tag for row in rows for tag in row.data["tags"]}
        missing = wanted - set(self.tags_by_name)
        if missing:
            CapabilityTag.objects.bulk_create([CapabilityTag(name=name) for name in sorted(missing)], ignore_conflicts=True)
            self.tags_by_name.update(CapabilityTag.objects.filter(name__in=missing).values_list("name", "pk"))
        through = Organization.tags.through
        changed = [row.instance.pk for row in updated if "tags" in row.changes]
        for batch in chunked(changed):
            through.objects.filter(organization_id__in=batch).delete()
        links = [(row.instance.pk, self.tags_by_name[tag]) for row in rows for tag in row.data["tags"]]
        # A plain two-column link table: multi-row INSERTs of the pairs instead of a model instance
        # each (executemany sent PostgreSQL one statement per link: 0.38 s for 20,000 of them).
        # No link can exist yet (new organizations, or links deleted above).
        table = connection.ops.quote_name(through._meta.db_table)
        with connection.cursor() as cursor:
            for batch in chunked(links, 400):  # 800 parameters: below SQLite's limit on old builds too
                values = ", ".join(["(%s, %s)"] * len(batch))
                cursor.execute(
                    f"INSERT INTO {table} (organization_id, capabilitytag_id) VALUES {values}",  # noqa: S608  (table name from the model)
                    [value for pair in batch for value in pair],
                )
        return ()


# --- People ----------------------------------------------------------------------------------

GENDER = Choice(
    Person.Gender,
    {
        Person.Gender.MALE: [pgettext_lazy("gender in a sheet", "Male")],
        Person.Gender.FEMALE: [pgettext_lazy("gender in a sheet", "Female")],
    },
)


@register
class PersonImporter(Importer):
    kind = "people"
    label = pgettext_lazy("import kind", "People")
    description = pgettext_lazy("import kind", "People with phone, titles and honours, and the expert pool (speakers and their topics).")
    model = Person
    order = 20
    result_url_name = "orgs:person_list"
    columns = (
        Column("name", pgettext_lazy("import column, a person's", "Name"), required=True, example="王芳"),
        Column(
            "gender",
            pgettext_lazy("import column", "Gender"),
            parse=GENDER,
            example=GENDER.display()[1],
            help=pgettext_lazy("import help", "One of: %(choices)s."),
        ),
        Column(
            "phone",
            pgettext_lazy("import column", "Mobile phone"),
            parse=phone,
            example="13900139000",
            help=pgettext_lazy("import help", "When given, it identifies the person; stored encrypted."),
        ),
        Column("email", pgettext_lazy("import column", "Email"), example="wangfang@example.cn"),
        Column(
            "titles",
            pgettext_lazy("import column", "Titles and honours"),
            parse=listing,
            example="市委党校教授、宣讲团成员",
            help=pgettext_lazy("import help", "Separated by 、."),
        ),
        Column(
            "is_speaker",
            pgettext_lazy("import column", "Speaker"),
            parse=boolean,
            example=str(pgettext_lazy("sheet value", "yes")),
            help=pgettext_lazy("import help", "Yes puts the person in the expert pool; a speaker needs topics."),
        ),
        Column(
            "speaker_topics",
            pgettext_lazy("import column", "Lecture topics"),
            parse=listing,
            example="党的二十大精神、基层治理",
            help=pgettext_lazy("import help", "Separated by 、."),
        ),
        Column(
            "organization",
            pgettext_lazy("import column", "Organization"),
            model_field=False,
            example="示例学院党委",
            help=pgettext_lazy(
                "import help",
                "An organization the person belongs to (added as a member if not yet). Without a phone number, "
                "name and organization identify the person.",
            ),
        ),
    )
    notes = (
        pgettext_lazy("import help", "Each row needs a mobile phone number or an organization, so importing again finds the same person."),
        pgettext_lazy("import help", "Organization admins can import people only into organizations they manage."),
    )

    def prepare(self, rows):
        valid = [row for row in rows if row.planable]
        self.org_names = OrgNames({row.data.get("organization", "") for row in valid})
        hashes = {phone_key(row.data["phone"]) for row in valid if row.data.get("phone")}
        self.by_hash = {}
        for batch in chunked(sorted(hashes)):
            self.by_hash.update((person.phone_hash, person) for person in Person.objects.filter(phone_hash__in=batch))
        org_ids, names = set(), set()
        for row in valid:
            value = row.data.get("organization")
            if value:
                found = self.org_names.candidates(value)
                if len(found) == 1:
                    org_ids.add(found[0].pk)
                    names.add(row.data["name"])
        self.by_name_and_org = defaultdict(list)
        self.memberships = set()
        for org_batch in chunked(sorted(org_ids), 400):
            for name_batch in chunked(sorted(names), 400):
                found = Membership.objects.filter(organization_id__in=org_batch, person__name__in=name_batch).select_related("person")
                for membership in found:
                    self.by_name_and_org[(membership.person.name, membership.organization_id)].append(membership.person)
                    self.memberships.add((membership.person_id, membership.organization_id))
        known = [person.pk for person in self.by_hash.values()]
        for batch in chunked(known):
            self.memberships.update(Membership.objects.filter(person_id__in=batch).values_list("person_id", "organization_id"))
        self.editable_people = set()
        if not self.scope.everything:
            known += [person.pk for people in self.by_name_and_org.values() for person in people]
            for batch in chunked(sorted(set(known))):
                self.editable_people.update(Person.objects.editable_by(self.user).filter(pk__in=batch).values_list("pk", flat=True))

    def match(self, row):
        value = row.data.get("organization")
        org = self.org_names.find(value) if value else None
        row.extra["org"] = org
        if row.data.get("phone"):
            return self.by_hash.get(phone_key(row.data["phone"]))
        if org is None:
            raise ValidationError(
                _("Give a mobile phone number or an organization, so the person is recognised when the file is imported again.")
            )
        people = self.by_name_and_org.get((row.data["name"], org.pk), [])
        if len(people) > 1:
            raise ValidationError(
                _("Several people named “%(name)s” belong to this organization; add the mobile phone number.")
                % {"name": shorten(row.data["name"])}
            )
        return people[0] if people else None

    def fill(self, row, instance):
        old_name = instance.name
        super().fill(row, instance)
        instance.phone_hash = phone_key(instance.phone)
        if instance.pk is None or instance.name != old_name:
            instance.pinyin_initials = cached_pinyin_keys(instance.name)[0]

    def check_scope(self, row, instance, is_new):
        if self.scope.everything:
            return
        org = row.extra["org"]
        if org is None or not self.scope.can_edit(org.pk):
            raise ValidationError({"organization": _("Name an organization you manage.")})
        if not is_new and instance.pk not in self.editable_people:
            raise ValidationError(_("This person belongs to organizations you do not manage; ask their organization or the alliance."))

    def identities(self, row, instance):
        keys = super().identities(row, instance)
        if instance.phone_hash:
            keys.append((self.label_of("phone"), ("phone", instance.phone_hash)))
        elif row.extra["org"] is not None:
            keys.append((_("name in the same organization"), ("name", instance.name, row.extra["org"].pk)))
        return keys

    def after_write(self, created, updated):
        memberships = []
        for row in created + updated:
            org = row.extra["org"]
            if org is not None and (row.instance.pk, org.pk) not in self.memberships:
                memberships.append(Membership(person=row.instance, organization=org, role=MembershipRole.MEMBER))
        Membership.objects.bulk_create(memberships, batch_size=self.batch_size)
        return [(Action.CREATE, m, masked_diff(m, None, snapshot(m))) for m in memberships]

    def extra_changes(self, row, instance, is_new):
        org = row.extra["org"]
        if org is not None and (is_new or (instance.pk, org.pk) not in self.memberships):
            return {"memberships": [None, org.name]}
        return {}


# --- Memberships -----------------------------------------------------------------------------

ROLE = Choice(
    MembershipRole,
    {
        MembershipRole.ADMIN: [pgettext_lazy("membership role in a sheet", "Admin")],
        MembershipRole.MEMBER: [pgettext_lazy("membership role in a sheet", "Member")],
    },
)


@register
class MembershipImporter(Importer):
    kind = "memberships"
    label = pgettext_lazy("import kind", "Memberships")
    description = pgettext_lazy("import kind", "Who belongs to which organization, as admin or member, with their position.")
    model = Membership
    order = 30
    clean_exclude = ("person", "organization")
    columns = (
        Column(
            "phone",
            pgettext_lazy("import column", "Mobile phone"),
            required=True,
            parse=phone,
            model_field=False,
            example="13900139000",
            help=pgettext_lazy("import help", "The person's mobile phone number; import the people first."),
        ),
        Column(
            "organization",
            pgettext_lazy("import column", "Organization"),
            required=True,
            model_field=False,
            example="示例学院党委",
            help=pgettext_lazy("import help", "Name of the organization; if several share the name, write parent/name."),
        ),
        Column(
            "role",
            pgettext_lazy("import column", "Role"),
            parse=ROLE,
            example=ROLE.display()[1],
            help=pgettext_lazy("import help", "One of: %(choices)s. Blank: member for new memberships."),
        ),
        Column("position", pgettext_lazy("import column", "Position"), example="组织委员"),
        Column("joined_on", pgettext_lazy("import column", "Joined on"), parse=date, example="2024-09-01"),
    )
    notes = (
        pgettext_lazy("import help", "A membership is recognised by person and organization: importing again updates role and position."),
        pgettext_lazy("import help", "Organization admins can import memberships only into organizations they manage."),
    )

    def prepare(self, rows):
        valid = [row for row in rows if row.planable]
        self.org_names = OrgNames({row.data["organization"] for row in valid})
        hashes = {phone_key(row.data["phone"]) for row in valid if row.data.get("phone")}
        self.people = {}
        for batch in chunked(sorted(hashes)):
            self.people.update((p.phone_hash, p) for p in Person.objects.filter(phone_hash__in=batch).only("pk", "name", "phone_hash"))
        org_ids = {org.pk for orgs in self.org_names.by_name.values() for org in orgs}
        person_ids = [person.pk for person in self.people.values()]
        self.existing = {}
        for batch in chunked(person_ids):
            for membership in Membership.objects.filter(person_id__in=batch, organization_id__in=org_ids):
                self.existing[(membership.person_id, membership.organization_id)] = membership

    def match(self, row):
        person = self.people.get(phone_key(row.data.get("phone", "")))
        errors = {}
        if person is None:
            errors["phone"] = [_("No person has this mobile phone number; import the people first.")]
        try:
            org = self.org_names.find(row.data["organization"])
        except ValidationError as e:
            errors.update(e.message_dict)
            org = None
        if errors:
            raise ValidationError(errors)
        row.extra.update(person=person, org=org)
        membership = self.existing.get((person.pk, org.pk))
        if membership is not None:
            # Set the cached objects so str(membership) needs no query.
            membership.person, membership.organization = person, org
        return membership

    def fill(self, row, instance):
        if instance.pk is None:
            instance.person, instance.organization = row.extra["person"], row.extra["org"]
        super().fill(row, instance)

    def check_scope(self, row, instance, is_new):
        if not self.scope.can_edit(row.extra["org"].pk):
            raise ValidationError({"organization": _("You can only import into organizations you manage.")})

    def identities(self, row, instance):
        return [(_("person and organization"), ("membership", row.extra["person"].pk, row.extra["org"].pk))]


__all__ = ["MembershipImporter", "OrgNames", "OrganizationImporter", "PersonImporter", "RegionPaths", "text"]
