"""Pages for regions, organizations, people and memberships.

Lists, details and forms are the generic views from gongjian.lib.views set up
by attributes; one-off actions (reveal a phone, restore, end a membership) are
small function views. Every object is fetched through the access helper.
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.middleware import mark_no_store
from gongjian.lib.paging import Window, page_number
from gongjian.lib.views import ObjectArchiveView, ObjectDetailView, ObjectEditView, ObjectListView

from . import profiles, timeline
from .filters import OrganizationFilterSet, PersonFilterSet
from .forms import MembershipForm, MembershipRoleForm, OrganizationForm, PersonForm, RegionForm
from .listing import attach_tag_names, with_related_columns, with_tag_names
from .models import Membership, Organization, Person, Region, may_create_organizations
from .tables import OrganizationTable

TREE_PAGE = 100


class TreeView(LoginRequiredMixin, View):
    """A tree shown a level at a time: the top nodes, then a node's children when it is opened.

    ``?parent=<uuid>`` answers that node's children as list items (an HTMX swap into the opened
    node), ``?page=n`` the next page of a level; each level is read a page at a time, so a page
    never holds more than ``TREE_PAGE`` nodes however large the tree.
    """

    model = None
    template_name = ""
    nodes_template_name = ""

    def nodes(self, request, parent):
        raise NotImplementedError

    def get_extra_context(self, request):
        return {}

    def get(self, request):
        parent = get_object_for(request.user, self.model, "view", uuid=request.GET["parent"]) if request.GET.get("parent") else None
        number = page_number(request.GET.get("page"))
        window = Window(self.nodes(request, parent), number, TREE_PAGE)
        context = {
            "nodes": window.object_list,
            "parent": parent,
            "next_page": number + 1 if window.has_next() else None,
            **self.get_extra_context(request),
        }
        if parent is not None or number > 1:
            return render(request, self.nodes_template_name, context)
        return render(request, self.template_name, context)


def _import_url():
    # The import app is built separately; link to it only once its page exists.
    try:
        return reverse("imports:start")
    except NoReverseMatch:
        return ""


# --- Regions ---------------------------------------------------------------


class RegionTreeView(TreeView):
    model = Region
    template_name = "orgs/region_tree.html"
    nodes_template_name = "orgs/partials/region_nodes.html"

    def nodes(self, request, parent):
        regions = Region.objects.visible_to(request.user)
        regions = regions.filter(parent=parent) if parent is not None else regions.filter(parent__isnull=True)
        organizations = Organization.objects.filter(region=OuterRef("pk"), archived_at__isnull=True).order_by().values("region")
        return regions.annotate(
            organization_count=Coalesce(Subquery(organizations.annotate(n=Count("pk")).values("n")), 0),
            has_children=Exists(Region.objects.filter(parent=OuterRef("pk"))),
        ).order_by(Coalesce(NullIf("code", Value("")), Value("~")), "name")

    def get_extra_context(self, request):
        return {"title": _("Regions"), "can_edit": scope_for(request.user).everything}


class RegionEditView(ObjectEditView):
    model = Region
    form_class = RegionForm

    def get_form(self, request, obj, data=None, files=None):
        form = super().get_form(request, obj, data, files)
        parent = Region.objects.filter(uuid=request.GET.get("parent")).first() if _is_uuid(request.GET.get("parent")) else None
        if parent is not None and not obj.pk and data is None:
            form.initial.update(parent=parent.uuid, level=min(parent.level + 1, 4))
        return form


def _is_uuid(value) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


# --- Organizations ---------------------------------------------------------


def directory_rows(organizations, today):
    """What the directory's rows read, on top of the user's scoped organizations.

    - ``member_count``: a correlated subquery counted only for the page's rows; a JOIN + GROUP BY
      counted members of every matching organization first (2.5 s at 100k organizations).
    - ``parent_name``, ``region_name``: two columns, not two model instances per row.
    - ``tag_names_json`` (orgs.listing) and only the columns the table shows: converting the
      rest (texts, three timestamps) for every row cost more than the table's own columns.
    """
    members = (
        Membership.objects.current(on=today)
        .filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = with_related_columns(organizations.annotate(member_count=Coalesce(Subquery(members), 0)), "parent_name", "region_name")
    return with_tag_names(rows).only(*OrganizationTable.fields)


class OrganizationListView(ObjectListView):
    queryset = Organization.objects.all()
    filterset_class = OrganizationFilterSet
    template_name = "orgs/organization_list.html"
    table_template_name = "orgs/partials/organization_table.html"
    table_class = OrganizationTable
    title = gettext_lazy("Organization directory")
    count_later = True
    export_columns = (
        (pgettext_lazy("organization", "Name"), "name"),
        (gettext_lazy("Short name"), "short_name"),
        (gettext_lazy("Sector"), lambda o: o.get_sector_display()),
        (gettext_lazy("Kind"), lambda o: o.get_kind_display()),
        (gettext_lazy("Parent organization"), lambda o: o.parent_name or ""),
        (gettext_lazy("Region"), lambda o: o.region_name or ""),
        (gettext_lazy("Capability tags"), lambda o: [t.name for t in o.tags.all()]),
        (gettext_lazy("Unified social credit code"), "credit_code"),
        (gettext_lazy("Address"), "address"),
        (gettext_lazy("Public contact"), "public_contact"),
        # The contact person is personal data: only for organizations in the user's scope.
        (gettext_lazy("Contact person"), lambda o: o.contact_name if o.viewer_in_scope else ""),
        (gettext_lazy("Status"), lambda o: o.get_status_display()),
        (gettext_lazy("Archived at"), "archived_at"),
    )

    def get_queryset(self, request):
        # The whole alliance for any member; editing and contact persons stay scoped (orgs.profiles).
        return self.queryset.all().public_to(request.user)

    def get_row_queryset(self, request):
        if request.GET.get("export") == "xlsx":
            rows = with_related_columns(self.get_queryset(request), "parent_name", "region_name").prefetch_related("tags")
            return rows.with_access(request.user)
        return directory_rows(self.get_queryset(request), timezone.localdate()).with_access(request.user)

    def paginate(self, request, queryset):
        page = super().paginate(request, queryset)
        attach_tag_names(page.object_list)
        return page

    def can_create(self, request):
        return may_create_organizations(request.user)

    def get_extra_context(self, request):
        return {"import_url": _import_url() if scope_for(request.user).administers else ""}


class OrganizationTreeView(TreeView):
    """A member sees only some organizations of a tree: an organization whose parent they cannot
    see is a top node for them."""

    model = Organization
    template_name = "orgs/organization_tree.html"
    nodes_template_name = "orgs/partials/organization_nodes.html"

    def nodes(self, request, parent):
        scope = scope_for(request.user)
        organizations = Organization.objects.visible_to(request.user).active()
        children = Organization.objects.filter(parent=OuterRef("pk"), archived_at__isnull=True)
        if parent is not None:
            organizations = organizations.filter(parent=parent)
        elif scope.everything:
            organizations = organizations.filter(parent__isnull=True)
        else:
            organizations = organizations.exclude(parent_id__in=scope.visible)
        if not scope.everything:
            children = children.filter(pk__in=scope.visible)
        return (
            organizations.annotate(has_children=Exists(children))
            .only("pk", "uuid", "name", "kind", "sector", "path", "status")
            .order_by("pk")
        )

    def get_extra_context(self, request):
        return {"title": _("Organization tree"), "can_create": may_create_organizations(request.user)}


ORG_TABS = (
    ("overview", gettext_lazy("Overview")),
    ("children", gettext_lazy("Sub-organizations")),
    ("members", gettext_lazy("Members")),
    ("timeline", gettext_lazy("Timeline")),
)


class OrganizationDetailView(ObjectDetailView):
    """One organization with tabs; an HTMX request for #tab-content gets only the tab."""

    model = Organization
    template_name = "orgs/organization_detail.html"

    def get_object(self, request, **kwargs):
        queryset = Organization.objects.select_related("parent", "region").prefetch_related("tags")
        return profiles.get_profile_for(request.user, queryset, uuid=kwargs["uuid"])

    def get_extra_context(self, request, obj):
        tab = request.GET.get("tab", "overview")
        if tab not in dict(ORG_TABS):
            tab = "overview"
        tabs = [(key, label) for key, label in ORG_TABS if key != "members" or obj.viewer_in_scope]
        context = {"tab": tab, "tabs": tabs, "title": obj.name}
        if tab == "members" and not obj.viewer_in_scope:
            # Members are personal data: outside the user's scope the tab does not exist.
            raise Http404
        if tab == "overview":
            context["ancestors"] = obj.ancestors().only("uuid", "name")
            context["region_name"] = obj.region.full_name() if obj.region_id else ""
            context["published"] = profiles.published_by(obj, request.user)
        elif tab == "children":
            context["children"] = (
                Organization.objects.public_to(request.user)
                .filter(parent=obj)
                .active()
                .annotate(child_count=Count("children", filter=Q(children__archived_at__isnull=True)))
                .order_by("path")
            )
        elif tab == "members":
            # Names and masked phones of members are personal data.
            mark_no_store(request)
            memberships = obj.memberships.select_related("person").order_by("left_on", "role", "person__name")
            context["memberships"] = [m for m in memberships if m.is_current]
            context["past_memberships"] = [m for m in memberships if not m.is_current]
        elif tab == "timeline":
            context["entries"] = timeline.collect(obj, request.user)
        return context

    def get(self, request, *args, **kwargs):
        if getattr(request, "htmx", False) and request.htmx.target == "tab-content":
            self.template_name = "orgs/partials/organization_tab.html"
        return super().get(request, *args, **kwargs)


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = OrganizationForm

    def check_create(self, request):
        if not may_create_organizations(request.user):
            raise PermissionDenied

    def get_form(self, request, obj, data=None, files=None):
        form = super().get_form(request, obj, data, files)
        if not obj.pk and data is None and _is_uuid(request.GET.get("parent")):
            parent = Organization.objects.parents_for(request.user).filter(uuid=request.GET["parent"]).first()
            if parent is not None:
                form.initial.update(parent=parent.uuid, region=parent.region.uuid if parent.region_id else None, sector=parent.sector)
        return form


