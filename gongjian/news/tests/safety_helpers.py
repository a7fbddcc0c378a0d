"""The content-safety corpus, read for the tests (the fixtures are in conftest.py)."""

import re
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "safety_corpus.tsv"
_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")


def corpus_lines() -> list[tuple[int, str, str]]:
    """(line number, expected verdict, text) of the corpus; \\uXXXX stands for that character."""
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, text = line.split("\t", 1)
        rows.append((number, expected, _ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)))
    return rows
