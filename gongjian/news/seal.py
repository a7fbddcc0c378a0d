"""Tamper seals for published articles, and the check that what the public sees is what was sealed.

Each published version carries ``seal = HMAC(NEWS_SEAL_KEY, previous seal | article | number |
sha256(title, sanitised body))``: the versions of one article form a chain like the audit trail's,
so a version row edited, swapped in from another article or removed from the middle breaks it.

``verify_published()`` then reads every public article page from the running site as a visitor
does (over HTTP, through whatever proxy and cache serve it), takes the title and body out of the
elements marked ``data-seal-title`` and ``data-seal-body``, and compares them with the sealed
version, whitespace normalised the same way on both sides. That catches a database edited behind
the application, an injected template or proxy and a poisoned cache. It also rescans the public
text with the current term list. A mismatch or a finding takes the article offline, alerts the
security admins and is audited.
"""

import hashlib
import hmac
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser

import urllib3
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Sent with every request, so the site's view counter and logs know the visitor is this check.
USER_AGENT = "Gongjian-verify_published/1.0 (bot)"
# No cookies, a plain Chinese browser's language: the page as a visitor gets it.
HEADERS = {"User-Agent": USER_AGENT, "Accept-Language": "zh-CN,zh;q=0.9"}
# Redirects are followed as a browser does; a connection the site closed is opened once more, and a
# failing page is reported rather than retried.
RETRIES = urllib3.Retry(total=None, connect=1, read=1, redirect=5, status=0, other=0, raise_on_redirect=False, raise_on_status=False)
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


# --- Sealing -----------------------------------------------------------------------------------


def content_digest(title: str, body: str) -> str:
    """sha256 of a version's title and sanitised HTML, exactly as stored."""
    return hashlib.sha256(f"{title}\x1f{body}".encode()).hexdigest()


def compute_seal(prev_seal: str, article_uuid, number: int, digest: str) -> str:
    message = f"{prev_seal}|{article_uuid}|{number}|{digest}".encode()
    return hmac.new(settings.NEWS_SEAL_KEY.encode(), message, hashlib.sha256).hexdigest()


def seal_fields(article_uuid, number: int, title: str, body: str, prev_seal: str) -> dict:
    """The digest and seal fields of version ``number``, chained to ``prev_seal``."""
    digest = content_digest(title, body)
    return {"digest": digest, "prev_seal": prev_seal, "seal": compute_seal(prev_seal, article_uuid, number, digest)}


def broken_version(article_uuid, versions) -> int | None:
    """The number of the first version (in order) whose content, link or seal does not verify, or None."""
    prev = ""
    for expected, version in enumerate(versions, start=1):
        digest = content_digest(version.title, version.body)
        if (
            version.number != expected
            or version.prev_seal != prev
            or not hmac.compare_digest(version.digest, digest)
            or not hmac.compare_digest(version.seal, compute_seal(prev, article_uuid, version.number, digest))
        ):
            return version.number
        prev = version.seal
    return None


# --- Reading a page the way the seal sees it -----------------------------------------------------


def normalise_text(text: str) -> str:
    return " ".join(text.split())


class _Tokens(HTMLParser):
    """HTML as a list of normalised tokens: tags with sorted attributes, text with collapsed whitespace.

    With ``marker`` set, only what lies inside elements carrying that attribute is kept, one list
    per element; without, the whole input is one fragment.
    """

    def __init__(self, markers=None):
        super().__init__(convert_charrefs=True)
        self.markers = markers
        self.found: dict[str, list[list[str]]] = {name: [] for name in markers or ()}
        self.current = None if markers else []
        self.depth = 0
        self.text: list[str] = []

    def _flush(self):
        if self.text:
            words = normalise_text("".join(self.text))
            if words:
                self.current.append(words)
            self.text = []

    @staticmethod
    def _tag(tag, attrs, closing=""):
        rendered = "".join(f' {name}="{normalise_text(value or "")}"' for name, value in sorted(attrs))
        return f"<{tag}{rendered}{closing}>"

    def handle_starttag(self, tag, attrs):
        if self.current is None:
            names = {name for name, _ in attrs}
            marker = next((m for m in self.markers if m in names), None)
            if marker is not None and tag not in VOID_TAGS:
                self.current, self.depth = [], 0
                self.found[marker].append(self.current)
            return
        self._flush()
        self.current.append(self._tag(tag, attrs))
        if tag not in VOID_TAGS:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.current is not None:
            self._flush()
            self.current.append(self._tag(tag, attrs))

    def handle_endtag(self, tag):
        if self.current is None or tag in VOID_TAGS:
            return
        self._flush()
        if self.markers and self.depth == 0:
            self.current = None  # the marked element ends here
            return
        self.depth -= 1
        self.current.append(f"</{tag}>")

    def handle_data(self, data):
        if self.current is not None:
            self.text.append(data)

    def result(self):
        self.close()
        if self.current is not None:
            self._flush()
        return self.found if self.markers else self.current


