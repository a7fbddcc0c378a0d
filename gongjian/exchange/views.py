"""Needs, resources, the open hall, claims and list releases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongjian.agreements.models import Pairing
from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.effective import posted
from gongjian.lib.middleware import mark_no_store
from gongjian.lib.views import ObjectArchiveView, ObjectDetailView, ObjectEditView, ObjectListView
from gongjian.projects.models import Project

from . import releases
from .filters import ClaimFilterSet, NeedFilterSet, ReleaseFilterSet, ResourceFilterSet
from .forms import CategoryForm, ClaimForm, NeedForm, RejectForm, ReleaseForm, ResourceForm, SynonymGroupForm, editable_organizations
from .matching import synonyms
from .models import Category, Claim, ListRelease, Need, Resource, SuggestionFeedback, SynonymGroup
from .suggestions import suggestions


def _errors(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def can_post(user) -> bool:
    """Anyone who administers an organization can post needs and resources for it."""
    scope = scope_for(user)
    return scope.administers


# --------------------------------------------------------------------------- lists

LISTING_RELATED = ("organization", "category", "region")


class NeedListView(ObjectListView):
    queryset = Need.objects.active().select_related(*LISTING_RELATED)
    filterset_class = NeedFilterSet
    template_name = "exchange/need_list.html"
    table_template_name = "exchange/partials/need_table.html"
    title = gettext_lazy("Needs list")
    export_columns = (
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Organization"), lambda n: n.organization.name),
        (gettext_lazy("Category"), lambda n: n.category.name),
        (gettext_lazy("Region"), lambda n: n.region.name if n.region_id else ""),
        (gettext_lazy("Scale"), "scale"),
        (gettext_lazy("Deadline"), "deadline"),
        (gettext_lazy("Claim mode"), lambda n: str(n.get_claim_mode_display())),
        (gettext_lazy("Status"), lambda n: str(n.get_status_display())),
        (gettext_lazy("Published at"), "published_at"),
        (gettext_lazy("Description"), "description"),
    )

    def can_create(self, request):
        return can_post(request.user)

    def get_extra_context(self, request):
        return {"import_url": import_url(request.user)}


def import_url(user) -> str:
    """The shared Excel import page, for users who may import anything."""
    try:
        from gongjian.imports.sheets import can_import
    except ImportError:
        return ""
    return reverse("imports:start") if can_import(user) else ""


class HallView(NeedListView):
    """领办大厅: open needs anyone may claim, and the ones the user's organizations may claim first."""

    template_name = "exchange/hall.html"
    title = gettext_lazy("Open hall")

    def get_queryset(self, request):
        return super().get_queryset(request).in_hall()

    def get_extra_context(self, request):
        return {"first_claims": self.first_claims(request.user), "hall": True}

    def first_claims(self, user):
        """Needs still in their priority window whose owners are paired with one of the user's organizations."""
        scope = scope_for(user)
        if scope.everything or not scope.administers:
            return []
        # The partners of any organization the user administers, as subqueries: a district's
        # admin administers thousands.
        today = timezone.localdate()
        mine, pairings = editable_organizations(user).values("pk"), Pairing.objects.current(today)
        owners = Q(organization__in=pairings.filter(org_a__in=mine).values("org_b")) | Q(
            organization__in=pairings.filter(org_b__in=mine).values("org_a")
        )
        return list(
            Need.objects.open().filter(owners, priority_until__gte=today).select_related(*LISTING_RELATED).order_by("priority_until")[:20]
        )


