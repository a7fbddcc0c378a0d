"""The content-safety scan (SECURITY.md item 13): everything the public can see is scanned.

A public page defaced with "77779193永利官网" stayed live for months. The scan normalises a
text first, keeping where every character came from, then looks for:

- advertising terms (gambling, pornography, fraud) from the admin-maintained term list;
- SEO injections: a run of five or more digits followed by a casino brand or by 官网, 娱乐,
  平台 and the like, and a brand followed by such a word ("永利官网");
- in HTML, content hidden by CSS (display:none, font-size:0, off-screen positioning, …);
- links to domains that are not on the alliance's allowlist.

Findings inside an allowed phrase (永利路, 金沙滩社区, 澳门大学) are dropped. Each finding
carries its span in the *original* input, so a page can point at it.

Normalisation maps the text to a string of (nearly always) the same length with
``str.translate``: NFKC (full-width → half-width), lower case, traditional → simplified
(OpenCC's character table), invisible characters (zero-width, soft hyphen, marks) to one
marker, symbols and non-ASCII punctuation to another, and clause punctuation (。，、“”…),
line breaks and block-level tags to a third that no match may cross. Terms are compiled
into one regular expression (a trie) that skips the first two kinds of marker and ASCII
spaces and punctuation between their characters, so "永 利 官 网", "永-利.官网" and
"永\\u200b利" match, while "丰富多彩，金山" does not produce 彩金.
"""

import functools
import html
import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

OK, REVIEW, BLOCK = "ok", "review", "block"
_RANK = {OK: 0, REVIEW: 1, BLOCK: 2}


@dataclass(frozen=True)
class Finding:
    start: int  # offsets in the original input
    end: int
    excerpt: str
    reason: str
    rule: str  # term, brand, seo_number, hidden_css, external_link, script_link
    tier: str = BLOCK

    def message(self) -> str:
        """The Chinese message that points at the span."""
        return _("“%(excerpt)s” (characters %(start)d–%(end)d): %(reason)s") % {
            "excerpt": self.excerpt,
            "start": self.start + 1,
            "end": self.end,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Verdict:
    verdict: str  # ok, review or block
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def of(cls, findings: list[Finding]) -> "Verdict":
        verdict = max((f.tier for f in findings), key=_RANK.__getitem__, default=OK)
        return cls(verdict, sorted(findings, key=lambda f: (f.start, f.end)))

    @property
    def ok(self) -> bool:
        return self.verdict == OK

    @property
    def blocked(self) -> bool:
        return self.verdict == BLOCK

    def reasons(self) -> list[str]:
        """Each distinct reason once, in the order of the text."""
        return list(dict.fromkeys(f.reason for f in self.findings))


# --- Normalisation ------------------------------------------------------------

INVISIBLE, SOFT, HARD = "\x01", "\x02", "\x03"
# Clause punctuation, quotes, brackets and line breaks end a match: "丰富多彩，金秋" is no 彩金.
HARD_BREAKS = frozenset(
    "\n\r\x0b\x0c\x85\u2028\u2029。｡，、；：！？…‥「」『』《》〈〉【】〔〕〖〗（）“”‘’"
    "\uff02\uff07\uff08\uff09\uff0c\uff1a\uff1b\uff01\uff1f\uff1c\uff1e\uff3b\uff3d\uff5b\uff5d"
)
ZERO_WIDTH = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)
# ASCII characters a term may be split by ("永-利.官网"); ASCII , ; : ! ? quotes and brackets end it.
ASCII_SOFT = " .-_/\\*|~^+=#@$%`&"
# Possessive: a separator is never part of a term, so giving some back cannot help a match.
_SEP = "[" + re.escape(INVISIBLE + SOFT + ASCII_SOFT) + "]*+"
_STRIP_RE = re.compile("[" + re.escape(INVISIBLE + SOFT + HARD + ASCII_SOFT) + ",;:!?'\"()\\[\\]{}<>]+")
# Code points whose normal form differs often enough to matter; the rest of the SMP is left alone.
_RANGES = ((0x0000, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1FB00), (0x20000, 0x2FA20), (0xE0000, 0xE01F0))
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20))


