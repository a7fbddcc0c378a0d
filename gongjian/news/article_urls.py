"""The public news site at /news/ and the newsroom under /news/manage/."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .feeds import ArticleFeed
from .sitemaps import SITEMAPS
from .views import articles, public

urlpatterns = [
    path("", public.article_list, name="article_list"),
    path("category/<slug:category>/", public.article_list, name="category"),
    path("feed/", public.public_page(ArticleFeed()), name="feed"),
    path("sitemap.xml", public.public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<uuid:uuid>/", public.article_detail, name="article"),
    path("<uuid:uuid>/cover/", public.article_cover, name="article_cover"),
    path("<uuid:uuid>/seen/", public.article_seen, name="article_seen"),
    path("manage/", articles.ArticleListView.as_view(), name="manage_list"),
    path("manage/new/", articles.ArticleEditView.as_view(), name="manage_create"),
    path("manage/from-document/<uuid:uuid>/", articles.article_from_document, name="manage_from_document"),
    path("manage/<uuid:uuid>/", articles.ArticleDetailView.as_view(), name="manage_article"),
    path("manage/<uuid:uuid>/edit/", articles.ArticleEditView.as_view(), name="manage_edit"),
    path("manage/<uuid:uuid>/<slug:name>/", articles.article_action, name="manage_action"),
]