class ResourceListView(ObjectListView):
    queryset = Resource.objects.active().select_related(*LISTING_RELATED)
    filterset_class = ResourceFilterSet
    template_name = "exchange/resource_list.html"
    table_template_name = "exchange/partials/resource_table.html"
    title = gettext_lazy("Resources list")
    export_columns = (
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Organization"), lambda r: r.organization.name),
        (gettext_lazy("Category"), lambda r: r.category.name),
        (gettext_lazy("Service area"), lambda r: r.region.name if r.region_id else ""),
        (gettext_lazy("Spare capacity"), "capacity"),
        (gettext_lazy("Unit"), "capacity_unit"),
        (gettext_lazy("Available from"), "available_from"),
        (gettext_lazy("Available until"), "available_until"),
        (gettext_lazy("Status"), lambda r: str(r.get_status_display())),
        (gettext_lazy("Description"), "description"),
    )

    def can_create(self, request):
        return can_post(request.user)

    def get_extra_context(self, request):
        return {"import_url": import_url(request.user)}


# --------------------------------------------------------------------------- detail pages


class ListingDetailView(ObjectDetailView):
    """Overview, claims and matches tabs; an HTMX request for a tab gets only that tab."""

    tabs = ("overview", "claims", "matches")
    partial_template_name = ""

    def get_object(self, request, **kwargs):
        queryset = self.model.objects.select_related(*LISTING_RELATED)
        return get_object_for(request.user, self.model, "view", queryset=queryset, uuid=kwargs["uuid"])

    def get(self, request, *args, **kwargs):
        obj = self.get_object(request, **kwargs)
        can_edit = self.model.objects.editable_by(request.user).filter(pk=obj.pk).exists()
        tab = request.GET.get("tab", "overview")
        tab = tab if tab in self.tabs else "overview"
        context = {"object": obj, "can_edit": can_edit, "tab": tab, **self.tab_context(request, obj, tab, can_edit)}
        if getattr(request, "htmx", False) and request.htmx.target == "tab-pane":
            return render(request, "exchange/partials/tabs.html", context)
        return render(request, self.template_name, context)

    def tab_context(self, request, obj, tab, can_edit):
        context = {"kind": self.kind, "claim_form": None, "claim_refusal": ""}
        claims = Claim.objects.filter(**{self.kind: obj}).visible_to(request.user)
        context["claim_count"] = claims.count()
        if tab == "claims":
            context["claims"] = list(claims.select_related("claimant").prefetch_related("partners").order_by("-claimed_at"))
        if tab == "matches":
            context["suggestions"] = with_verdicts(suggestions(obj, request.user), obj, request.user)
        if tab == "overview":
            context["projects"] = self.projects(request.user, obj)
            context["events"] = list(obj.events.select_related("actor").order_by("-created_at")[:20])
        if obj.is_open and not can_edit and editable_organizations(request.user).exclude(pk=obj.organization_id).exists():
            context["claim_form"] = ClaimForm(
                user=request.user, target=obj, initial={"from_suggestion": request.GET.get("from") == "suggestion"}
            )
        return context

    def projects(self, user, obj):
        manager = getattr(obj, "projects", None)
        if manager is None:
            return []
        return list(manager.visible_to(user).select_related("lead")) if hasattr(manager.all(), "visible_to") else list(manager.all())


class NeedDetailView(ListingDetailView):
    model = Need
    kind = "need"
    template_name = "exchange/need_detail.html"

    def tab_context(self, request, obj, tab, can_edit):
        context = super().tab_context(request, obj, tab, can_edit)
        if context["claim_form"] is not None and obj.in_priority_window():
            context["priority_notice"] = True
        return context


class ResourceDetailView(ListingDetailView):
    model = Resource
    kind = "resource"
    template_name = "exchange/resource_detail.html"


# --------------------------------------------------------------------------- create and edit


class ListingEditView(ObjectEditView):
    def check_create(self, request):
        if not can_post(request.user):
            raise PermissionDenied

    def check_save(self, request, obj):
        if not scope_for(request.user).can_edit(obj.organization_id):
            raise ValidationError(_("You may only act for organizations you administer."))
        if obj.created_by_id is None and obj.pk is None:
            obj.created_by = request.user


class NeedEditView(ListingEditView):
    model = Need
    form_class = NeedForm


class ResourceEditView(ListingEditView):
    model = Resource
    form_class = ResourceForm


