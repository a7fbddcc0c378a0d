"""Synonyms (同义词) asked for at query time, at a lower weight than the literal words.

Two sources: the domain thesaurus shipped in synonyms.txt beside this module, and the groups
alliance admins add in the UI (exchange.SynonymGroup, read with the rest of the asking side in
asking.py at each suggestion). A group is a set of words people use for the
same thing (残疾人 / 残障人士, 未成年人 / 青少年). When the asker's text contains one word of a group,
the query also asks for the index terms of the group's other words, each at SYNONYM_WEIGHT.

Why at query time: the index stays the documents' own words, so a group added in the UI takes effect
on the next suggestion without re-indexing, and a literal match still outranks a synonym.
"""

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from gongjian.lib.text import normalize, tokenize

THESAURUS = Path(__file__).with_name("synonyms.txt")
SYNONYM_WEIGHT = 0.5


def parse(lines: Iterable[str]) -> list[tuple[str, ...]]:
    """Groups of two or more distinct words, normalized; blank lines and # comments skipped."""
    groups = []
    for line in lines:
        line = line.split("#", 1)[0]
        words = tuple(dict.fromkeys(normalize(word) for word in line.split()))
        if len(words) >= 2:
            groups.append(words)
    return groups


@cache
def thesaurus() -> tuple[tuple[str, ...], ...]:
    """The shipped thesaurus: a file of the release, read once per process (not database rows)."""
    return tuple(parse(THESAURUS.read_text(encoding="utf-8").splitlines()))


def expand(text: str, terms: Iterable[str], groups: Iterable[tuple[str, ...]], weight: float = SYNONYM_WEIGHT) -> dict[str, float]:
    """Index terms of the synonyms of words in text, not already among terms, with their weight."""
    text = normalize(text)
    have = set(terms)
    found: dict[str, float] = {}
    for group in groups:
        if not any(word in text for word in group):
            continue
        for word in group:
            if word in text:
                continue
            for term in tokenize(word):
                if term not in have:
                    found[term] = weight
    return found