@functools.cache
def _traditional_to_simplified() -> dict[str, str]:
    """OpenCC's character-level table (Apache-2.0), read once per process: 繁 → 简, one character each."""
    import opencc

    chars = [chr(cp) for lo, hi in _CJK_RANGES for cp in range(lo, hi)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


@functools.cache
def char_table() -> dict[int, str]:
    """The ``str.translate`` table of the normaliser; static Unicode data, built once per process."""
    t2s = _traditional_to_simplified()
    table = {}
    for lo, hi in _RANGES:
        for cp in range(lo, hi):
            c = chr(cp)
            category = unicodedata.category(c)
            if c in (INVISIBLE, SOFT, HARD):
                continue  # the markers themselves (raw ones in the input are made invisible first)
            if c in HARD_BREAKS:
                value = HARD
            elif c == "\t":
                value = " "
            elif c in ZERO_WIDTH or category in ("Cc", "Cf", "Mn", "Me"):
                value = INVISIBLE
            elif category in ("Co", "Cn", "Cs"):
                continue
            else:
                value = "".join(t2s.get(x, x) for x in unicodedata.normalize("NFKC", c).lower())
                if value.isspace():
                    value = " "
                elif not any(x.isalnum() for x in value) and not (len(value) == 1 and value.isascii()):
                    # ★ ● · — and the like: a term may be split by them.
                    value = SOFT if category[0] in "PSZ" else value
            if value != c:
                table[cp] = value
    return table


@functools.cache
def _expanding_re() -> re.Pattern:
    """The characters whose normal form is longer than one character (㈠ → (一), ﬁ → fi)."""
    chars = "".join(chr(cp) for cp, value in char_table().items() if len(value) != 1)
    return re.compile("[" + re.escape(chars) + "]")


class OffsetMap:
    """Where each character of a derived string came from in its source.

    Segments are (new_start, new_length, old_start, old_length); inside a segment of equal
    lengths characters map one to one, a replaced chunk (an entity, ㈠) maps to its whole source.
    """

    def __init__(self):
        self.new_starts: list[int] = []
        self.segments: list[tuple[int, int, int, int]] = []

    def add(self, new_start, new_length, old_start, old_length):
        if self.segments:
            ns, nl, os, ol = self.segments[-1]
            if nl == ol and new_length == old_length and ns + nl == new_start and os + ol == old_start:
                self.segments[-1] = (ns, nl + new_length, os, ol + old_length)
                return
        self.new_starts.append(new_start)
        self.segments.append((new_start, new_length, old_start, old_length))

    def _segment(self, i):
        return self.segments[max(bisect_right(self.new_starts, i) - 1, 0)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        ns, nl, os, ol = self._segment(start)
        old_start = os + (start - ns) if nl == ol else os
        ns, nl, os, ol = self._segment(max(end - 1, start))
        old_end = os + (end - 1 - ns) + 1 if nl == ol else os + ol
        return old_start, max(old_end, old_start)


def _assemble(text: str, pieces: list[tuple[int, int, str]]) -> tuple[str, OffsetMap | None]:
    """``text`` with the sorted, disjoint ``pieces`` (start, end, replacement) put in."""
    if not pieces:
        return text, None
    parts, offsets, position, new = [], OffsetMap(), 0, 0
    for start, end, replacement in pieces:
        if start > position:
            parts.append(text[position:start])
            offsets.add(new, start - position, position, start - position)
            new += start - position
        parts.append(replacement)
        offsets.add(new, len(replacement), start, end - start)
        new += len(replacement)
        position = end
    if position < len(text):
        parts.append(text[position:])
        offsets.add(new, len(text) - position, position, len(text) - position)
    else:
        offsets.add(new, 0, position, 0)
    return "".join(parts), offsets


_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,7};?|[A-Za-z][A-Za-z0-9]{0,31};?)")


def _entity_pieces(text: str, start: int, end: int, pieces: list) -> None:
    if text.find("&", start, end) < 0:
        return
    for m in _ENTITY_RE.finditer(text, start, end):
        replacement = html.unescape(m.group())
        if replacement != m.group():
            pieces.append((m.start(), m.end(), replacement))


_LIST_TABLE_END = 0x20000
_BEYOND_LIST_TABLE_RE = re.compile(f"[{chr(_LIST_TABLE_END)}-\U0010ffff]")


@functools.cache
def _list_table() -> list:
    """char_table() as a list below U+20000: ``str.translate`` indexes a list twice as fast as
    it looks up a dict (characters past its end raise IndexError and stay as they are)."""
    table: list = list(range(_LIST_TABLE_END))
    for cp, value in char_table().items():
        if cp < _LIST_TABLE_END:
            table[cp] = value
    return table