class NeedArchiveView(ObjectArchiveView):
    model = Need
    success_url_name = "exchange:need_list"


class ResourceArchiveView(ObjectArchiveView):
    model = Resource
    success_url_name = "exchange:resource_list"


def _verb(request, model, uuid, verb, done_message, dated=False, **kwargs):
    """Run a verb for the page; a ``dated`` one takes the form's optional effective date (补录)."""
    obj = get_object_for(request.user, model, "change", uuid=uuid)
    try:
        if dated:
            kwargs["effective_at"] = posted(request.POST)
        getattr(obj, verb)(by=request.user, **kwargs)
    except ValidationError as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, done_message % {"name": obj})
    return HttpResponseRedirect(obj.get_absolute_url())


@require_POST
@login_required
def need_publish(request, uuid):
    return _verb(request, Need, uuid, "publish", _("Published %(name)s."), dated=True)


@require_POST
@login_required
def need_close(request, uuid):
    return _verb(request, Need, uuid, "close", _("Closed %(name)s."), note=request.POST.get("note", "").strip())


@require_POST
@login_required
def need_fulfil(request, uuid):
    raw = request.POST.get("satisfaction", "").strip()
    # Blank is no rating; anything else goes to the verb, which refuses what is not 1 to 5.
    satisfaction = int(raw) if raw.isdigit() else raw or None
    return _verb(
        request,
        Need,
        uuid,
        "fulfil",
        _("Marked %(name)s as fulfilled."),
        note=request.POST.get("note", "").strip(),
        satisfaction=satisfaction,
    )


@require_POST
@login_required
def need_feature(request, uuid):
    """Featuring a core need is the alliance's call."""
    if not scope_for(request.user).everything:
        raise PermissionDenied
    need = get_object_for(request.user, Need, "change", uuid=uuid)
    need.set_featured(request.POST.get("featured") == "1", by=request.user)
    return HttpResponseRedirect(need.get_absolute_url())


@require_POST
@login_required
def resource_publish(request, uuid):
    return _verb(request, Resource, uuid, "publish", _("Published %(name)s."), dated=True)


@require_POST
@login_required
def resource_close(request, uuid):
    return _verb(request, Resource, uuid, "close", _("Closed %(name)s."), note=request.POST.get("note", "").strip())


@login_required
def listing_contact(request, uuid, model):
    """The unmasked contact phone, for the owner and organizations with a live claim; every view is audited."""
    obj = get_object_for(request.user, model, "view", uuid=uuid)
    scope = scope_for(request.user)
    claimants = Claim.objects.filter(**{model._meta.model_name: obj}).live().values_list("claimant_id", flat=True)
    if not (scope.can_edit(obj.organization_id) or any(scope.can_edit(c) for c in claimants)):
        raise PermissionDenied
    record(Action.VIEW_PERSONAL, obj, changes={"field": "contact_phone"})
    response = render(request, "exchange/partials/contact.html", {"object": obj})
    mark_no_store(request)
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- claiming


@require_POST
@login_required
def listing_claim(request, uuid, model):
    """Claim a need or request a resource for one of the user's organizations."""
    obj = get_object_for(request.user, model, "view", uuid=uuid)
    form = ClaimForm(request.POST, user=request.user, target=obj)
    if form.is_valid():
        try:
            claim = form.save()
        except ValidationError as e:
            messages.error(request, _errors(e))
        else:
            messages.success(request, _("Your claim was sent to %(owner)s.") % {"owner": obj.organization})
            return HttpResponseRedirect(claim.get_absolute_url())
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return HttpResponseRedirect(f"{obj.get_absolute_url()}?tab=claims")


def with_verdicts(found: list, shown, user) -> list:
    """The suggestions with the user's earlier verdict on each (one query)."""
    side = "resource" if shown._meta.model_name == "need" else "need"
    marked = SuggestionFeedback.objects.filter(user=user, shown_on=shown._meta.model_name, **{shown._meta.model_name: shown})
    verdicts = dict(marked.filter(**{f"{side}__in": [s.target.pk for s in found]}).values_list(f"{side}_id", "verdict")) if found else {}
    for suggestion in found:
        suggestion.verdict = verdicts.get(suggestion.target.pk, "")
    return found


