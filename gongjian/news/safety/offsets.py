"""Offsets through a rewrite: where each character of a derived string came from, and the
pieces (HTML entities, expanded characters) that a rewrite replaces."""

import html
import re
from bisect import bisect_right


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


def assemble(text: str, pieces: list[tuple[int, int, str]]) -> tuple[str, OffsetMap | None]:
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


def entity_pieces(text: str, start: int, end: int, pieces: list) -> None:
    if text.find("&", start, end) < 0:
        return
    for m in _ENTITY_RE.finditer(text, start, end):
        replacement = html.unescape(m.group())
        if replacement != m.group():
            pieces.append((m.start(), m.end(), replacement))