class OrganizationArchiveView(ObjectArchiveView):
    model = Organization
    success_url_name = "orgs:organization_list"


@require_POST
@login_required
def organization_restore(request, uuid):
    organization = get_object_for(request.user, Organization, "change", uuid=uuid)
    try:
        organization.restore()
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Restored %(name)s.") % {"name": organization})
    return HttpResponseRedirect(organization.get_absolute_url())


# --- Memberships -----------------------------------------------------------


class MembershipCreateView(ObjectEditView):
    """Add a person to the organization named in the URL."""

    model = Membership
    form_class = MembershipForm

    def get_object(self, request, **kwargs):
        self.organization = get_object_for(request.user, Organization, "change", uuid=kwargs["uuid"])
        return Membership(organization=self.organization)

    def get_form(self, request, obj, data=None, files=None):
        return self.form_class(data=data, files=files, instance=obj, user=request.user, organization=self.organization)


class MembershipEditView(ObjectEditView):
    model = Membership
    form_class = MembershipRoleForm

    def get_object(self, request, **kwargs):
        queryset = Membership.objects.select_related("person", "organization")
        membership = get_object_for(request.user, Membership, "change", queryset=queryset, uuid=kwargs["uuid"])
        try:
            membership.check_actor(request.user)
        except ValidationError as e:
            raise PermissionDenied(" ".join(e.messages)) from e
        return membership


