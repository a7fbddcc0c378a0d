"""Error pages in the site layout. The 500 page renders without a request context
because the database may be the thing that failed.

Under /api/ the same errors are JSON in the API's own shape (``{"detail": …}``): a path that
matches no endpoint, say, never reaches DRF's exception handler."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .uploads import DISK_FULL_MESSAGE


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(message, status):
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception=None):
    if _is_api(request):
        return _api_error(_("The request could not be completed. Please go back and try again."), 400)
    # Plain, like the 500 page: a session that could not be saved because the database went away ends here.
    template = loader.get_template("errors/400_plain.html")
    return HttpResponseBadRequest(template.render({}))


def permission_denied(request, exception=None):
    if _is_api(request):
        return _api_error(_("You do not have permission to perform this action."), 403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _api_error(_("Not found."), 404)
    return render(request, "errors/404.html", status=404)


def storage_full(request):
    """An upload the full disk refused: the user learns it was not saved, and whom to tell."""
    if _is_api(request):
        return _api_error(DISK_FULL_MESSAGE, 507)
    if getattr(request, "htmx", False):
        # htmx swaps no error answer into the page, so the page reloads and shows the message.
        messages.error(request, DISK_FULL_MESSAGE, fail_silently=True)
        return HttpResponse(status=507, headers={"HX-Refresh": "true"})
    return render(request, "errors/507.html", {"message": DISK_FULL_MESSAGE}, status=507)


def server_error(request):
    if _is_api(request):
        return _api_error(_("A server error occurred."), 500)
    template = loader.get_template("errors/500_plain.html")
    return HttpResponseServerError(template.render({}))