@require_POST
@login_required
def suggestion_feedback(request, uuid, model):
    """有用 / 没用 on one suggestion of a match tab; the row comes back with the verdict marked."""
    shown = get_object_for(request.user, model, "view", uuid=uuid)
    other = Resource if model is Need else Need
    target = get_object_for(request.user, other, "view", uuid=request.POST.get("target", ""))
    verdict = request.POST.get("verdict", "")
    if verdict not in SuggestionFeedback.Verdict.values:
        return HttpResponseBadRequest(_("Choose useful or not useful."))
    try:
        score = float(request.POST["score"]) if request.POST.get("score") else None
    except ValueError:
        score = None
    feedback = SuggestionFeedback.mark(request.user, shown, target, verdict, score)
    if getattr(request, "htmx", False):
        return render(
            request,
            "exchange/partials/feedback_buttons.html",
            {"object": shown, "target": target, "verdict": feedback.verdict, "score": score},
        )
    messages.success(request, _("Thank you: your verdict helps measure matching."))
    return HttpResponseRedirect(f"{shown.get_absolute_url()}?tab=matches")


class ClaimListView(ObjectListView):
    """我的认领: claims my organizations made, and claims on my organizations' needs and resources."""

    queryset = Claim.objects.select_related("claimant", "need__organization", "resource__organization")
    filterset_class = ClaimFilterSet
    template_name = "exchange/claim_list.html"
    table_template_name = "exchange/partials/claim_table.html"
    title = gettext_lazy("My claims")
    boxes = ("mine", "received")

    def box(self, request):
        box = request.GET.get("box", "mine")
        return box if box in self.boxes else "mine"

    def get_queryset(self, request):
        qs = self.queryset.all().prefetch_related("partners")
        if self.box(request) == "received":
            return qs.decidable_by(request.user)
        return qs.made_by(request.user)

    def get_extra_context(self, request):
        return {"box": self.box(request), "pending_received": Claim.objects.decidable_by(request.user).pending().count()}

    def can_create(self, request):
        return False


def _claim_for(request, uuid, decide=False):
    """A claim the user sees (else 404); with ``decide``, one the user may accept or reject (else 403)."""
    queryset = Claim.objects.select_related("claimant", "need__organization", "resource__organization")
    claim = get_object_for(request.user, Claim, "view", queryset=queryset, uuid=uuid)
    if decide and not scope_for(request.user).can_edit(claim.owner_id):
        raise PermissionDenied
    return claim


def joinable_projects(user, claim):
    """Projects the deciding user leads that an accepted claim may join instead of starting a new one."""
    return list(
        Project.objects.editable_by(user).filter(status__in=["planning", "active"], archived_at__isnull=True).order_by("-created_at")[:50]
    )


@login_required
def claim_detail(request, uuid):
    claim = _claim_for(request, uuid)
    scope = scope_for(request.user)
    can_decide = claim.status == Claim.Status.PENDING and scope.can_edit(claim.owner_id)
    context = {
        "object": claim,
        "target": claim.target,
        "events": list(claim.events.select_related("actor")),
        "partners": list(claim.partners.all()),
        "can_decide": can_decide,
        "can_withdraw": claim.status == Claim.Status.PENDING and scope.can_edit(claim.claimant_id),
        "reject_form": RejectForm() if can_decide else None,
        "projects": joinable_projects(request.user, claim) if can_decide else [],
        "title": str(claim),
    }
    return render(request, "exchange/claim_detail.html", context)


