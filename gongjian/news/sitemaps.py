"""The sitemap of the public news site, /news/sitemap.xml."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .choices import Category
from .models.articles import Article


class NewsIndexSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return [None, *Category.values]

    def location(self, item):
        return reverse("news:article_list") if item is None else reverse("news:category", kwargs={"category": item})


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 10_000

    def items(self):
        return Article.objects.public().only("uuid", "updated_at").order_by("-published_at", "-pk")

    def location(self, item):
        return item.get_public_url()

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"news": NewsIndexSitemap, "articles": ArticleSitemap}
