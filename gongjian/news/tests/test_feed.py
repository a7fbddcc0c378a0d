"""The Atom feed's window: the newest published articles first, at most FEED_SIZE, each with its category."""

import datetime
import xml.etree.ElementTree as ET

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.news.choices import ArticleStatus, Category
from gongjian.news.feeds import FEED_SIZE
from gongjian.news.models.articles import Article

from .article_helpers import make_article

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(xml):
    return ET.fromstring(xml).findall(f"{ATOM}entry")


def test_it_keeps_the_newest_articles_newest_first(newsroom):
    now = timezone.now()
    for n in range(FEED_SIZE + 2):
        article = make_article(newsroom, title=f"第{n:02d}篇报道", category=Category.WORK)
        # Article 00 is the oldest; set as the publish verb would have stamped them.
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED, published_at=now - datetime.timedelta(hours=100 - n))
    archived = Article.objects.get(title=f"第{FEED_SIZE + 1:02d}篇报道")
    Article.objects.filter(pk=archived.pk).update(archived_at=now)

    found = entries(Client().get(reverse("news:feed")).content)

    titles = [entry.find(f"{ATOM}title").text for entry in found]
    # The newest is archived; of the other FEED_SIZE + 1 the oldest falls out of the window.
    assert titles == [f"第{n:02d}篇报道" for n in range(FEED_SIZE, 0, -1)]
    assert {entry.find(f"{ATOM}category").get("term") for entry in found} == {str(Category.WORK.label)}
