"""The tamper seal and verify_published: a page that differs from its sealed version goes offline."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings

from gongjian.audit.models import Record
from gongjian.news import seal
from gongjian.news.choices import ArticleStatus
from gongjian.news.models import SafetyTerm
from gongjian.news.models.articles import Article
from gongjian.news.models.history import ArticleVersion
from gongjian.notifications.models import Notification

from .article_helpers import BLOCK_TEXT, published

S = ArticleStatus
BODY = '<p>示例学院党委开展联学。</p><p>详见<a href="https://www.gov.cn/" rel="noopener noreferrer nofollow">中国政府网</a>。</p>'


def served_by(client=None):
    """A fetch() that asks the test client instead of the network: the page exactly as Django serves it."""
    client = client or Client()

    def fetch(url, timeout=30, pool=None):
        response = client.get(urlsplit(url).path, HTTP_USER_AGENT=seal.USER_AGENT)
        return seal.Fetched(response.status_code, response.content.decode())

    return fetch


def tampered(change):
    """A fetch() that serves the real page with ``change`` applied, as a proxy or poisoned cache would."""
    real = served_by()

    def fetch(url, timeout=30, pool=None):
        page = real(url)
        return seal.Fetched(page.status, change(page.text))

    return fetch


# --- The seal ------------------------------------------------------------------------------------------


def test_it_chains_the_seals_of_an_article_s_versions(newsroom):
    article = published(newsroom, body=BODY)
    article.correct(newsroom.final, comment="更正日期", title=article.title, summary=article.summary, body="<p>更正后的正文。</p>")
    first, second = article.versions.order_by("number")
    assert second.prev_seal == first.seal
    assert first.seal == seal.compute_seal("", article.uuid, 1, seal.content_digest(first.title, first.body))
    assert seal.broken_version(article.uuid, [first, second]) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: ArticleVersion.objects.filter(pk=v[0].pk).update(body="<p>改过的正文</p>"),
        lambda v: ArticleVersion.objects.filter(pk=v[0].pk).update(title="改过的标题"),
        lambda v: ArticleVersion.objects.filter(pk=v[1].pk).update(prev_seal="0" * 64),
        lambda v: ArticleVersion.objects.filter(pk=v[1].pk).update(seal="f" * 64),
        lambda v: ArticleVersion.objects.filter(pk=v[0].pk).update(number=9),
    ],
    ids=["body", "title", "link", "seal", "renumbered"],
)
def test_it_finds_any_change_to_a_sealed_version(newsroom, tamper):
    article = published(newsroom, body=BODY)
    article.correct(newsroom.final, comment="更正", title=article.title, summary=article.summary, body="<p>第二版。</p>")
    versions = list(article.versions.order_by("number"))
    tamper(versions)
    assert seal.broken_version(article.uuid, list(article.versions.order_by("number"))) is not None


def test_it_keys_the_seal_outside_the_database(newsroom):
    article = published(newsroom)
    versions = list(article.versions.all())
    with override_settings(NEWS_SEAL_KEY="another-key"):
        assert seal.broken_version(article.uuid, versions) == 1
    # A version moved to another article does not verify there either.
    other = published(newsroom, title="另一篇稿件")
    assert seal.broken_version(other.uuid, versions) == 1


def test_it_normalises_whitespace_and_attribute_order_the_same_way_on_both_sides():
    sealed = '<p>第一段  文字</p>\n<p><a href="https://a.cn/" title="x">链接</a></p>'
    served = '<p>第一段 文字</p><p>\n  <a title="x"   href="https://a.cn/">链接</a></p>'
    assert seal.normalise_html(sealed) == seal.normalise_html(served)
    assert seal.normalise_html(sealed) != seal.normalise_html(sealed.replace("链接", "链 接x"))
    hidden = sealed + '<a href="http://casino.example/" style="display:none">.</a>'
    assert seal.normalise_html(sealed) != seal.normalise_html(hidden)


def test_it_reads_exactly_the_marked_title_and_body_of_a_page():
    page = (
        "<html><head><title>x</title></head><body><nav><div>菜单</div></nav>"
        '<h1 class="h3" data-seal-title>\n  标题 &amp; 副题 </h1>'
        "<div data-seal-body><div><p>正文<br>第二行</p></div><p>末段</p></div><footer><div>页脚</div></footer></body></html>"
    )
    parts = seal.sealed_parts(page)
    assert parts["title"] == ["标题 & 副题"]
    assert parts["body"] == [seal.normalise_html("<div><p>正文<br>第二行</p></div><p>末段</p>")]


def test_it_compares_a_page_served_as_sealed_without_parsing_it_and_leaves_the_rest_to_the_parser(newsroom):
    article = published(newsroom, title="联学 & “共建”", body=BODY)
    version = article.versions.get()
    page = Client().get(article.get_public_url()).content.decode()
    assert seal.served_as_sealed(page, version) and seal.page_differences(page, version) == ([], "联学 & “共建”")
    # A proxy that reflows the HTML: not byte for byte, and the parser finds it the same.
    reflowed = page.replace("<p>详见", "<p>\n  详见")
    assert not seal.served_as_sealed(reflowed, version) and seal.page_differences(reflowed, version) == ([], "联学 & “共建”")
    # Markers the string search does not take for the template's, which the parser still counts.
    for extra in ('<div title=">" data-seal-body><p>77779193永利官网</p></div>', "<DIV DATA-SEAL-BODY><p>77779193永利官网</p></DIV>"):
        injected = page.replace("<footer", extra + "<footer", 1)
        assert not seal.served_as_sealed(injected, version)
        assert len(seal.sealed_parts(injected)["body"]) == 2 and seal.page_differences(injected, version)[0]
    for changed in (page.replace("开展联学", "开展联学。"), page.replace("data-seal-title>", "data-seal-title>更正：")):
        assert not seal.served_as_sealed(changed, version) and seal.page_differences(changed, version)[0]


# --- verify_published, page by page -----------------------------------------------------------------------


def verify(monkeypatch, fetch, **kwargs):
    monkeypatch.setattr(seal, "fetch", fetch)
    return seal.verify_published("http://testserver", workers=1, **kwargs)


def test_it_passes_pages_that_match_their_seal(newsroom, monkeypatch):
    articles = [published(newsroom, body=BODY), published(newsroom, title="第二篇")]
    report = verify(monkeypatch, served_by())
    assert (report.checked, report.offline, report.unreachable) == (2, [], [])
    assert {a.status for a in Article.objects.filter(pk__in=[a.pk for a in articles])} == {S.PUBLISHED}


@pytest.mark.parametrize(
    "change",
    [
        lambda page: page.replace("示例学院党委开展联学", "77779193永利官网开展联学"),
        lambda page: page.replace("data-seal-title>", "data-seal-title>77779193永利官网"),
        lambda page: page.replace("<p>详见", '<p><a href="http://casino.example/" style="display:none">.</a>详见'),
        lambda page: page.replace("data-seal-body", "data-sealed-body"),
        lambda page: page.replace("</head>", "<div data-seal-body><p>77779193永利官网</p></div></head>"),
        lambda page: page.replace("<p>详见", '<p><span style="font-size:0">77779193永利官网</span>详见'),
    ],
    ids=["body text", "title", "hidden link", "marker removed", "second body in the head", "zero-size text"],
)
def test_it_takes_offline_a_page_changed_on_its_way_to_the_visitor(newsroom, monkeypatch, change):
    article = published(newsroom, body=BODY)
    report = verify(monkeypatch, tampered(change))
    article.refresh_from_db()
    assert article.status == S.OFFLINE and [a.pk for a, _ in report.offline] == [article.pk]
    assert article.status_note
    assert Notification.objects.filter(recipient=newsroom.security, kind="news_offline").exists()
    audit = Record.objects.filter(object_type="news.article", object_id=str(article.pk)).order_by("-pk").first()
    assert audit.changes["status"] == [S.PUBLISHED, S.OFFLINE] and audit.changes["problems"]
    assert audit.actor is None and audit.actor_name == "gongjian"


def test_it_rescans_public_text_with_today_s_term_list(newsroom, monkeypatch):
    article = published(newsroom, body=BODY)
    clean = published(newsroom, title="另一篇干净的稿件", body="<p>干净的正文。</p>")
    SafetyTerm.objects.create(term="开展联学", tier="block", category="other")
    report = verify(monkeypatch, served_by())
    article.refresh_from_db()
    clean.refresh_from_db()
    assert (article.status, clean.status) == (S.OFFLINE, S.PUBLISHED)
    assert "开展联学" in " ".join(report.offline[0][1])


def test_it_takes_offline_an_article_whose_stored_version_was_changed(newsroom, monkeypatch):
    article = published(newsroom, body=BODY)
    ArticleVersion.objects.filter(article=article).update(body="<p>伪造的封存版本</p>")
    Article.objects.filter(pk=article.pk).update(body="<p>伪造的封存版本</p>")
    verify(monkeypatch, served_by())
    article.refresh_from_db()
    assert article.status == S.OFFLINE and "1" in article.status_note


def test_it_reports_an_unreachable_page_without_taking_it_offline(newsroom, monkeypatch):
    article = published(newsroom)
    report = verify(monkeypatch, lambda url, timeout=30, pool=None: seal.Fetched(0, error="connection refused"))
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and not report.ok
    assert [(a.pk, status) for a, status, _ in report.unreachable] == [(article.pk, 0)]


def test_it_checks_only_published_articles(newsroom, monkeypatch):
    article = published(newsroom)
    article.withdraw(newsroom.first, comment="撤稿")
    asked = []
    report = verify(monkeypatch, lambda url, timeout=30, pool=None: asked.append(url) or seal.Fetched(200, ""))
    assert report.checked == 0 and asked == []


def test_it_exits_non_zero_when_something_went_offline(newsroom, monkeypatch):
    published(newsroom, body=BODY)
    monkeypatch.setattr(seal, "fetch", served_by())
    out = io.StringIO()
    call_command("verify_published", "--base-url", "http://testserver", "--workers", "1", stdout=out)
    assert "checked 1, taken offline 0, unreachable 0" in out.getvalue()
    monkeypatch.setattr(seal, "fetch", tampered(lambda page: page.replace("示例学院党委开展联学", "已被篡改")))
    with pytest.raises(CommandError):
        call_command("verify_published", "--base-url", "http://testserver", "--workers", "1", stdout=io.StringIO())


# --- The real HTTP path --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_catches_a_body_changed_by_raw_sql_over_http(newsroom, live_server):
    """The tamper test of the issue: a published body edited behind the application, read back over HTTP."""
    article = published(newsroom, body=BODY)
    other = published(newsroom, title="未被改动的稿件")
    out = io.StringIO()
    call_command("verify_published", "--base-url", live_server.url, "--workers", "1", stdout=out)
    assert "checked 2, taken offline 0, unreachable 0" in out.getvalue()

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Article._meta.db_table} SET body = %s WHERE id = %s", [f"<p>{BLOCK_TEXT}开展联学。</p>", article.pk])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_published", "--base-url", live_server.url, "--workers", "1", stdout=out)
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.status, other.status) == (S.OFFLINE, S.PUBLISHED)
    assert f"offline {article.uuid}" in out.getvalue()
    assert Notification.objects.filter(recipient=newsroom.security, kind="news_offline").exists()
    # The public page now shows the neutral notice, and none of the defaced text.
    response = Client().get(article.get_public_url())
    assert response.status_code == 503
    assert 'data-role="offline-notice"' in response.content.decode() and BLOCK_TEXT not in response.content.decode()


@pytest.fixture
def site():
    """A small HTTP/1.1 site that keeps connections alive: /news/ is a page, anything else a 404."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        seen = []

        def do_GET(self):
            self.seen.append((self.path, self.headers["User-Agent"], self.headers["Accept-Language"]))
            body = "<h1 data-seal-title>标题</h1>".encode() if self.path == "/news/" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Handler.seen
    server.shutdown()
    server.server_close()


