"""The match index: BM25 text retrieval in tantivy, then a vectorised re-rank with the other factors.

Why tantivy and not bm25s: benchmarks/matching.py measures both on the same corpus and queries.
At 1,000,000 documents bm25s scores every document for every query (p50 9 ms with the selected
terms, 17 ms with all), tantivy's block-max WAND visits only promising postings (1.6 ms / 8 ms);
tantivy also builds 4× faster with a fifth of the peak memory (237 vs 1238 MB), its index is 38 MB
on disk against 201 MB in RAM, and every process maps the same files.

A query is a need's (or resource's) own text, 20–40 terms long. Like Lucene's MoreLikeThis we keep
its most selective terms: at most MAX_TERMS, none in more than MAX_DF of the documents, so that
社区 or 党员, which half of all documents contain, do not make every query visit half the index
(on the evaluation set this costs nothing: NDCG@10 0.6505 with the selection, 0.6494 with every term).

Candidates come from three top-k searches, all scored by the same BM25 query:
  1. the best text matches;
  2. the best text matches of the same category in the asker's street (or district), so a nearby
     offer of the right kind is considered even when other documents share more words;
  3. the best text matches among organizations the asker has worked with.
Their non-text fields are read from tantivy fast fields and scored with numpy (factors.py).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tantivy

from gongjian.lib.text import tokenize

from .factors import DEFAULT_WEIGHTS, LEVELS, Candidates, Probe, Weights, combine, factors

INT_FIELDS = ("pk", "cat", "r1", "r2", "r3", "r4", "sector", "cap", "org", "unit")
MAX_TERMS = 12
MIN_TERMS = 3
MAX_DF = 0.1
TEXT_K = 200
BUCKET_K = 50
PARTNER_K = 50


@dataclass
class Doc:
    """One indexed need or resource."""

    pk: int
    terms: list[str]
    category: int = 0
    regions: tuple[int, ...] = (0, 0, 0, 0)
    sector: int = 0
    capacity: int = 0
    org: int = 0
    unit: int = 0

    def as_document(self) -> tantivy.Document:
        r1, r2, r3, r4 = (tuple(self.regions) + (0, 0, 0, 0))[:LEVELS]
        return tantivy.Document(
            pk=self.pk,
            body=" ".join(self.terms),
            cat=self.category,
            r1=r1,
            r2=r2,
            r3=r3,
            r4=r4,
            sector=self.sector,
            cap=self.capacity,
            org=self.org,
            unit=self.unit,
        )


@dataclass
class Ranked:
    """One ranked document: its primary key, total score, the value of each factor and the terms it matched."""

    pk: int
    score: float
    parts: dict[str, float]
    sector: int
    text_score: float


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    # Terms come pre-segmented by gongjian.lib.text, space-separated; positions are not needed for BM25.
    builder.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    for name in INT_FIELDS:
        builder.add_integer_field(name, indexed=True, fast=True)
    return builder.build()


class MatchIndex:
    """A tantivy index of needs or resources, in a directory (shared by processes) or in memory."""

    def __init__(self, path: Path | None = None, create: bool = False):
        self.path = path
        self.schema = schema()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            self.index = tantivy.Index(self.schema, path=str(path), reuse=not create)
        else:
            self.index = tantivy.Index(self.schema)

    # -- writing ---------------------------------------------------------------
    def write(self, docs: Iterable[Doc] = (), delete: Iterable[int] = (), heap: int = 64_000_000, threads: int = 1) -> int:
        """Delete documents by primary key, add docs (delete first to update), commit; returns the number added."""
        writer = self.index.writer(heap, threads)
        for pk in delete:
            writer.delete_documents_by_term("pk", int(pk))
        added = 0
        for doc in docs:
            writer.add_document(doc.as_document())
            added += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return added

    def reload(self):
        self.index.reload()

    @property
    def num_docs(self) -> int:
        return self.index.searcher().num_docs

    def contains(self, pk: int) -> bool:
        query = tantivy.Query.term_query(self.schema, "pk", int(pk))
        return bool(self.index.searcher().search(query, 1, count=False).hits)

    # -- querying --------------------------------------------------------------
    def select_terms(self, searcher, terms: Iterable[str], max_terms: int = MAX_TERMS, max_df: float = MAX_DF) -> list[str]:
        """The query's most selective terms that occur in the index, leaving out those in more than max_df of it."""
        seen = {}
        for term in terms:
            if term not in seen:
                seen[term] = searcher.doc_freq("body", term)
        present = sorted((term for term, df in seen.items() if df > 0), key=lambda term: seen[term])
        limit = max_df * searcher.num_docs
        selective = [term for term in present if seen[term] <= limit]
        # A query made only of common words still needs a few of them.
        return (selective if len(selective) >= MIN_TERMS else present[:MIN_TERMS])[:max_terms]

    def _text_query(self, terms, exclude_org: int, *must) -> tantivy.Query:
        clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "body", term)) for term in terms]
        # Filters score nothing: BM25 alone orders documents inside a bucket.
        clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)) for query in must]
        if exclude_org:
            clauses.append((tantivy.Occur.MustNot, tantivy.Query.term_query(self.schema, "org", exclude_org)))
        return tantivy.Query.boolean_query(clauses)

    def candidates(
        self, probe: Probe, text_k: int = TEXT_K, max_terms: int = MAX_TERMS, max_df: float = MAX_DF
    ) -> tuple[Candidates, list[str]]:
        searcher = self.index.searcher()
        terms = self.select_terms(searcher, probe.terms, max_terms, max_df)
        found: dict[tuple[int, int], tuple[float, object]] = {}

        def collect(query, k):
            for score, address in searcher.search(query, k, count=False).hits:
                found.setdefault((address.segment_ord, address.doc), (score, address))

        if terms:
            collect(self._text_query(terms, probe.org), text_k)
        bucket = next(((f"r{depth + 1}", probe.regions[depth]) for depth in (2, 1) if probe.regions[depth]), None)
        if probe.category and bucket:
            same_category = tantivy.Query.term_query(self.schema, "cat", probe.category)
            nearby = tantivy.Query.term_query(self.schema, bucket[0], bucket[1])
            collect(self._text_query(terms, probe.org, same_category, nearby), BUCKET_K)
        if probe.partners:
            # One term query per partner: 10× faster here than a TermSetQuery, which scans the field.
            worked_with = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, partner))
                    for partner in sorted(probe.partners)
                    for field in ("org", "unit")
                ]
            )
            collect(self._text_query(terms, probe.org, worked_with), PARTNER_K)
        return self._read(searcher, found), terms

    def _read(self, searcher, found) -> Candidates:
        addresses = [address for _, address in found.values()]
        text = np.fromiter((score for score, _ in found.values()), dtype=np.float32, count=len(found))

        def column(name):
            values = searcher.fast_field_values(name, addresses) if addresses else []
            return np.array([v or 0 for v in values], dtype=np.int64)

        regions = np.stack([column(f"r{depth + 1}") for depth in range(LEVELS)], axis=1) if addresses else np.zeros((0, LEVELS), np.int64)
        return Candidates(
            pk=column("pk"),
            text=text,
            category=column("cat"),
            regions=regions,
            sector=column("sector"),
            capacity=column("cap"),
            org=column("org"),
            unit=column("unit"),
        )

    def rank(
        self,
        probe: Probe,
        kind: str,
        limit: int = 10,
        weights: Weights = DEFAULT_WEIGHTS,
        text_k: int = TEXT_K,
        max_terms: int = MAX_TERMS,
        max_df: float = MAX_DF,
    ) -> list[Ranked]:
        """The best ``limit`` documents for ``probe`` by the combined score; kind is what this index holds."""
        cands, _terms = self.candidates(probe, text_k, max_terms, max_df)
        if not len(cands):
            return []
        parts = factors(probe, cands, kind)
        total = combine(parts, weights)
        if limit < len(total):
            top = np.argpartition(-total, limit)[:limit]
        else:
            top = np.arange(len(total))
        # Ties (equal scores) fall back to the primary key so results are stable.
        top = top[np.lexsort((cands.pk[top], -total[top]))]
        return [
            Ranked(
                pk=int(cands.pk[i]),
                score=float(total[i]),
                parts={name: float(values[i]) for name, values in parts.items()},
                sector=int(cands.sector[i]),
                text_score=float(cands.text[i]),
            )
            for i in top
        ]


def document_terms(title: str, description: str) -> list[str]:
    """Index terms of a need or resource; the title counts twice, as it names what is asked or offered."""
    title_terms = tokenize(title)
    return title_terms + title_terms + tokenize(description)


def leading_number(text: str) -> int:
    """The first whole number in a scale such as "25 个采样亭" (0 if none)."""
    match = re.search(r"\d+", text or "")
    return int(match.group()) if match else 0
