from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from gongjian.lib.access import get_object_for
from gongjian.lib.excel import XLSX_TYPE, xlsx_response
from gongjian.lib.middleware import client_ip, mark_no_store

from .forms import UploadForm
from .models import ImportJob
from .sheets import importer_class, importers_for

ERRORS_PER_PAGE = 100


def _attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def start(request):
    """Choose a kind, download its template, upload the filled-in file."""
    importers = importers_for(request.user)
    if not importers:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = ImportJob.receive(request.user, form.cleaned_data["kind"], form.cleaned_data["file"], ip=client_ip(request))
        job.schedule_validation()
        url = job.get_absolute_url()
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {"form": form, "form_action": reverse("imports:start"), "title": _("Excel import")}
    if request.htmx:
        return render(request, "generic/partials/form.html", context)
    jobs = ImportJob.objects.visible_to(request.user).filter(created_by=request.user)[:10]
    return render(request, "imports/start.html", {**context, "importers": importers, "jobs": jobs})


@login_required
def template(request, kind):
    cls = importer_class(kind)
    if cls is None or not cls.allowed(request.user):
        raise Http404
    response = HttpResponse(cls(request.user).template(), content_type=XLSX_TYPE)
    return _attachment(response, _("%(kind)s import template.xlsx") % {"kind": cls.label})


@login_required
def job(request, uuid):
    """The preview: progress while busy, then each bad row's errors or the counts and a confirm button."""
    job = get_object_for(request.user, ImportJob, "view", uuid=uuid)
    job.fail_if_worker_lost()
    mark_no_store(request)  # error messages quote the uploaded rows, which may hold personal data
    target = request.htmx.target if request.htmx else None
    if target == "job-progress":
        if job.is_busy:
            return render(request, "imports/partials/progress.html", {"job": job})
        return HttpResponseClientRefresh()
    if request.GET.get("export") == "xlsx":
        rows = [[error["row"], "\n".join(error["messages"])] for error in job.row_errors]
        return xlsx_response(_("import errors.xlsx"), [_("Row"), _("Errors")], rows, title=str(_("Errors")))
    page = Paginator(job.row_errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"job": job, "page_obj": page, "querystring": "", "result_url": _result_url(job)}
    if target == "object-table":
        return render(request, "imports/partials/errors.html", context)
    return render(request, "imports/job.html", {**context, "title": str(job)})


def _result_url(job):
    cls = job.importer_class
    if cls is None or not cls.result_url_name:
        return ""
    try:
        return reverse(cls.result_url_name)
    except NoReverseMatch:
        return ""


@require_POST
@login_required
def retry(request, uuid):
    job = get_object_for(request.user, ImportJob, "change", uuid=uuid)
    if not job.retry():
        messages.error(request, _("This import cannot be tried again; upload the file again."))
    return redirect(job.get_absolute_url())


@require_POST
@login_required
def apply(request, uuid):
    job = get_object_for(request.user, ImportJob, "change", uuid=uuid)
    if job.fail_if_worker_lost():
        messages.error(request, _("The import was interrupted: the background process stopped. Nothing was written; you can try again."))
    elif not job.schedule_apply(by=request.user):
        messages.error(request, _("This import is not ready to be confirmed."))
    elif job.status == ImportJob.Status.DONE:
        messages.success(request, _("The import is complete."))
    return redirect(job.get_absolute_url())
