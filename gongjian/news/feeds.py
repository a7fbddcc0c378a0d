"""The Atom feed of published articles, /news/feed/."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models.articles import Article

FEED_SIZE = 30


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    title = _("Gongjian news")
    subtitle = _("News of the regional party-building alliance.")

    def link(self):
        return reverse("news:article_list")

    def items(self):
        return Article.objects.public().select_related("organization").defer("body").order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_public_url()

    def item_guid(self, item):
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.publisher

    def item_categories(self, item):
        return [item.get_category_display()]