def _translate(text: str) -> tuple[str, OffsetMap | None]:
    table = char_table() if _BEYOND_LIST_TABLE_RE.search(text) else _list_table()
    normal = text.translate(table)
    if len(normal) == len(text):
        return normal, None
    # Rare: a character became several (㈠ → (一)); map the others one to one around it.
    pieces = [(m.start(), m.end(), m.group().translate(char_table())) for m in _expanding_re().finditer(text)]
    return normal, _assemble(text, pieces)[1]


@dataclass
class Normalised:
    """The normalised text and the way back to the input's offsets."""

    text: str
    source: str
    maps: tuple[OffsetMap | None, ...]
    document: "Document | None" = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        for offsets in reversed(self.maps):
            if offsets is not None:
                start, end = offsets.span(start, end)
        return start, end


def normalise(text: str, *, html: bool = False) -> Normalised:
    """Entities, then (for HTML) tags as separators, then NFKC, case, 繁→简 and separators."""
    source = text
    if SOFT in text or HARD in text:
        text = text.translate({ord(SOFT): INVISIBLE, ord(HARD): INVISIBLE})  # same length: offsets hold
    document = parse_html(text) if html else None
    pieces = document.pieces if document else []
    if not html:
        _entity_pieces(text, 0, len(text), pieces)
    unescaped, entity_map = _assemble(text, pieces)
    normal, translate_map = _translate(unescaped)
    return Normalised(normal, source, (entity_map, translate_map), document)


def normalise_term(term: str) -> str:
    """A term, phrase or key as the matcher sees it: normalised, separators and punctuation removed."""
    return _STRIP_RE.sub("", normalise(term).text)


# --- HTML ---------------------------------------------------------------------

_TAG_RE = re.compile(
    r"<!--.*?(?:-->|\Z)|<![^>]*>?|<\?[^>]*>?|</?([a-zA-Z][^\s/>\x00]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>?",
    re.S,
)
_ATTR_RE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes".split())
# Inline tags join what is around them ("永<b>利</b>官网" reads 永利官网); the rest break a match.
INLINE = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i img ins kbd label mark q s samp small span strike strong sub sup time tt u var wbr".split()
)
TEXT_ATTRIBUTES = frozenset(("alt", "title", "content"))
LINK_ATTRIBUTES = frozenset(("href", "src", "action", "data", "poster", "formaction", "background"))


@dataclass
class Tag:
    name: str
    start: int
    end: int
    closing: bool
    attrs: dict[str, tuple[str, int, int]]  # name → (unescaped value, start, end in the source)
    extent_end: int = -1  # where the element closes (start tags)


@dataclass
class Document:
    tags: list[Tag]
    pieces: list[tuple[int, int, str]]
    css: list[str]


def parse_html(text: str) -> Document:
    """Tags with source offsets, and the pieces that turn markup into separators.

    A tokeniser rather than lxml: the findings must point at offsets in the input, which a
    tree does not keep. It follows the browser where it matters here: raw-text elements,
    quoted attributes, entities in attribute values and unclosed elements.
    """
    tags, pieces, css = [], [], []
    position = 0
    while True:
        m = _TAG_RE.search(text, position)
        if m is None:
            _entity_pieces(text, position, len(text), pieces)
            break
        _entity_pieces(text, position, m.start(), pieces)
        position = m.end()
        name = (m.group(1) or "").lower()
        closing = m.group().startswith("</")
        attrs = {}
        if name and not closing:
            base = m.start(2)
            for a in _ATTR_RE.finditer(m.group(2)):
                key = a.group(1).lower()
                if key in attrs:
                    continue
                group = next((g for g in (2, 3, 4) if a.group(g) is not None), None)
                if group is None:
                    attrs[key] = ("", base + a.end(), base + a.end())
                else:
                    attrs[key] = (html.unescape(a.group(group)), base + a.start(group), base + a.end(group))
        marker = INVISIBLE if name in INLINE else HARD
        tag_pieces = [(m.start(), m.end(), marker * (m.end() - m.start()))]
        for key in TEXT_ATTRIBUTES & attrs.keys():
            value, vstart, vend = attrs[key]
            if vend > vstart:
                # alt and title text is read by people and search engines: scanned in place.
                tag_pieces = _cut(tag_pieces, vstart, vend)
                _entity_pieces(text, vstart, vend, tag_pieces)
        pieces.extend(sorted(tag_pieces))
        if name:
            tags.append(Tag(name, m.start(), m.end(), closing, attrs))
        if name in RAW_TEXT and not closing:
            close = re.compile(r"</" + name + r"[\s/>]", re.I).search(text, position)
            content_end = close.start() if close else len(text)
            if name == "style":
                css.append(text[position:content_end])
                pieces.append((position, content_end, HARD * (content_end - position)))
            elif name in ("iframe", "noembed", "noframes"):
                pieces.append((position, content_end, HARD * (content_end - position)))
            else:
                _entity_pieces(text, position, content_end, pieces)
            position = content_end
    _close_elements(tags, len(text))
    pieces.sort()
    return Document(tags, pieces, css)


