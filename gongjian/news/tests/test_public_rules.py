"""The public site's rules the other tests leave out: the Shanghai day of a view, what a correction changes in the
lists, and the related-reports list on the pages of what articles report on."""

import datetime
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.news.models.articles import Article
from gongjian.news.models.visits import ArticleVisit
from gongjian.news.templatetags.news_articles import RELATED_LIMIT, related_articles

from .article_helpers import make_article, published

UTC = datetime.UTC
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def seen_at(moment, article):
    """The page's beacon, sent at ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return Client().post(reverse("news:article_seen", args=[article.uuid]), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")


def test_it_counts_a_view_on_the_shanghai_day_not_the_utc_one(newsroom):
    article = published(newsroom)
    # 23:59 on 30 June and 00:01 on 1 July in Shanghai are both 30 June in UTC.
    assert seen_at(datetime.datetime(2023, 6, 30, 15, 59, tzinfo=UTC), article).status_code == 204
    assert seen_at(datetime.datetime(2023, 6, 30, 16, 1, tzinfo=UTC), article).status_code == 204
    # 07:59 on 1 July in Shanghai: the same visitor on the same local day.
    seen_at(datetime.datetime(2023, 6, 30, 23, 59, tzinfo=UTC), article)
    assert sorted(ArticleVisit.objects.values_list("day", flat=True)) == [datetime.date(2023, 6, 30), datetime.date(2023, 7, 1)]
    assert Article.objects.get(pk=article.pk).view_count == 2
    # The purge at the start of 2 July keeps nothing of 1 July's visitors beyond their count.
    assert ArticleVisit.purge(today=datetime.date(2023, 7, 1)) == 1
    assert list(ArticleVisit.objects.values_list("day", flat=True)) == [datetime.date(2023, 7, 1)]


def test_it_keeps_a_corrected_article_in_its_place_and_marks_the_list_changed(newsroom):
    older = published(newsroom, title="较早的稿件")
    newer = published(newsroom, title="较新的稿件")
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Article.objects.filter(pk=older.pk).update(published_at=hour_ago - datetime.timedelta(days=1), updated_at=hour_ago)
    Article.objects.filter(pk=newer.pk).update(published_at=hour_ago, updated_at=hour_ago)
    client = Client()
    before = client.get(reverse("news:article_list"))
    older.refresh_from_db()
    older.correct(newsroom.final, comment="更正日期", title="较早的稿件（更正）", summary=older.summary, body=older.body)
    after = client.get(reverse("news:article_list"), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200 and after["Last-Modified"] != before["Last-Modified"]
    html = after.content.decode()
    # Corrected, not republished: its date and place stay, its title is the corrected one.
    assert html.index("较新的稿件") < html.index("较早的稿件（更正）")
    older.refresh_from_db()
    assert older.published_at == hour_ago - datetime.timedelta(days=1)
    assert older.versions.get(number=2).published_at > hour_ago  # the correction itself is dated now


def test_it_lists_the_newest_related_reports_only(newsroom):
    from gongjian.activities.tests.helpers import make_activity

    activity = make_activity(newsroom.world.own_org, title="理论宣讲")
    now = timezone.now()
    reports = []
    for n in range(RELATED_LIMIT + 2):
        report = published(newsroom, title=f"宣讲报道{n:02d}")
        Article.objects.filter(pk=report.pk).update(published_at=now - datetime.timedelta(days=n))
        report.activities.add(activity)
        reports.append(report)
    withdrawn = reports[0]
    withdrawn.refresh_from_db()
    withdrawn.withdraw(newsroom.first, comment="撤稿")
    make_article(newsroom, title="未发布的宣讲报道").activities.add(activity)
    shown = related_articles(activity)["related_articles"]
    # The newest was withdrawn: the ten after it, newest first.
    assert [a.title for a in shown] == [f"宣讲报道{n:02d}" for n in range(1, RELATED_LIMIT + 1)]
