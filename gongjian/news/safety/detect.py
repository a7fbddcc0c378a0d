"""The matcher: terms, brands, SEO numbers and links in the normalised text, hidden content in HTML."""

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from .chars import INVISIBLE, SEP, STRIP_RE
from .markup import LINK_ATTRIBUTES, hidden_selectors, hiding_style, looks_like_html, text_between
from .normalise import Normalised, normalise, normalise_term
from .verdicts import BLOCK, REVIEW, Finding, Verdict

# What turns a brand into an advertisement: "永利官网", "金沙娱乐", "银河平台注册".
BRAND_SUFFIXES = (
    "官网", "官方", "网址", "网站", "娱乐", "平台", "注册", "开户", "登录", "登陆", "下载", "app", "体育", "彩票",
    "赌场", "真人", "网投", "备用", "手机版", "网页版", "线路", "客户端", "充值", "投注", "棋牌",
)  # fmt: skip
# A number alone followed by one of these is an SEO injection too ("8888娱乐城").
NUMBER_SUFFIXES = {
    "官网": BLOCK,
    "官方网站": BLOCK,
    "网址": BLOCK,
    "娱乐": BLOCK,
    "娱乐城": BLOCK,
    "娱乐场": BLOCK,
    "棋牌": BLOCK,
    "平台": REVIEW,
}
MIN_DIGITS = 5
COMMON_TLDS = frozenset(
    "com net org cn cc top vip xyz info biz me tv io co app site online club shop win bet casino live fun pro asia hk mo tw "
    "ltd work wang red ink love kim ren xin icu cyou buzz bid loan men date link click pw ws la us uk jp kr ru de in au ca "
    "poker games game porn sex xxx adult".split()
)
_DIGITS_RE = re.compile(rf"[0-9]{{{MIN_DIGITS},}}+")
# Where a link may be: a run of URL characters with a dot and a letter, found from where it starts.
_URL_TOKEN_RE = re.compile(r"[a-z0-9/](?<![a-z0-9\-:/@.][a-z0-9/])[a-z0-9\-:/@]*+(?:\.[a-z0-9\-:/@]*+)++")
_URL_RE = re.compile(
    r"((?:https?|ftp)://|//)?(www\.)?((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}|xn--[a-z0-9\-]{1,59}))(?![a-z0-9\-]|\.[a-z0-9])"
)