def normalise_html(fragment: str) -> str:
    """A fragment of HTML reduced to what a reader sees and a link does, whitespace collapsed."""
    parser = _Tokens()
    parser.feed(fragment or "")
    return "".join(parser.result())


MARKER_RE = re.compile(r"<[^<>]*?\sdata-seal-(?:title|body)(?=[\s=/>])")


def sealed_parts(page: str) -> dict[str, list[str]]:
    """The normalised contents of every element marked data-seal-title or data-seal-body on a page.

    Parsing starts at the first marked element: the page's head and navigation come before it,
    and a marker placed there would start the parse earlier, so it is still found.
    """
    first = MARKER_RE.search(page)
    parser = _Tokens(markers=("data-seal-title", "data-seal-body"))
    parser.feed(page[first.start() :] if first else "")
    found = parser.result()
    return {
        "title": [normalise_text(" ".join(tokens)) for tokens in found["data-seal-title"]],
        "body": ["".join(tokens) for tokens in found["data-seal-body"]],
    }


# The opening tag of a marked element as the template writes it: no ">" or "<" inside its attributes.
MARKED_TAG_RE = {
    marker: re.compile(rf"<([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])[^<>]*\s{marker}(?=[\s=/>])[^<>]*>")
    for marker in ("data-seal-title", "data-seal-body")
}


def served_as_sealed(page: str, version) -> bool:
    """Does the page show the sealed title and body byte for byte, each marker once?

    The common case, decided with a few string searches instead of parsing the page. The stored
    body is sanitised HTML, balanced, so the marked element ends right after it. Any other page
    (a proxy that reflows the HTML, a marker more, another text) is left to the parser.
    """
    lowered = page.lower()
    if lowered.count("data-seal-title") != 1 or lowered.count("data-seal-body") != 1:
        return False
    for marker, content in (("data-seal-title", escape(version.title)), ("data-seal-body", version.body)):
        tag = MARKED_TAG_RE[marker].search(page)
        if tag is None or tag.group(1).lower() in VOID_TAGS:
            return False
        if not page.startswith(content, tag.end()) or not page.startswith(f"</{tag.group(1)}>", tag.end() + len(content)):
            return False
    return True


def page_differences(page: str, version) -> tuple[list[str], str]:
    """(what differs from the sealed version, the page's title as normalised)."""
    if served_as_sealed(page, version):
        return [], normalise_text(version.title)
    parts = sealed_parts(page)
    problems = []
    title = parts["title"][0] if len(parts["title"]) == 1 else ""
    body = parts["body"][0] if len(parts["body"]) == 1 else ""
    if len(parts["title"]) != 1 or len(parts["body"]) != 1:
        problems.append(
            _("The page shows %(titles)s sealed titles and %(bodies)s sealed bodies instead of one of each.")
            % {"titles": len(parts["title"]), "bodies": len(parts["body"])}
        )
    else:
        if title != normalise_text(version.title):
            problems.append(_("The title on the page differs from the sealed version: “%(title)s”.") % {"title": title[:100]})
        if body != normalise_html(version.body):
            problems.append(_("The text on the page differs from the sealed version %(number)s.") % {"number": version.number})
    return problems, title


# --- The check -------------------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    text: str = ""
    error: str = ""


def connections(fetchers: int) -> urllib3.PoolManager:
    """Kept-alive connections for one run, one per fetcher: behind nginx a page then costs no new
    TCP and TLS handshake. Certificates are verified."""
    return urllib3.PoolManager(maxsize=fetchers, block=True, headers=HEADERS, retries=RETRIES)