def _cut(pieces, start, end):
    """Keep [start, end) of the source out of the marker pieces."""
    out = []
    for s, e, replacement in pieces:
        if e <= start or s >= end:
            out.append((s, e, replacement))
            continue
        if s < start:
            out.append((s, start, replacement[: start - s]))
        if e > end:
            out.append((end, e, replacement[end - s :]))
    return out


def _close_elements(tags: list[Tag], length: int) -> None:
    """Set each start tag's ``extent_end``: its end tag, or where an outer element closes."""
    stack: list[Tag] = []
    for tag in tags:
        if not tag.closing:
            if tag.name in VOID:
                tag.extent_end = tag.end
            else:
                stack.append(tag)
            continue
        names = [t.name for t in stack]
        if tag.name in names:
            while stack:
                open_tag = stack.pop()
                open_tag.extent_end = tag.end if open_tag.name == tag.name else tag.start
                if open_tag.name == tag.name:
                    break
    for open_tag in stack:
        open_tag.extent_end = length


_CSS_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_ESCAPE_RE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
_CSS_NUMBER_RE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))([a-z%]*)$")
OFFSCREEN_PROPERTIES = ("left", "top", "right", "bottom", "margin-left", "margin-top", "text-indent")


def _css_declarations(style: str) -> dict[str, str]:
    style = _CSS_COMMENT_RE.sub("", style)
    style = _CSS_ESCAPE_RE.sub(
        lambda m: chr(int(m.group(1), 16)) if m.group(1) and int(m.group(1), 16) < 0x110000 else (m.group(2) or ""), style
    )
    declarations = {}
    for part in style.split(";"):
        name, _colon, value = part.partition(":")
        value = re.sub(r"\s+", "", value.lower()).replace("!important", "")
        if name.strip():
            declarations[name.strip().lower()] = value
    return declarations


def _length(value: str) -> tuple[float, str] | None:
    m = _CSS_NUMBER_RE.match(value)
    return (float(m.group(1)), m.group(2)) if m else None


def hiding_style(style: str) -> str:
    """The declaration that hides an element, or ''."""
    d = _css_declarations(style)
    if d.get("display") == "none":
        return "display:none"
    if d.get("visibility") in ("hidden", "collapse"):
        return "visibility:" + d["visibility"]
    size = _length(d.get("font-size", ""))
    if size and (size[0] <= 0 or (size[1] in ("px", "pt") and size[0] <= 1) or (size[1] in ("em", "rem") and size[0] <= 0.1)):
        return "font-size:" + d["font-size"]
    opacity = _length(d.get("opacity", ""))
    if opacity and opacity[0] <= (5 if opacity[1] == "%" else 0.05):
        return "opacity:" + d["opacity"]
    for name in OFFSCREEN_PROPERTIES:
        length = _length(d.get(name, ""))
        if length and length[0] <= (-50 if length[1] in ("em", "rem") else -500):
            return f"{name}:{d[name]}"
    if d.get("color") == "transparent":
        return "color:transparent"
    transform = d.get("transform", "")
    if "scale(0)" in transform or "scale(0," in transform or re.search(r"translate[xy]?\(-\d{4,}", transform):
        return "transform:" + transform
    if d.get("overflow", d.get("overflow-y", d.get("overflow-x"))) in ("hidden", "clip"):
        for name in ("height", "max-height", "width", "max-width"):
            length = _length(d.get(name, ""))
            if length and length[0] <= 0:
                return f"{name}:{d[name]};overflow:hidden"
    if "rect(0" in d.get("clip", "") and d.get("position") in ("absolute", "fixed"):
        return "clip:" + d["clip"]
    return ""


_CSS_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_AT_BLOCK_RE = re.compile(r"@[^{;]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}|@[^{;]*;")


