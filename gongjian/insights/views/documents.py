"""Generated documents: ask for one, watch it being made, edit its draft, download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.activities.choices import RegistrationStatus
from gongjian.activities.models import Activity
from gongjian.lib.access import get_object_for
from gongjian.lib.paging import Window, page_number
from gongjian.lib.uploads import open_stored

from ..models import DocumentKind, GeneratedDocument
from ..periods import Period
from ..scope import scope_from_request

# The kinds asked for with a scope and a period, and those asked for from an activity.
SCOPED_KINDS = (DocumentKind.REPORT, DocumentKind.LEDGER, DocumentKind.PUBLICITY)
ACTIVITY_KINDS = (DocumentKind.SIGNIN, DocumentKind.CERTIFICATES)


@login_required
@require_POST
def document_create(request):
    kind = request.POST.get("kind", "")
    if kind in ACTIVITY_KINDS:
        return _create_for_activity(request, kind)
    if kind not in SCOPED_KINDS:
        raise Http404
    scope = scope_from_request(request.user, request.POST.get("org"))
    if kind == DocumentKind.LEDGER and scope.root is None:
        raise Http404  # a ledger is one organization's; the dashboard offers it only for one
    try:
        period = Period.parse(request.POST.get("period"))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        # Back to the page that asked, when it is one of ours.
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            back = "/insights/"
        return HttpResponseRedirect(back)
    if kind == DocumentKind.LEDGER:
        title = _("%(organization)s ledger (%(period)s)") % {"organization": scope.label, "period": period.label}
    elif kind == DocumentKind.PUBLICITY:
        title = _("Publicity draft: %(scope)s, %(period)s") % {"scope": scope.label, "period": period.label}
    else:
        title = _("%(scope)s regional party-building work report, %(period)s") % {"scope": scope.label, "period": period.label}
    document = GeneratedDocument.objects.create(
        kind=kind,
        title=title[:200],
        organization=scope.root,
        period_key=period.key,
        content={"language": translation.get_language()},
        created_by=request.user,
    )
    document.enqueue()
    return HttpResponseRedirect(document.get_absolute_url())


def _create_for_activity(request, kind):
    """A sign-in sheet or certificates, for those who may change the activity (others: 404 or 403)."""
    queryset = Activity.objects.select_related("host")
    activity = get_object_for(request.user, Activity, "change", queryset=queryset, uuid=request.POST.get("activity") or None)
    if kind == DocumentKind.CERTIFICATES:
        if not activity.registrations.filter(status=RegistrationStatus.ATTENDED).exists():
            messages.error(request, _("No one has checked in to this activity, so there is no one to certify."))
            return HttpResponseRedirect(activity.get_absolute_url())
        title = _("%(activity)s attendance certificates") % {"activity": activity.title}
    else:
        title = _("%(activity)s sign-in sheet") % {"activity": activity.title}
    document = GeneratedDocument.objects.create(
        kind=kind,
        title=title[:200],
        organization=activity.host,
        activity=activity,
        content={"language": translation.get_language()},
        created_by=request.user,
    )
    document.enqueue()
    return HttpResponseRedirect(document.get_absolute_url())


def _blocks(document):
    """(key, block) of every block a person may edit."""
    for si, section in enumerate(document.content.get("sections", [])):
        for bi, block in enumerate(section["blocks"]):
            if block["type"] in ("p", "list"):
                yield f"b-{si}-{bi}", block


def _apply_edits(document, data) -> int:
    """Write the edited text into the draft; a changed block becomes typed. Returns how many changed."""
    changed = 0
    for key, block in _blocks(document):
        if key not in data:
            continue
        text = data[key].replace("\r\n", "\n").strip()
        if block["type"] == "p":
            if text != block["text"]:
                block["text"], block["source"], changed = text, "typed", changed + 1
                # A paragraph a person wrote states at least one fact of their own; an emptied one none.
                block["facts"] = max(1, int(block.get("facts", 1))) if text else 0
        else:
            items = [line.strip() for line in text.split("\n") if line.strip()]
            if items != block["items"]:
                block["items"], block["source"], changed = items, "typed", changed + 1
                block["facts"] = len(items)
    return changed


@login_required
def document_detail(request, uuid):
    document = get_object_for(request.user, GeneratedDocument, uuid=uuid)
    document.fail_if_worker_lost()
    if request.method == "POST":
        document = get_object_for(request.user, GeneratedDocument, "change", uuid=uuid)
        if document.is_busy:
            messages.error(request, _("The document is being generated; wait until it is ready."))
            return HttpResponseRedirect(document.get_absolute_url())
        if "retry" in request.POST:
            # A failed job is run again as it stands (a first run drafts anew).
            if document.status == GeneratedDocument.Status.FAILED:
                document.redo(by=request.user)
            return HttpResponseRedirect(document.get_absolute_url())
        changed = _apply_edits(document, request.POST)
        document.count_facts()
        document.save(update_fields=["content", "facts_from_records", "facts_typed", "updated_at"])
        document.redo(by=request.user)
        messages.success(request, _("Saved; %(n)s parts changed. The files are being generated again.") % {"n": changed})
        return HttpResponseRedirect(document.get_absolute_url())
    context = {"title": document.title, "document": document, "blocks": list(_blocks(document))}
    if request.htmx and document.is_busy:
        return render(request, "insights/partials/document_progress.html", context)
    if request.htmx:
        # Finished while the page was polling: reload the whole page for the editor and downloads.
        response = render(request, "insights/partials/document_progress.html", context)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "insights/document.html", context)


@login_required
def document_download(request, uuid, fmt):
    document = get_object_for(request.user, GeneratedDocument, uuid=uuid)
    field = {"docx": document.docx, "pdf": document.pdf, "zip": document.archive}.get(fmt)
    if not field:
        raise Http404
    from gongjian.audit.models import Action
    from gongjian.audit.recording import record

    record(Action.EXPORT, document, object_repr=f"{document.title}.{fmt}", request=request)
    return FileResponse(open_stored(request, field), as_attachment=True, filename=f"{document.title}.{fmt}")


@login_required
def document_list(request):
    documents = GeneratedDocument.objects.visible_to(request.user).select_related("organization", "activity", "created_by__person")
    window = Window(documents, page_number(request.GET.get("page")), 30)
    return render(request, "insights/document_list.html", {"title": _("Generated documents"), "page": window})
