"""Error pages in the site layout. The 500 page renders without a request context
because the database may be the thing that failed."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    template = loader.get_template("errors/500_plain.html")
    return HttpResponseServerError(template.render({}))
