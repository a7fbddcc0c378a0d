"""The search page: ``/search/?q=`` groups the hits by kind; the navbar box asks it for suggestions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from gongjian.lib.middleware import mark_no_store

from .kinds import PER_KIND, clean_text, search

# The navbar's dropdown shows fewer hits per kind than the page.
SUGGESTIONS_PER_KIND = 3


@require_GET
@login_required
def search_page(request):
    text = clean_text(request.GET.get("q"))
    suggest = getattr(request, "htmx", False) and request.htmx.target == "navbar-search-results"
    groups = [group for group in search(request, text, SUGGESTIONS_PER_KIND if suggest else PER_KIND) if group.hits]
    # The hits may name people in the user's scope: personal data is not cached (SECURITY.md item 16).
    mark_no_store(request)
    context = {"title": pgettext("search", "Search"), "q": text, "groups": groups}
    template = "search/partials/suggestions.html" if suggest else "search/search.html"
    return render(request, template, context)
