"""Pairings, alliances, practice bases and honours: lists, details and edit forms."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.uploads import open_stored
from gongjian.lib.views import ObjectArchiveView, ObjectDetailView, ObjectEditView

from ..filters import AllianceFilterSet, HonorFilterSet, PairingFilterSet, PracticeBaseFilterSet
from ..forms import AllianceForm, HonorForm, PairingForm, PracticeBaseForm
from ..models import Alliance, AllianceMember, Honor, HonorRecipient, Pairing, PracticeBase
from .agreements import TableListView


def administers_something(user) -> bool:
    scope = scope_for(user)
    return scope.administers


class CreatableListView(TableListView):
    """Org admins record their own pairings, alliances, bases and honours."""

    def can_create(self, request):
        return administers_something(request.user)


class CreatableEditView(ObjectEditView):
    """``scope_fields`` name the organization fields of which at least one must be editable by the user."""

    scope_fields: tuple[str, ...] = ()

    def check_create(self, request):
        if not administers_something(request.user):
            raise PermissionDenied

    def check_save(self, request, obj):
        scope = scope_for(request.user)
        if scope.everything:
            return
        ids = [getattr(obj, f"{field}_id") for field in self.scope_fields]
        if not any(org_id and scope.can_edit(org_id) for org_id in ids):
            raise ValidationError(_("At least one of the organizations must be one you administer."))


# --- Pairings --------------------------------------------------------------
class PairingListView(CreatableListView):
    queryset = Pairing.objects.active().select_related("org_a", "org_b")
    filterset_class = PairingFilterSet
    template_name = "agreements/pairing_list.html"
    table_template_name = "agreements/partials/pairing_table.html"
    title = _("Pairings")
    export_columns = (
        (_("Organization"), lambda p: p.org_a.name),
        (_("Paired with"), lambda p: p.org_b.name),
        (_("Theme"), "theme"),
        (_("Track"), lambda p: p.get_track_display()),
        (_("Start date"), "start_date"),
        (_("End date"), "end_date"),
        (_("Status"), lambda p: p.get_status_display()),
    )


class PairingDetailView(ObjectDetailView):
    model = Pairing
    template_name = "agreements/pairing_detail.html"


class PairingEditView(CreatableEditView):
    model = Pairing
    form_class = PairingForm
    scope_fields = ("org_a", "org_b")


class PairingArchiveView(ObjectArchiveView):
    model = Pairing
    success_url_name = "agreements:pairing_list"


# --- Alliances -------------------------------------------------------------
class AllianceListView(CreatableListView):
    queryset = (
        Alliance.objects.active()
        .select_related("lead")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("-founded_on", "name")
    )
    filterset_class = AllianceFilterSet
    template_name = "agreements/alliance_list.html"
    table_template_name = "agreements/partials/alliance_table.html"
    title = _("Alliances and micro-alliances")
    export_columns = (
        (_("Name"), "name"),
        (_("Kind"), lambda a: a.get_kind_display()),
        (_("Lead organization"), lambda a: a.lead.name),
        (_("Members"), "member_count"),
        (_("Founded on"), "founded_on"),
    )


class AllianceDetailView(ObjectDetailView):
    model = Alliance
    template_name = "agreements/alliance_detail.html"

    def get_extra_context(self, request, obj):
        return {
            "memberships": AllianceMember.objects.filter(alliance=obj).select_related("organization"),
            "bases": obj.practice_bases.active().select_related("host"),
        }


class AllianceEditView(CreatableEditView):
    model = Alliance
    form_class = AllianceForm
    scope_fields = ("lead",)


class AllianceArchiveView(ObjectArchiveView):
    model = Alliance
    success_url_name = "agreements:alliance_list"


# --- Practice bases --------------------------------------------------------
class PracticeBaseListView(CreatableListView):
    queryset = PracticeBase.objects.active().select_related("host", "region")
    filterset_class = PracticeBaseFilterSet
    template_name = "agreements/base_list.html"
    table_template_name = "agreements/partials/base_table.html"
    title = _("Practice bases")
    export_columns = (
        (_("Name"), "name"),
        (_("Kind"), lambda b: b.get_kind_display()),
        (_("Host"), lambda b: b.host.name),
        (_("Address"), "address"),
        (_("Capacity"), "capacity"),
    )


class PracticeBaseDetailView(ObjectDetailView):
    model = PracticeBase
    template_name = "agreements/base_detail.html"

    def get_extra_context(self, request, obj):
        activities = obj.activities()
        if hasattr(activities, "visible_to"):
            activities = activities.visible_to(request.user)
        return {"partners": obj.partners.all(), "activities": activities[:50] if activities else []}


class PracticeBaseEditView(CreatableEditView):
    model = PracticeBase
    form_class = PracticeBaseForm
    scope_fields = ("host",)


class PracticeBaseArchiveView(ObjectArchiveView):
    model = PracticeBase
    success_url_name = "agreements:base_list"


# --- Honours ---------------------------------------------------------------
class HonorListView(CreatableListView):
    queryset = (
        Honor.objects.active()
        .select_related("issuer")
        .prefetch_related(Prefetch("recipients", queryset=HonorRecipient.objects.select_related("organization", "person")))
    )
    filterset_class = HonorFilterSet
    template_name = "agreements/honor_list.html"
    table_template_name = "agreements/partials/honor_table.html"
    title = _("Honours and appointments")
    export_columns = (
        (_("Title"), "title"),
        (_("Kind"), lambda h: h.get_kind_display()),
        (_("Issuer"), lambda h: h.issuer_label),
        (_("Level"), lambda h: h.get_level_display()),
        (_("Date"), "awarded_on"),
        (_("Recipients"), lambda h: "、".join(str(r) for r in h.recipients.all())),
    )


class HonorDetailView(ObjectDetailView):
    model = Honor
    template_name = "agreements/honor_detail.html"

    def get_extra_context(self, request, obj):
        return {"recipients": obj.recipients.select_related("organization", "person")}


class HonorEditView(CreatableEditView):
    model = Honor
    form_class = HonorForm

    def check_save(self, request, obj):
        """The form already checked the issuer or a recipient is the user's (recipients are not on the model)."""


class HonorArchiveView(ObjectArchiveView):
    model = Honor
    success_url_name = "agreements:honor_list"


def honor_evidence(request, uuid):
    if not request.user.is_authenticated:
        raise Http404
    honor = get_object_for(request.user, Honor, "view", uuid=uuid)
    if not honor.evidence:
        raise Http404
    handle = open_stored(request, honor.evidence)
    name = honor.evidence.name.rsplit("/", 1)[-1]
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}.get(
        name.rsplit(".", 1)[-1], "application/octet-stream"
    )
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=f"{honor}.{name.rsplit('.', 1)[-1]}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
