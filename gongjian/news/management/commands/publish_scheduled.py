"""Publish the scheduled articles whose time has come, and forget yesterday's visitors. Run every few minutes.

Idempotent: each article moves by a compare-and-set, so two runs never publish one twice. The scan
runs again before publishing (the term list may have grown since 终审): a flagged article is held
for the security admin instead. Visit rows and their salt are kept for the day only.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from gongjian.news.choices import ArticleStatus
from gongjian.news.models.articles import Article
from gongjian.news.models.visits import ArticleVisit


class Command(BaseCommand):
    help = "Publish scheduled news articles that are due, and purge the visit counts' hashes of past days."

    def handle(self, *args, **options):
        now = timezone.now()
        published = held = 0
        for article in (
            Article.objects.filter(status=ArticleStatus.SCHEDULED, publish_at__lte=now)
            .select_related("organization")
            .order_by("publish_at", "pk")
        ):
            try:
                done = article.publish(None)
            except ValidationError:
                continue  # withdrawn or published by someone else meanwhile
            if done.name == "hold":
                held += 1
            else:
                published += 1
        purged = ArticleVisit.purge(timezone.localdate(now))
        self.stdout.write(f"published {published}, held {held}, purged {purged} visits of past days")
