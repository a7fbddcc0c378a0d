"""Pages of the content-safety scan: the three lists admins maintain, and a box to try a text.

Only the security admin and alliance admins (``may_manage_safety``) reach them; anyone else
signed in gets 403. Objects are fetched through the one access helper, ``get_object_for``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongjian.lib.access import get_object_for
from gongjian.lib.views import ObjectEditView, ObjectListView

from ..models.safety import AllowedDomain, AllowedPhrase, SafetyTerm, may_manage_safety
from ..safety.detect import Scanner
from ..safety.markup import looks_like_html
from ..safety.verdicts import RANK
from ..safety_forms import (
    AllowedDomainFilterSet,
    AllowedDomainForm,
    AllowedPhraseFilterSet,
    AllowedPhraseForm,
    SafetyTermFilterSet,
    SafetyTermForm,
    TryTextForm,
)


def check_safety_admin(user):
    if not may_manage_safety(user):
        raise PermissionDenied


class SafetyAdminMixin:
    """403 for everyone signed in who may not manage the lists (the login redirect comes first)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            check_safety_admin(request.user)
        return super().dispatch(request, *args, **kwargs)


def safety_admin_required(view):
    def wrapped(request, *args, **kwargs):
        check_safety_admin(request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


class SafetyListView(SafetyAdminMixin, ObjectListView):
    template_name = "news/safety_list.html"
    tab = ""
    create_url_name = ""
    create_label = ""

    def can_create(self, request):
        return True  # SafetyAdminMixin let only managers in

    def get_extra_context(self, request):
        return {
            "tab": self.tab,
            "table_template": self.table_template_name,
            "create_url_name": self.create_url_name,
            "create_label": self.create_label,
        }


class SafetyTermListView(SafetyListView):
    queryset = SafetyTerm.objects.order_by("category", "term")
    filterset_class = SafetyTermFilterSet
    table_template_name = "news/partials/safety_term_table.html"
    title = gettext_lazy("Content safety: terms")
    tab = "terms"
    create_url_name = "news:safety_term_create"
    create_label = gettext_lazy("New term")


class AllowedPhraseListView(SafetyListView):
    queryset = AllowedPhrase.objects.order_by("phrase")
    filterset_class = AllowedPhraseFilterSet
    table_template_name = "news/partials/safety_phrase_table.html"
    title = gettext_lazy("Content safety: allowed phrases")
    tab = "phrases"
    create_url_name = "news:safety_phrase_create"
    create_label = gettext_lazy("New allowed phrase")


class AllowedDomainListView(SafetyListView):
    queryset = AllowedDomain.objects.order_by("domain")
    filterset_class = AllowedDomainFilterSet
    table_template_name = "news/partials/safety_domain_table.html"
    title = gettext_lazy("Content safety: allowed domains")
    tab = "domains"
    create_url_name = "news:safety_domain_create"
    create_label = gettext_lazy("New allowed domain")


class SafetyEditView(SafetyAdminMixin, ObjectEditView):
    def check_create(self, request):
        check_safety_admin(request.user)


class SafetyTermEditView(SafetyEditView):
    model = SafetyTerm
    form_class = SafetyTermForm


class AllowedPhraseEditView(SafetyEditView):
    model = AllowedPhrase
    form_class = AllowedPhraseForm


class AllowedDomainEditView(SafetyEditView):
    model = AllowedDomain
    form_class = AllowedDomainForm


@require_POST
@safety_admin_required
def term_set_active(request, uuid, active):
    """Deactivate (or reactivate) a term: it stays on the list, with its history, but is not looked for."""
    term = get_object_for(request.user, SafetyTerm, "change", uuid=uuid)
    if term.is_active != active:
        term.is_active = active
        term.save(update_fields=["is_active", "updated_at"])
    if active:
        messages.success(request, _("“%(term)s” is looked for again.") % {"term": term})
    else:
        messages.success(request, _("“%(term)s” is no longer looked for.") % {"term": term})
    return redirect("news:safety_term_list")


def _delete(request, model, uuid, list_url_name):
    obj = get_object_for(request.user, model, "change", uuid=uuid)
    obj.delete()
    messages.success(request, _("Removed %(name)s.") % {"name": obj})
    return redirect(list_url_name)


@require_POST
@safety_admin_required
def phrase_delete(request, uuid):
    return _delete(request, AllowedPhrase, uuid, "news:safety_phrase_list")


@require_POST
@safety_admin_required
def domain_delete(request, uuid):
    return _delete(request, AllowedDomain, uuid, "news:safety_domain_list")


def highlighted(text: str, findings) -> list[tuple[str, str]]:
    """The text cut at every finding's edges: (piece, tier of the strongest finding over it or '')."""
    edges = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
    pieces = []
    for start, end in zip(edges, edges[1:], strict=False):
        tiers = [f.tier for f in findings if f.start <= start and end <= f.end]
        pieces.append((text[start:end], max(tiers, key=RANK.__getitem__, default="")))
    return pieces


@safety_admin_required
def try_text(request):
    """Scan a text with the lists as they are now and show the findings where they are."""
    form = TryTextForm(request.POST or None)
    context = {"title": _("Content safety: try a text"), "tab": "try", "form": form}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        verdict = Scanner.from_db().scan(text, html=form.cleaned_data["html"] or looks_like_html(text))
        context.update(verdict=verdict, pieces=highlighted(text, verdict.findings))
    template = (
        "news/partials/safety_try_result.html" if getattr(request, "htmx", False) and request.method == "POST" else "news/safety_try.html"
    )
    return render(request, template, context)
