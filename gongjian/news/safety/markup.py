"""HTML as the scan reads it: tags with their source offsets, and what CSS hides."""

import html
import re
from dataclasses import dataclass

from .chars import HARD, INVISIBLE
from .offsets import entity_pieces

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
            entity_pieces(text, position, len(text), pieces)
            break
        entity_pieces(text, position, m.start(), pieces)
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
                entity_pieces(text, vstart, vend, tag_pieces)
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
                entity_pieces(text, position, content_end, pieces)
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


def hidden_selectors(css_texts: list[str]) -> tuple[dict[str, str], dict[str, str]]:
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


def text_between(source: str, start: int, end: int) -> bool:
    """Is there text between two offsets of the source, markup aside?"""
    return bool(html.unescape(_TAG_RE.sub("", source[start:end])).strip())


_HTML_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|/[a-zA-Z][a-zA-Z0-9]*\s*)>|<!--")


def looks_like_html(text: str) -> bool:
    """A tag or a comment: the text is scanned as HTML (its markup can hide things)."""
    return bool(text) and "<" in text and bool(_HTML_RE.search(text))