def fetch(url: str, timeout: float = 30, pool: urllib3.PoolManager | None = None) -> Fetched:
    """GET a page as a visitor does, over ``pool``'s kept-alive connections when given."""
    if not url.startswith(("http://", "https://")):
        return Fetched(0, error="only http and https URLs are read")
    pool = pool or connections(1)
    try:
        response = pool.request("GET", url, timeout=timeout)
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as e:
        return Fetched(0, error=str(getattr(e, "reason", None) or e))
    if response.status >= 400:
        return Fetched(response.status, error=f"HTTP {response.status} {response.reason or ''}".strip())
    return Fetched(response.status, response.data.decode("utf-8", "replace"))


@dataclass
class Report:
    checked: int = 0
    offline: list = field(default_factory=list)  # (article, problems)
    unreachable: list = field(default_factory=list)  # (article, status, error)
    withheld: list = field(default_factory=list)  # (showcase project or public agreement, problems)

    @property
    def ok(self) -> bool:
        return not self.offline and not self.unreachable and not self.withheld


def check_article(article, page: Fetched, scanner) -> list[str]:
    """What is wrong with one published article and its page; [] when all is well.

    An unreachable page is not the article's fault and is reported apart (the caller checks
    ``page.status`` first).
    """
    versions = list(article.versions.all())
    if not versions:
        return [_("The article is published but has no sealed version.")]
    broken = broken_version(article.uuid, versions)
    if broken is not None:
        return [_("The seal of version %(number)s does not verify: the stored version was changed.") % {"number": broken}]
    problems, title = page_differences(page.text, versions[-1])
    if problems:
        return problems
    # The page matches the seal; scan what the public reads with today's term list.
    screening = article.screen(scanner, title=title, body=versions[-1].body)
    if screening.needs_attention:
        problems.extend(screening.messages())
    return problems


def verify_published(base_url: str | None = None, *, workers: int = 4, batch_size: int = 200, log=None) -> Report:
    """Check every published article's page against its seal; take offline what fails. Then rescan
    the other public pages (gongjian/news/public_pages.py) and report those the lists now withhold.

    Pages are fetched ``workers`` at a time, a batch at once; the database work (comparing,
    scanning, taking offline) happens between batches in this thread.
    """
    from . import public_pages
    from .models import Article
    from .safety.detect import Scanner

    base = (base_url or settings.SITE_URL).rstrip("/")
    scanner = Scanner.from_db()
    report = Report()
    last_pk = 0

    def check(batch, pages):
        for article, page in zip(batch, pages, strict=True):
            report.checked += 1
            if page.status != 200:
                report.unreachable.append((article, page.status, page.error))
                if log:
                    log(f"unreachable {article.uuid} ({page.status} {page.error}): {article.title}")
                continue
            problems = check_article(article, page, scanner)
            if problems and article.take_offline(None, comment="\n".join(problems), problems=problems):
                report.offline.append((article, problems))
                if log:
                    log(f"offline {article.uuid}: {article.title}: {' '.join(problems)}")

    # One worker fetches in this thread (no pool), which also suits a test server sharing this
    # connection. With a pool, the next batch is fetched while this one is checked.
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    http = connections(max(workers, 1))
    fetching = None
    try:
        while True:
            batch = list(Article.objects.for_verification().filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if batch:
                last_pk = batch[-1].pk
                urls = [base + article.get_public_url() for article in batch]
                pages = [pool.submit(fetch, url, pool=http) for url in urls] if pool else [fetch(url, pool=http) for url in urls]
            if fetching is not None:
                check(fetching[0], [future.result() for future in fetching[1]])
                fetching = None
            if not batch:
                break
            if pool:
                fetching = (batch, pages)
            else:
                check(batch, pages)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
        http.clear()
    report.withheld = public_pages.withheld(scanner)
    public_pages.report_withheld(report.withheld)
    for obj, problems in report.withheld:
        if log:
            log(f"withheld {obj._meta.label_lower} {obj.uuid}: {obj}: {' '.join(problems)}")
    return report


__all__ = [
    "Report",
    "broken_version",
    "compute_seal",
    "content_digest",
    "normalise_html",
    "sealed_parts",
    "seal_fields",
    "verify_published",
]
