"""Fixtures of the content-safety tests: the seeded lists, and a scanner built from them."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

CORPUS = Path(__file__).parent / "data" / "safety_corpus.tsv"
_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")


@pytest.fixture
def seeded(db):
    """The default lists of migration 0001. Seeded again because transactional tests flush them."""
    import_module("gongjian.news.migrations.0001_safety_terms").seed(apps, None)


@pytest.fixture
def scanner(seeded):
    from gongjian.news.safety.detect import Scanner

    return Scanner.from_db()


def corpus_lines() -> list[tuple[int, str, str]]:
    """(line number, expected verdict, text) of the corpus; \\uXXXX stands for that character."""
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, text = line.split("\t", 1)
        rows.append((number, expected, _ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)))
    return rows
