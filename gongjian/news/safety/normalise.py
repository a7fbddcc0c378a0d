"""Normalisation: one pass from the input to the text the matcher reads, and the way back."""

from dataclasses import dataclass

from .chars import HARD, INVISIBLE, SOFT, STRIP_RE, translate
from .markup import Document, parse_html
from .offsets import OffsetMap, assemble, entity_pieces


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
        entity_pieces(text, 0, len(text), pieces)
    unescaped, entity_map = assemble(text, pieces)
    normal, translate_map = translate(unescaped)
    return Normalised(normal, source, (entity_map, translate_map), document)


def normalise_term(term: str) -> str:
    """A term, phrase or key as the matcher sees it: normalised, separators and punctuation removed."""
    return STRIP_RE.sub("", normalise(term).text)
