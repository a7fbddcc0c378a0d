"""The public news site: pages anyone may read, cached, shared, fed, mapped, printed and counted."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from gongjian.news.choices import ArticleStatus, Category
from gongjian.news.models.articles import Article
from gongjian.news.models.visits import ArticleVisit, VisitSalt
from gongjian.news.views.public import PAGE_SIZE, PUBLIC_MAX_AGE, is_bot

from .article_helpers import at_status, make_article, published

S = ArticleStatus
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media", PRIVATE_MEDIA_ROOT=tmp_path / "private"):
        yield tmp_path


def meta(html, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return match.group(1) if match else None


# --- Lists and pages -------------------------------------------------------------------------------------


def test_it_lists_published_articles_to_anyone(newsroom, django_assert_max_num_queries):
    shown = published(newsroom, title="已发布的稿件")
    draft = make_article(newsroom, title="尚在草稿的稿件")
    withdrawn = published(newsroom, title="已撤回的稿件")
    withdrawn.withdraw(newsroom.first, comment="撤稿")
    with django_assert_max_num_queries(6):
        response = Client().get(reverse("news:article_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert str(shown.uuid) in html and shown.title in html
    assert draft.title not in html and withdrawn.title not in html
    assert 'type="application/atom+xml"' in html


def test_it_lists_by_category_and_pages(newsroom):
    for n in range(PAGE_SIZE + 1):
        article = make_article(newsroom, title=f"理论学习第{n}期", category=Category.STUDY)
        Article.objects.filter(pk=article.pk).update(status=S.PUBLISHED, published_at=timezone.now() - timedelta(hours=n))
    work = published(newsroom, title="工作动态稿件")
    client = Client()
    study = client.get(reverse("news:category", args=["study"])).content.decode()
    assert "理论学习第0期" in study and work.title not in study and "?page=2" in study
    assert "理论学习第12期" in client.get(reverse("news:category", args=["study"]) + "?page=2").content.decode()
    assert client.get(reverse("news:category", args=["nonsense"])).status_code == 404


def test_it_shows_an_article_with_its_sealed_title_and_body_marked(newsroom, django_assert_max_num_queries):
    article = published(newsroom, body="<p>第一段。</p><p>第二段。</p>")
    with django_assert_max_num_queries(6):
        response = Client().get(article.get_public_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="h3 mb-2" data-seal-title>{article.title}</h1>' in html
    assert '<div class="gj-article-body" data-seal-body><p>第一段。</p><p>第二段。</p></div>' in html
    assert 'href="/static/news/public.css"' in html and "/static/news/count.js" in html
    assert f'data-view-url="{reverse("news:article_seen", args=[article.uuid])}"' in html
    assert article.publisher in html


def test_it_gives_share_tags_for_wechat(newsroom):
    article = published(newsroom, summary="示例学院党委开展理论联学，交流党建经验。")
    html = Client().get(article.get_public_url()).content.decode()
    assert meta(html, "og:title") == article.title
    assert meta(html, "og:description") == article.summary
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:url") == f"http://testserver{article.get_public_url()}"
    assert meta(html, "og:image") == "http://testserver/static/news/share.png"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "description") == article.summary


def test_it_shares_the_cover_image(newsroom):
    article = published(newsroom, cover=SimpleUploadedFile("封面.png", PNG, content_type="image/png"))
    html = Client().get(article.get_public_url()).content.decode()
    cover_url = reverse("news:article_cover", args=[article.uuid])
    assert meta(html, "og:image") == f"http://testserver{cover_url}"
    assert meta(html, "twitter:card") == "summary_large_image"
    response = Client().get(cover_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff" and "public" in response["Cache-Control"]
    assert article.cover.name.startswith("news/covers/") and article.cover.name.endswith(".png") and "封面" not in article.cover.name


def test_it_serves_a_draft_s_cover_only_to_those_who_see_the_draft(newsroom, client_for):
    draft = make_article(newsroom, cover=SimpleUploadedFile("a.png", PNG, content_type="image/png"))
    url = reverse("news:article_cover", args=[draft.uuid])
    assert Client().get(url).status_code == 404
    assert client_for(newsroom.world.outsider).get(url).status_code == 404
    response = client_for(newsroom.first).get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_it_checks_a_cover_by_its_content(newsroom):
    with pytest.raises(Exception) as error:
        make_article(newsroom, cover=SimpleUploadedFile("cover.png", b"<script>alert(1)</script>", content_type="image/png"))
    assert "cover" in error.value.message_dict


def test_it_shows_corrections_with_the_article(newsroom):
    article = published(newsroom)
    article.correct(
        newsroom.final, comment="第二段人数更正为120人", title=article.title, summary=article.summary, body="<p>120人参加。</p>"
    )
    html = Client().get(article.get_public_url()).content.decode()
    assert 'data-role="corrections"' in html and "第二段人数更正为120人" in html and "<p>120人参加。</p>" in html


@pytest.mark.parametrize("status", [S.DRAFT, S.FIRST_REVIEW, S.FINAL_REVIEW, S.SCHEDULED, S.HELD, S.REJECTED])
def test_it_does_not_show_what_is_not_public(newsroom, status):
    article = at_status(newsroom, status)
    assert Client().get(article.get_public_url()).status_code == 404


def test_it_shows_neutral_notices_for_withdrawn_and_offline_articles(newsroom):
    withdrawn = at_status(newsroom, S.WITHDRAWN)
    offline = at_status(newsroom, S.OFFLINE, title="下线稿件")
    response = Client().get(withdrawn.get_public_url())
    assert response.status_code == 410 and 'data-role="withdrawn-notice"' in response.content.decode()
    response = Client().get(offline.get_public_url())
    html = response.content.decode()
    assert response.status_code == 503 and 'data-role="offline-notice"' in html
    assert offline.title not in html.split("<main", 1)[1] and "no-store" in response["Cache-Control"]


# --- Caching and what the page must not carry ------------------------------------------------------------------


def test_it_lets_caches_keep_public_pages_and_answers_not_modified(newsroom):
    article = published(newsroom)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    article.refresh_from_db()
    client = Client()
    for url in (article.get_public_url(), reverse("news:article_list"), reverse("news:feed"), reverse("news:sitemap")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"max-age={PUBLIC_MAX_AGE}" in response["Cache-Control"] and "public" in response["Cache-Control"], url
    response = client.get(article.get_public_url())
    assert response["Last-Modified"] == http_date(article.updated_at.timestamp())
    again = client.get(article.get_public_url(), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304 and "public" in again["Cache-Control"]
    listing = client.get(reverse("news:article_list"))
    assert client.get(reverse("news:article_list"), HTTP_IF_MODIFIED_SINCE=listing["Last-Modified"]).status_code == 304
    # Withdrawing changes both, so a visitor's copy is not current any more.
    article.withdraw(newsroom.first, comment="撤稿")
    assert client.get(reverse("news:article_list"), HTTP_IF_MODIFIED_SINCE=listing["Last-Modified"]).status_code == 200


def test_it_shows_a_signed_in_user_the_visitor_s_page_kept_private(newsroom, client_for):
    article = published(newsroom)
    response = client_for(newsroom.second).get(article.get_public_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    # Nothing of the user: no name, no menu, no CSRF token, no messages.
    assert str(newsroom.second) not in html and "navbar-nav" not in html and "csrfmiddlewaretoken" not in html
    assert '"X-CSRFToken": ""' in html
    assert meta(html, "og:title") == article.title


def test_it_does_not_consume_the_user_s_messages(newsroom, client_for):
    article = at_status(newsroom, S.FIRST_REVIEW)
    client = client_for(newsroom.first)
    client.post(reverse("news:manage_action", args=[article.uuid, "pass_first"]), {"pass_first-comment": "好"})
    public = published(newsroom, title="另一篇")
    assert "alert-success" not in client.get(public.get_public_url()).content.decode()
    assert "alert-success" in client.get(article.get_absolute_url()).content.decode()


# --- Feed and sitemap --------------------------------------------------------------------------------------------


def test_it_publishes_an_atom_feed(newsroom):
    article = published(newsroom, summary="摘要文字")
    draft = make_article(newsroom, title="草稿不进订阅")
    response = Client().get(reverse("news:feed"))
    xml = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert "<feed" in xml and article.title in xml and f"urn:uuid:{article.uuid}" in xml and "摘要文字" in xml
    assert draft.title not in xml


def test_it_maps_the_public_site(newsroom):
    article = published(newsroom)
    draft = make_article(newsroom)
    xml = Client().get(reverse("news:sitemap")).content.decode()
    assert f"http://testserver{article.get_public_url()}" in xml
    assert str(draft.uuid) not in xml
    assert "http://testserver/news/category/media/" in xml and "<lastmod>" in xml


# --- View counts ------------------------------------------------------------------------------------------------------


def seen(client, article, agent=BROWSER, ip="203.0.113.7"):
    return client.post(reverse("news:article_seen", args=[article.uuid]), HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)


def test_it_counts_one_view_per_visitor_per_day(newsroom):
    article = published(newsroom)
    updated_at = article.updated_at
    client = Client()
    assert seen(client, article).status_code == 204
    seen(client, article)
    seen(client, article, ip="203.0.113.8")
    seen(client, article, agent=BROWSER + " other")
    article.refresh_from_db()
    assert article.view_count == 3
    assert article.updated_at == updated_at  # a view is no edit: the page's Last-Modified stays
    # Tomorrow the same visitor counts again.
    with override_settings(TIME_ZONE="Asia/Shanghai"):
        tomorrow = timezone.localdate() + timedelta(days=1)
        from unittest import mock

        with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
            seen(client, article)
    article.refresh_from_db()
    assert article.view_count == 4


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Baiduspider/2.0)",
        "Googlebot/2.1",
        "curl/8.0",
        "python-requests/2.31",
        "Mozilla/5.0 HeadlessChrome/120",
    ],
)
def test_it_does_not_count_bots(newsroom, agent):
    article = published(newsroom)
    assert is_bot(agent)
    assert seen(Client(), article, agent=agent).status_code == 204
    article.refresh_from_db()
    assert article.view_count == 0 and not ArticleVisit.objects.exists()


def test_it_keeps_no_personal_data_and_forgets_the_day(newsroom):
    article = published(newsroom)
    seen(Client(), article, ip="198.51.100.23")
    visit = ArticleVisit.objects.get()
    stored = " ".join(str(v) for v in ArticleVisit.objects.values_list("day", "visitor").get())
    assert "198.51.100.23" not in stored and BROWSER not in stored and re.fullmatch(r"[0-9a-f]{64}", visit.visitor)
    ArticleVisit.objects.update(day=visit.day - timedelta(days=1))
    VisitSalt.objects.update(day=visit.day - timedelta(days=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    assert not ArticleVisit.objects.exists() and not VisitSalt.objects.exists()
    assert Article.objects.get(pk=article.pk).view_count == 1


def test_it_counts_only_public_articles_and_only_by_post(newsroom):
    draft = make_article(newsroom)
    assert seen(Client(), draft).status_code == 404
    article = published(newsroom)
    assert Client().get(reverse("news:article_seen", args=[article.uuid])).status_code == 405
    assert "no-store" in seen(Client(), article)["Cache-Control"]


# --- The other public pages share the same tags ------------------------------------------------------------------------


def test_it_gives_the_agreement_disclosure_page_share_tags(newsroom):
    from gongjian.agreements.tests.conftest import advance, make_agreement

    agreement = advance(make_agreement(newsroom.world, title="重构空间多维服务共建协议"), "published", newsroom.second)
    html = Client().get(agreement.get_public_url()).content.decode()
    assert meta(html, "og:title") == agreement.title
    assert meta(html, "og:url") == f"http://testserver{agreement.get_public_url()}"
    assert meta(html, "og:image").endswith("/static/news/share.png")


def test_it_gives_the_project_showcase_share_tags(newsroom):
    from gongjian.projects.models import Project

    project = Project.objects.create(
        title="采样亭改造", brand="茸城e家", lead=newsroom.world.own_org, goals="为街道 25 个采样亭开展改造设计。", is_public=True
    )
    html = Client().get(project.get_showcase_url()).content.decode()
    assert meta(html, "og:title") == "采样亭改造"
    assert meta(html, "og:description") == "为街道 25 个采样亭开展改造设计。"
    listing = Client().get(reverse("projects:showcase_list")).content.decode()
    assert meta(listing, "og:title") and meta(listing, "twitter:card") == "summary"


def test_it_prints_the_article_without_the_site_around_it():
    from django.contrib.staticfiles import finders

    css = open(finders.find("news/public.css"), encoding="utf-8").read()
    printed = css.split("@media print", 1)[1]
    for hidden in (".navbar", "footer.container-xl", ".gj-no-print"):
        assert hidden in printed
    assert 'a[href^="http"]::after' in printed and ".gj-print-only { display: block; }" in printed


def test_it_counts_with_a_beacon_to_the_page_s_counter_url():
    from django.contrib.staticfiles import finders

    script = open(finders.find("news/count.js"), encoding="utf-8").read()
    assert "data-view-url" in script and "sendBeacon" in script