def _trie_pattern(words: Iterable[str], separator: str = SEP) -> str:
    """One regular expression for many words, as a trie so each position tries one branch."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        branches = [re.escape(ch) + (separator + emit(child) if any(k for k in child) else "") for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root) or "(?!)"


@dataclass(frozen=True)
class Rule:
    term: str
    tier: str
    category: str


def _category_reason(category: str, term: str) -> str:
    reasons = {
        "gambling": _("Gambling advertising (“%(term)s”)"),
        "porn": _("Pornographic advertising (“%(term)s”)"),
        "fraud": _("Fraud advertising (“%(term)s”)"),
    }
    return reasons.get(category, _("Banned term (“%(term)s”)")) % {"term": term}


def _excerpt(text: str, start: int, end: int, limit: int = 60) -> str:
    excerpt = text[start:end]
    return excerpt if len(excerpt) <= limit else excerpt[: limit - 1] + "…"


class Scanner:
    """The compiled lists: build once per batch (a request, a command run), scan many texts."""

    def __init__(self, terms: Iterable[tuple[str, str, str, str]] = (), phrases: Iterable[str] = (), domains: Iterable[str] = ()):
        self.terms: dict[str, Rule] = {}
        self.brands: dict[str, Rule] = {}
        for term, kind, tier, category in terms:
            key = normalise_term(term)
            if len(key) >= 2:
                (self.brands if kind == "brand" else self.terms)[key] = Rule(key, tier, category)
        self.phrases = {key for key in map(normalise_term, phrases) if len(key) >= 2}
        self.domains = {d.strip().lower().strip(".") for d in domains if d.strip()}
        # Separate passes, each a trie that starts with a plain character set: the regular
        # expression engine skips to candidate characters in C, where one combined pattern
        # with alternatives of different shapes ran five times slower.
        brands = _trie_pattern(self.brands)
        suffixes = _trie_pattern(normalise_term(s) for s in BRAND_SUFFIXES)
        self.term_re = re.compile(_trie_pattern(self.terms)) if self.terms else None
        self.brand_re = re.compile(rf"(?P<b>{brands}){SEP}(?P<s>{suffixes})") if self.brands else None
        # After a run of digits: a brand (and maybe a suffix), or one of the number suffixes.
        self.after_number_re = re.compile(
            rf"{INVISIBLE}*+(?:(?P<b>{brands})(?:{SEP}(?P<s>{suffixes}))?|(?P<x>{_trie_pattern(NUMBER_SUFFIXES)}))"
        )
        self.allowed = re.compile(_trie_pattern(self.phrases)) if self.phrases else None
        self.longest_phrase = max(map(len, self.phrases), default=0)

    @classmethod
    def from_db(cls, extra_domains: Iterable[str] = ()) -> "Scanner":
        """The active lists, read now (three queries); the site's own hosts count as allowed."""
        from django.conf import settings

        from gongjian.news.models import AllowedDomain, AllowedPhrase, SafetyTerm

        own_hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")]
        return cls(
            SafetyTerm.objects.filter(is_active=True).values_list("term", "kind", "tier", "category"),
            AllowedPhrase.objects.values_list("phrase", flat=True),
            [*AllowedDomain.objects.values_list("domain", flat=True), *own_hosts, *extra_domains],
        )

    # -- the scan --

    def scan(self, text: str, *, html: bool = False) -> Verdict:
        text = text or ""
        normal = normalise(text, html=html)
        findings = self._terms(normal) + self._urls(normal)
        if normal.document is not None:
            findings += self._html(normal, findings)
        return Verdict.of(findings)

    def scan_many(self, texts: Iterable[str], *, html: bool | None = False) -> list[Verdict]:
        """``html=None`` decides per text (see looks_like_html)."""
        return [self.scan(t, html=looks_like_html(t) if html is None else html) for t in texts]

    def _finding(self, normal: Normalised, start, end, reason, rule, tier) -> Finding:
        start, end = normal.span(start, end)
        return Finding(start, end, _excerpt(normal.source, start, end), reason, rule, tier)

    def _is_allowed(self, normal: Normalised, core_start: int, core_end: int) -> bool:
        if self.allowed is None:
            return False
        # The allowed phrase may be spread by separators: look a generous window around the core.
        window = 4 * self.longest_phrase + 16
        for m in self.allowed.finditer(normal.text, max(core_start - window, 0), min(core_end + window, len(normal.text))):
            if m.start() <= core_start and core_end <= m.end():
                return True
            if m.start() > core_start:
                break
        return False

    def _terms(self, normal: Normalised) -> list[Finding]:
        text = normal.text
        # (start, end, core start, core end, reason, rule, tier); the core is what the allowlist must cover.
        candidates = []
        if self.term_re is not None:
            for m in self.term_re.finditer(text):
                rule = self.terms[STRIP_RE.sub("", m.group())]
                candidates.append((*m.span(), *m.span(), _category_reason(rule.category, rule.term), "term", rule.tier))
        if self.brand_re is not None:
            for m in self.brand_re.finditer(text):
                rule = self.brands[STRIP_RE.sub("", m.group("b"))]
                reason = _category_reason(rule.category, rule.term + STRIP_RE.sub("", m.group("s")))
                candidates.append((*m.span(), *m.span("b"), reason, "brand", rule.tier))
        for number in _DIGITS_RE.finditer(text):
            m = self.after_number_re.match(text, number.end())
            if m is None:
                continue
            word = STRIP_RE.sub("", m.group("b") or m.group("x")) + STRIP_RE.sub("", m.group("s") or "")
            core = m.span("b") if m.group("b") else (number.start(), m.end())
            reason = _("SEO injection: a number followed by “%(term)s”") % {"term": word}
            candidates.append((number.start(), m.end(), *core, reason, "seo_number", BLOCK if m.group("b") else NUMBER_SUFFIXES[word]))
        findings, covered_until = [], -1
        # "77779193永利官网" is one finding, not also "永利官网": drop a match inside a longer one.
        for start, end, core_start, core_end, reason, rule, tier in sorted(candidates, key=lambda c: (c[0], -c[1])):
            if end <= covered_until or self._is_allowed(normal, core_start, core_end):
                continue
            covered_until = max(covered_until, end)
            findings.append(self._finding(normal, start, end, reason, rule, tier))
        return findings

    def domain_allowed(self, host: str) -> bool:
        host = host.lower().strip(".")
        parts = host.split(".")
        return any(".".join(parts[i:]) in self.domains for i in range(len(parts)))

    def _urls(self, normal: Normalised) -> list[Finding]:
        text = normal.text
        findings = []
        for token in _URL_TOKEN_RE.finditer(text):
            m = _URL_RE.match(text, token.start(), token.end())
            if m is None:
                continue
            scheme, www, host, tld = m.groups()
            if not (scheme or www or tld in COMMON_TLDS) or self.domain_allowed(host):
                continue
            reason = _("Link to a domain that is not on the allowlist: %(domain)s") % {"domain": host}
            findings.append(self._finding(normal, m.start(), m.end(), reason, "external_link", REVIEW))
        return findings

    def _link_finding(self, url: str, start: int, end: int, source: str) -> Finding | None:
        url = re.sub(r"[\x00-\x20\x7f]+", "", url)
        lowered = url.lower()
        if lowered.startswith(("javascript:", "vbscript:", "data:text/html")):
            reason = _("Script link: %(url)s") % {"url": _excerpt(url, 0, len(url), 40)}
            return Finding(start, end, _excerpt(source, start, end), reason, "script_link", BLOCK)
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if not host or self.domain_allowed(host):
            return None
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
        if self.domain_allowed(host):
            return None
        reason = _("Link to a domain that is not on the allowlist: %(domain)s") % {"domain": host}
        return Finding(start, end, _excerpt(source, start, end), reason, "external_link", REVIEW)

    def _html(self, normal: Normalised, text_findings: list[Finding]) -> list[Finding]:
        source, tags = normal.source, normal.document.tags
        findings, hidden_until = [], -1
        hidden_classes, hidden_ids = hidden_selectors(normal.document.css)
        link_findings = []
        for tag in tags:
            if tag.closing:
                continue
            for name in LINK_ATTRIBUTES & tag.attrs.keys():
                value, start, end = tag.attrs[name]
                finding = self._link_finding(value, start, end, source)
                if finding:
                    link_findings.append(finding)
            refresh = tag.attrs.get("http-equiv", ("",))[0].lower() == "refresh" and tag.attrs.get("content")
            if refresh:
                value, start, end = refresh
                url = value.partition("=")[2].strip(" '\"") if "=" in value else ""
                finding = self._link_finding(url, start, end, source) if url else None
                if finding:
                    link_findings.append(finding)
        link_findings.sort(key=lambda f: f.start)
        starts = [f.start for f in link_findings]
        for tag in tags:
            if tag.closing or tag.start < hidden_until:
                continue
            style = hiding_style(tag.attrs["style"][0]) if "style" in tag.attrs else ""
            if not style and "hidden" in tag.attrs:
                style = "hidden"
            if not style:
                classes = tag.attrs.get("class", ("",))[0].lower().split()
                style = next((hidden_classes[c] for c in classes if c in hidden_classes), "")
                style = style or hidden_ids.get(tag.attrs.get("id", ("",))[0].lower(), "")
            if not style or tag.name in ("head", "script", "style", "template", "meta", "link", "title", "noscript", "input"):
                continue
            end = tag.extent_end
            inside = [f for f in link_findings[bisect_right(starts, tag.start - 1) :] if f.start < end]
            inside += [f for f in text_findings if tag.start <= f.start < end]
            if inside:
                reason = _("Hidden link: content hidden by CSS (%(style)s) carries a link or a banned term") % {"style": style}
                findings.append(Finding(tag.start, end, _excerpt(source, tag.start, end), reason, "hidden_css", BLOCK))
            elif text_between(source, tag.end, end):
                reason = _("Hidden text: content hidden by CSS (%(style)s)") % {"style": style}
                findings.append(Finding(tag.start, end, _excerpt(source, tag.start, end), reason, "hidden_css", REVIEW))
            else:
                continue
            hidden_until = end
        return findings + link_findings