@require_POST
@login_required
def membership_end(request, uuid):
    membership = get_object_for(
        request.user, Membership, "change", queryset=Membership.objects.select_related("organization", "person"), uuid=uuid
    )
    try:
        membership.check_actor(request.user)
    except ValidationError as e:
        raise PermissionDenied(" ".join(e.messages)) from e
    try:
        membership.end()
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("%(person)s has left %(organization)s.") % {"person": membership.person, "organization": membership.organization}
        )
    return HttpResponseRedirect(membership.get_absolute_url())


# --- People ----------------------------------------------------------------

def current_memberships():
    """A person's memberships with their organizations, as ``membership_list``."""
    return Prefetch(
        "memberships", queryset=Membership.objects.select_related("organization").order_by("organization__path"), to_attr="membership_list"
    )


class PersonListView(ObjectListView):
    queryset = Person.objects.all()
    filterset_class = PersonFilterSet
    template_name = "orgs/person_list.html"
    table_template_name = "orgs/partials/person_table.html"
    title = gettext_lazy("People")
    count_later = True
    # Exports carry masked phones only; the unmasked number is never bulk-exported.
    export_columns = (
        (pgettext_lazy("person", "Name"), "name"),
        (gettext_lazy("Gender"), lambda p: p.get_gender_display()),
        (gettext_lazy("Mobile phone"), "masked_phone"),
        (gettext_lazy("Organizations"), lambda p: [m.organization.name for m in p.membership_list if m.is_current]),
        (gettext_lazy("Titles and honours"), "titles"),
        (gettext_lazy("Lecture topics"), "speaker_topics"),
    )

    def get_row_queryset(self, request):
        return self.get_queryset(request).prefetch_related(current_memberships())

    def get(self, request, *args, **kwargs):
        mark_no_store(request)
        return super().get(request, *args, **kwargs)

    def can_create(self, request):
        return may_create_organizations(request.user)


