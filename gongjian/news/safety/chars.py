"""The normaliser's character table: NFKC, lower case, 繁→简, and the three markers."""

import functools
import re
import unicodedata

from .offsets import OffsetMap, assemble

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
SEP = "[" + re.escape(INVISIBLE + SOFT + ASCII_SOFT) + "]*+"
STRIP_RE = re.compile("[" + re.escape(INVISIBLE + SOFT + HARD + ASCII_SOFT) + ",;:!?'\"()\\[\\]{}<>]+")
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


def translate(text: str) -> tuple[str, OffsetMap | None]:
    table = char_table() if _BEYOND_LIST_TABLE_RE.search(text) else _list_table()
    normal = text.translate(table)
    if len(normal) == len(text):
        return normal, None
    # Rare: a character became several (㈠ → (一)); map the others one to one around it.
    pieces = [(m.start(), m.end(), m.group().translate(char_table())) for m in _expanding_re().finditer(text)]
    return normal, assemble(text, pieces)[1]