@require_POST
@login_required
def claim_accept(request, uuid):
    claim = _claim_for(request, uuid, decide=True)
    join = None
    if request.POST.get("join"):
        join = get_object_for(request.user, Project, "change", uuid=request.POST["join"])
    try:
        project = claim.accept(request.user, join=join, effective_at=posted(request.POST))
    except ValidationError as e:
        messages.error(request, _errors(e))
        return HttpResponseRedirect(claim.get_absolute_url())
    messages.success(request, _("Accepted the claim of %(org)s.") % {"org": claim.claimant})
    if project is not None and hasattr(project, "get_absolute_url"):
        return HttpResponseRedirect(project.get_absolute_url())
    return HttpResponseRedirect(claim.get_absolute_url())


@require_POST
@login_required
def claim_reject(request, uuid):
    claim = _claim_for(request, uuid, decide=True)
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason so the claimant knows why."))
        claim.reject(request.user, form.cleaned_data["reason"])
    except ValidationError as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, _("Rejected the claim of %(org)s.") % {"org": claim.claimant})
    return HttpResponseRedirect(claim.get_absolute_url())


@require_POST
@login_required
def claim_withdraw(request, uuid):
    claim = _claim_for(request, uuid)
    if not scope_for(request.user).can_edit(claim.claimant_id):
        raise PermissionDenied
    try:
        claim.withdraw(request.user)
    except ValidationError as e:
        messages.error(request, _errors(e))
    else:
        messages.success(request, _("Withdrew the claim."))
    return HttpResponseRedirect(claim.get_absolute_url())


# --------------------------------------------------------------------------- releases


class ReleaseListView(ObjectListView):
    queryset = ListRelease.objects.select_related("published_by__person")
    filterset_class = ReleaseFilterSet
    template_name = "exchange/release_list.html"
    table_template_name = "exchange/partials/release_table.html"
    title = gettext_lazy("List releases")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot")


@login_required
def release_create(request):
    """The alliance admin freezes the year's list (需求清单/资源清单/项目清单)."""
    if not scope_for(request.user).everything:
        raise PermissionDenied
    choices = releases.featured_choices()
    form = ReleaseForm(request.POST or None, featured_choices=choices, initial={"kind": request.GET.get("kind", "needs")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            release = releases.publish(
                data["year"], data["kind"], by=request.user, featured=data["featured"], title=data["title"], note=data["note"]
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Published %(name)s with %(count)s items.") % {"name": release, "count": len(release.snapshot)})
            return HttpResponseRedirect(release.get_absolute_url())
    return render(request, "exchange/release_form.html", {"form": form, "title": _("Publish a list")})


@login_required
def release_detail(request, uuid):
    release = get_object_for(request.user, ListRelease, "view", uuid=uuid)
    if request.GET.get("export") == "xlsx":
        return releases.export(release)
    rows = list(releases.display_rows(release))
    context = {
        "object": release,
        "headers": [header for _key, header in releases.COLUMNS[release.kind]],
        "rows": rows,
        "featured_rows": [cells for row, cells in rows if row.get("featured")],
        "title": str(release),
    }
    return render(request, "exchange/release_detail.html", context)


# --------------------------------------------------------------------------- taxonomy


@login_required
def category_list(request):
    """The taxonomy; alliance admins add, rename, reorder and retire categories."""
    context = {
        "title": _("Categories"),
        "object_list": Category.objects.visible_to(request.user).order_by("order", "name").prefetch_related("related"),
        "can_create": scope_for(request.user).everything,
    }
    return render(request, "exchange/category_list.html", context)


class CategoryEditView(ObjectEditView):
    model = Category
    form_class = CategoryForm


@login_required
def synonym_list(request):
    """The matching thesaurus: groups shipped with the platform and those alliance admins added."""
    context = {
        "title": _("Synonyms"),
        "object_list": SynonymGroup.objects.visible_to(request.user),
        "shipped": [" ".join(group) for group in synonyms.thesaurus()],
        "can_create": scope_for(request.user).everything,
    }
    return render(request, "exchange/synonym_list.html", context)


class SynonymGroupEditView(ObjectEditView):
    model = SynonymGroup
    form_class = SynonymGroupForm