def test_it_reads_pages_as_a_visitor_over_one_kept_alive_connection(site):
    url, seen = site
    pool = seal.connections(1)
    pages = [seal.fetch(url + "/news/", pool=pool) for _ in range(3)]
    assert [(page.status, page.text) for page in pages] == [(200, "<h1 data-seal-title>标题</h1>")] * 3
    host = pool.connection_from_url(url)
    assert host.num_connections == 1 and host.num_requests == 3
    assert seen[0] == ("/news/", seal.USER_AGENT, "zh-CN,zh;q=0.9")
    missing = seal.fetch(url + "/news/x/", pool=pool)
    assert (missing.status, missing.text) == (404, "") and "404" in missing.error
    pool.clear()
    assert seal.fetch("file:///etc/passwd").status == 0 and len(seen) == 4
    refused = seal.fetch("http://127.0.0.1:9/news/")
    assert refused.status == 0 and refused.error


def test_it_tells_the_security_admins_what_was_wrong(newsroom, monkeypatch):
    article = published(newsroom, body=BODY)
    verify(monkeypatch, tampered(lambda page: page.replace("示例学院党委开展联学", "被改动的正文")))
    notice = Notification.objects.get(recipient=newsroom.security, kind="news_offline")
    assert article.title in notice.title and "1" in notice.body
    assert notice.url == article.get_absolute_url()
