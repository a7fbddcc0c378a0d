"""The public news site: /news/, article pages, covers and the view counter. No login.

Pages are cached by browsers and proxies (``Cache-Control: public`` with ``Last-Modified``), so
nothing of a signed-in user may end up in them: they render the site's base template as an
anonymous visitor sees it (no name, menu, messages or CSRF token). A signed-in user's response
is still marked private, because it carries their session cookie.

Views are counted by a beacon the page sends (static/news/count.js), not by the page itself, so a
page served from a cache is counted too: one count per visitor and day, bots excluded, the
visitor known only by a hash salted with a random key that is deleted after the day.
"""

import functools
import re

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from gongjian.lib.paging import Window, page_number
from gongjian.lib.uploads import open_stored

from ..choices import ArticleStatus, Category
from ..models.articles import Article
from ..models.visits import ArticleVisit

PUBLIC_MAX_AGE = 300  # seconds; also how long a proxy may keep serving a page after it went offline
PAGE_SIZE = 12
# What the base template would otherwise show of the signed-in user.
VISITOR = {"user": AnonymousUser(), "main_menu": [], "messages": (), "csrf_token": ""}
# Crawlers, link previews, monitors and scripts: not readers.
BOT_RE = re.compile(
    r"bot|spider|crawl|slurp|archiver|fetch|preview|scan|monitor|checker|curl|wget|python|java/|go-http|okhttp|libwww|httpclient"
    r"|headless|phantom|selenium|puppeteer|playwright|lighthouse|facebookexternalhit|whatsapp|telegram|bingpreview",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT_RE.search(user_agent))


def cacheable(response, request, max_age=PUBLIC_MAX_AGE):
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


def public_page(view):
    """A public view whose responses caches may keep (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return cacheable(view(request, *args, **kwargs), request)

    return wrapped


def _not_modified(request, last_modified):
    """A 304 when the visitor's copy is current, else None."""
    if last_modified is None:
        return None
    return get_conditional_response(request, last_modified=int(last_modified.timestamp()))


def _render(request, template, context, last_modified=None, status=200):
    response = render(request, template, {**context, **VISITOR}, status=status)
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified.timestamp())
    return response


@require_GET
@public_page
def article_list(request, category=None):
    if category is not None and category not in Category.values:
        raise Http404
    # Any change to an article that was ever public (published, withdrawn, taken offline) changes the list.
    last_modified = Article.objects.filter(published_at__isnull=False).order_by("-updated_at").values_list("updated_at", flat=True).first()
    not_modified = _not_modified(request, last_modified)
    if not_modified is not None:
        return not_modified
    articles = Article.objects.public().select_related("organization").defer("body").order_by("-published_at", "-pk")
    if category:
        articles = articles.filter(category=category)
    # Pages without a total: counting every published article would cost more than reading one page.
    page = Window(articles, page_number(request.GET.get("page")), PAGE_SIZE)
    title = Category(category).label if category else _("News")
    context = {"title": title, "page_obj": page, "categories": Category.choices, "category": category}
    return _render(request, "news/public_list.html", context, last_modified)


@require_GET
def article_detail(request, uuid):
    try:
        article = Article.objects.for_public_page().get(uuid=uuid, archived_at__isnull=True)
    except Article.DoesNotExist:
        raise Http404 from None
    if article.status not in (ArticleStatus.PUBLISHED, ArticleStatus.WITHDRAWN, ArticleStatus.OFFLINE):
        raise Http404
    if article.status != ArticleStatus.PUBLISHED:
        # A neutral notice, never cached: nothing of the text, nothing about why.
        status = 503 if article.status == ArticleStatus.OFFLINE else 410
        response = _render(request, "news/public_unavailable.html", {"article": article}, status=status)
        patch_cache_control(response, no_store=True)
        return response
    not_modified = _not_modified(request, article.updated_at)
    if not_modified is not None:
        return cacheable(not_modified, request)
    context = {
        "article": article,
        "title": article.title,
        # Only a corrected article (version 2 on) has correction notes: most pages skip the query.
        "corrections": list(
            article.versions.exclude(correction_note="").order_by("number").values("number", "published_at", "correction_note")
        )
        if article.version > 1
        else [],
        "organizations": list(article.organizations.values_list("name", flat=True)),
    }
    return cacheable(_render(request, "news/public_article.html", context, article.updated_at), request)


@require_GET
def article_cover(request, uuid):
    """A cover image: for anyone while the article is public, else for those who see the article."""
    article = Article.objects.filter(uuid=uuid).exclude(cover="").only("pk", "status", "archived_at", "cover", "cover_type").first()
    if article is None or not (article.is_public or Article.objects.visible_to(request.user).filter(pk=article.pk).exists()):
        raise Http404
    response = FileResponse(open_stored(request, article.cover), content_type=article.cover_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    if article.is_public:
        return cacheable(response, request)
    patch_cache_control(response, private=True, no_store=True)
    return response


@csrf_exempt  # a counter anyone may ping; nothing here acts for a user
@require_POST
def article_seen(request, uuid):
    """The beacon of count.js: count this visitor once today, unless a bot."""
    if not is_bot(request.META.get("HTTP_USER_AGENT", "")):
        pk = Article.objects.public().filter(uuid=uuid).values_list("pk", flat=True).first()
        if pk is None:
            raise Http404
        ArticleVisit.count(pk, request)
    response = HttpResponse(status=204)
    patch_cache_control(response, no_store=True)
    return response