def _hidden_selectors(css_texts: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Classes and ids a style sheet hides at the top level ({class: style}, {id: style})."""
    classes, ids = {}, {}
    for css in css_texts:
        css = _CSS_AT_BLOCK_RE.sub("", _CSS_COMMENT_RE.sub("", css))
        for selectors, body in _CSS_RULE_RE.findall(css):
            style = hiding_style(body)
            if not style:
                continue
            for selector in selectors.split(","):
                last = re.split(r"[\s>+~]+", selector.strip())[-1]
                for kind, name in re.findall(r"([.#])([\w-]+)", last):
                    (classes if kind == "." else ids)[name.lower()] = style
    return classes, ids


# --- Matching -----------------------------------------------------------------

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


def _trie_pattern(words: Iterable[str], separator: str = _SEP) -> str:
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
        self.brand_re = re.compile(rf"(?P<b>{brands}){_SEP}(?P<s>{suffixes})") if self.brands else None
        # After a run of digits: a brand (and maybe a suffix), or one of the number suffixes.
        self.after_number_re = re.compile(
            rf"{INVISIBLE}*+(?:(?P<b>{brands})(?:{_SEP}(?P<s>{suffixes}))?|(?P<x>{_trie_pattern(NUMBER_SUFFIXES)}))"
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
                rule = self.terms[_STRIP_RE.sub("", m.group())]
                candidates.append((*m.span(), *m.span(), _category_reason(rule.category, rule.term), "term", rule.tier))
        if self.brand_re is not None:
            for m in self.brand_re.finditer(text):
                rule = self.brands[_STRIP_RE.sub("", m.group("b"))]
                reason = _category_reason(rule.category, rule.term + _STRIP_RE.sub("", m.group("s")))
                candidates.append((*m.span(), *m.span("b"), reason, "brand", rule.tier))
        for number in _DIGITS_RE.finditer(text):
            m = self.after_number_re.match(text, number.end())
            if m is None:
                continue
            word = _STRIP_RE.sub("", m.group("b") or m.group("x")) + _STRIP_RE.sub("", m.group("s") or "")
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
        hidden_classes, hidden_ids = _hidden_selectors(normal.document.css)
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
            elif _text_between(source, tag.end, end):
                reason = _("Hidden text: content hidden by CSS (%(style)s)") % {"style": style}
                findings.append(Finding(tag.start, end, _excerpt(source, tag.start, end), reason, "hidden_css", REVIEW))
            else:
                continue
            hidden_until = end
        return findings + link_findings


def _text_between(source: str, start: int, end: int) -> bool:
    """Is there text between two offsets of the source, markup aside?"""
    return bool(html.unescape(_TAG_RE.sub("", source[start:end])).strip())


# --- Entry points ---------------------------------------------------------------

_HTML_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|/[a-zA-Z][a-zA-Z0-9]*\s*)>|<!--")


def looks_like_html(text: str) -> bool:
    """A tag or a comment: the text is scanned as HTML (its markup can hide things)."""
    return bool(text) and "<" in text and bool(_HTML_RE.search(text))


def scan(text: str, *, html: bool = False) -> Verdict:
    """Scan one text with the lists as they are now. For many texts build a Scanner once."""
    return Scanner.from_db().scan(text, html=html)


def scan_many(texts: Iterable[str], *, html: bool | None = False) -> list[Verdict]:
    return Scanner.from_db().scan_many(texts, html=html)


def is_publishable(*texts: str, scanner: Scanner | None = None) -> Verdict:
    """One verdict for texts shown together on a public page; markup is recognised per text.

    Finding offsets are those of the text they were found in.
    """
    scanner = scanner or Scanner.from_db()
    findings = [f for verdict in scanner.scan_many(texts, html=None) for f in verdict.findings]
    return Verdict.of(findings)


def validate_publishable(obj, field_names: Iterable[str], scanner: Scanner | None = None) -> None:
    """Refuse what the scan blocks, with a message on each field that points at the span."""
    scanner = scanner or Scanner.from_db()
    errors = {}
    for name in field_names:
        value = getattr(obj, name, "") or ""
        verdict = scanner.scan(value, html=looks_like_html(value))
        if verdict.blocked:
            messages = [
                _("The content-safety scan refused this text: %(finding)s") % {"finding": f.message()}
                for f in verdict.findings
                if f.tier == BLOCK
            ]
            errors[name] = ValidationError(messages, code="content_safety")
    if errors:
        raise ValidationError(errors)


def refuse_if_blocked(obj, *texts: str, scanner: Scanner | None = None) -> None:
    """For public views: a stored text that now scans as ``block`` (changed behind the
    application, or the list grew) is not served. 404 for the visitor, a line for operators."""
    verdict = is_publishable(*texts, scanner=scanner)
    if verdict.blocked:
        rules = sorted({f.rule for f in verdict.findings if f.tier == BLOCK})
        logger.warning("content safety: %s %s withheld from the public (%s)", obj._meta.label_lower, obj.pk, ", ".join(rules))
        raise Http404