class SpeakerListView(ObjectListView):
    """The expert pool (宣讲专家库) is alliance-wide: every member may invite any speaker.

    It shows public profiles only (name, titles, topics, profile); contact
    details stay on the person page, behind the usual scope.
    """

    queryset = Person.objects.speakers()
    filterset_class = PersonFilterSet
    template_name = "orgs/speaker_list.html"
    table_template_name = "orgs/partials/speaker_table.html"
    title = gettext_lazy("Expert pool")
    export_columns = (
        (pgettext_lazy("person", "Name"), "name"),
        (gettext_lazy("Titles and honours"), "titles"),
        (gettext_lazy("Lecture topics"), "speaker_topics"),
        (pgettext_lazy("person", "Profile"), "bio"),
    )

    def get_queryset(self, request):
        return self.queryset.all()

    def filter(self, request, queryset):
        filterset, rows = super().filter(request, queryset)
        # The topic filter offers the topics speakers have, rather than a free-text box.
        topics = sorted({topic for topics in Person.objects.speakers().values_list("speaker_topics", flat=True) for topic in topics or ()})
        filterset.form.fields["topic"].widget = forms.Select(choices=[("", _("All")), *((topic, topic) for topic in topics)])
        return filterset, rows

    def get_row_queryset(self, request):
        # Whether each shown speaker's person page opens for this user, asked for the page's rows
        # only (a set of every visible speaker's id grew with the pool).
        visible = Person.objects.visible_to(request.user).filter(pk=OuterRef("pk"))
        return self.get_queryset(request).annotate(opens=Exists(visible))


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "orgs/person_detail.html"

    def get(self, request, *args, **kwargs):
        mark_no_store(request)
        return super().get(request, *args, **kwargs)

    def get_object(self, request, **kwargs):
        return get_object_for(
            request.user, Person, "view", queryset=Person.objects.prefetch_related(current_memberships()), uuid=kwargs["uuid"]
        )

    def get_extra_context(self, request, obj):
        return {"title": obj.name, "can_reveal": obj.contact_visible_to(request.user) and bool(obj.phone or obj.id_number)}


@require_POST
@login_required
def person_contact(request, uuid):
    """Show a person's phone and ID number unmasked; each view is audited (SECURITY.md item 15)."""
    queryset = Person.objects.prefetch_related("memberships", current_memberships())
    person = get_object_for(request.user, Person, "view", queryset=queryset, uuid=uuid)
    if not person.contact_visible_to(request.user):
        raise PermissionDenied
    mark_no_store(request)
    fields = [name for name in ("phone", "id_number") if getattr(person, name)]
    record(Action.VIEW_PERSONAL, person, changes={"fields": fields})
    context = {"object": person, "revealed": True, "title": person.name}
    if getattr(request, "htmx", False):
        return render(request, "orgs/partials/person_contact.html", context)
    can_edit = Person.objects.editable_by(request.user).filter(pk=person.pk).exists()
    return render(request, "orgs/person_detail.html", {**context, "can_edit": can_edit})


class PersonEditView(ObjectEditView):
    model = Person
    form_class = PersonForm

    def check_create(self, request):
        if not may_create_organizations(request.user):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        mark_no_store(request)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        mark_no_store(request)
        return super().post(request, *args, **kwargs)

    def get_form(self, request, obj, data=None, files=None):
        form = super().get_form(request, obj, data, files)
        if obj.pk and data is None and (obj.phone or obj.id_number):
            # The edit form shows the stored numbers in full: that is an unmasked view.
            record(
                Action.VIEW_PERSONAL, obj, changes={"fields": [n for n in ("phone", "id_number") if getattr(obj, n)], "via": "edit form"}
            )
        if not obj.pk and data is None and _is_uuid(request.GET.get("organization")):
            organization = Organization.objects.parents_for(request.user).filter(uuid=request.GET["organization"]).first()
            if organization is not None:
                form.initial["organization"] = organization.uuid
        return form


class PersonArchiveView(ObjectArchiveView):
    model = Person
    success_url_name = "orgs:person_list"
