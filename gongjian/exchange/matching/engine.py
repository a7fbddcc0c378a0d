"""The match index: BM25 text retrieval in tantivy, then a vectorised re-rank with the other factors.

Why tantivy and not bm25s: benchmarks/matching.py measures both on the same corpus and queries.
At 1,000,000 documents bm25s scores every document for every query (p50 9 ms with the selected
terms, 17 ms with all), tantivy's block-max WAND visits only promising postings (1.6 ms / 8 ms);
tantivy also builds 4× faster with a fifth of the peak memory (237 vs 1238 MB), its index is 38 MB
on disk against 201 MB in RAM, and every process maps the same files.

A query is a need's (or resource's) own text, 20–40 terms long, and keeps every term: BM25's idf
already weighs 社区 or 党员 (in half of all documents) near nothing. Dropping all but the rarest
terms (as Lucene's MoreLikeThis does) lost the words that define a need, 设计, 改造, 培训: on the
real set (tests/data/matching_real.json) NDCG@10 0.818 with the 12 rarest terms, 0.836 with every
term. It costs time at scale: tantivy's pruning barely helps with short documents that share common
words (top 10 and top 1000 cost the same), so a 1M-document query follows its terms' postings
(benchmarks/matching.py: 9.3 ms p50 end of ranking at 1M, 2.2 ms at 100k).

Three parts of the text score, in one query (a weighted sum; reciprocal-rank fusion of separate
word and bigram searches is kept as fusion="rrf": equal on the real set's dev half, worse on the
generated set, two searches; benchmarks/matching.py measures both):
  - the words (jieba segmentation with the domain dictionary, the item's own place names left out),
    each once (title words count twice in the documents);
  - the same words' synonyms from the thesaurus (synonyms.py), at SYNONYM_WEIGHT of a literal word;
  - character bigrams in a field of their own, at GRAM_WEIGHT, so a word inside a longer compound
    still matches (托班 in 暑托班); a bigram that is a common query word is left to the word field.

Candidates come from two top-k searches:
  1. the best text matches;
  2. one filtered search, scored by the rarest words: items of the same or a related category whose
     service area covers the asker's place (for a need) or that lie in the asker's service area (for
     a resource), or items of organizations the asker has worked with, so a nearby offer of the right
     kind is considered even when other documents share more words.
Documents that share nothing are never candidates. Their non-text fields are read from tantivy fast
fields and scored with numpy (factors.py); two seekers of the same thing are dropped there.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tantivy

from gongjian.lib.text import normalize, tokenize

from .factors import DEFAULT_WEIGHTS, LEVELS, Candidates, Probe, Weights, combine, factors

INT_FIELDS = ("pk", "cat", "r1", "r2", "r3", "r4", "sector", "cap", "org", "unit", "area", "alevel", "seeks", "offers")
# Every term by default; the MoreLikeThis-style selection stays as an option for the benchmark's comparison.
MAX_TERMS = 10_000
MIN_TERMS = 3
MAX_DF = 1.0
TEXT_K = 100
BUCKET_K = 50
PARTNER_K = 50
GRAM_WEIGHT = 0.3  # the bigram field beside the word field
FUSIONS = ("sum", "rrf", "words")
RRF_K = 60
GRAMS_SKIP_WORDS = True
GRAM_SKIP_DF = 0.02
BUCKET_TERMS = 12
OWN_MARGIN = 10  # extra hits asked for, as the asker's own items are removed after the search


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
    grams: list[str] | None = None
    area_level: int = 0  # level (1 city … 4 community) of the region a resource serves; 0: not said
    seeks: int = 0
    offers: int = 0

    def as_document(self) -> tantivy.Document:
        r1, r2, r3, r4 = (tuple(self.regions) + (0, 0, 0, 0))[:LEVELS]
        level = self.area_level
        return tantivy.Document(
            pk=self.pk,
            body=" ".join(self.terms),
            grams=" ".join(self.grams or ()),
            area=self.regions[level - 1] if level else 0,
            alevel=level,
            seeks=self.seeks,
            offers=self.offers,
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
    builder.add_text_field("grams", tokenizer_name="whitespace", index_option="freq")
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
        """The query's terms that occur in the index, rarest first; with max_terms/max_df, only the most selective."""
        seen = {}
        for term in terms:
            if term not in seen:
                seen[term] = searcher.doc_freq("body", term)
        present = sorted((term for term, df in seen.items() if df > 0), key=lambda term: seen[term])
        if max_df >= 1.0 and max_terms >= len(present):
            return present
        limit = max_df * searcher.num_docs
        selective = [term for term in present if seen[term] <= limit]
        # A query made only of common words still needs a few of them.
        return (selective if len(selective) >= MIN_TERMS else present[:MIN_TERMS])[:max_terms]

    def _clauses(self, probe: Probe, terms: list[str], fusion: str, searcher=None) -> list:
        """Should-clauses of the text score: the words, their synonyms, and (summed) the bigrams."""

        def weighted(field, term, weight):
            query = tantivy.Query.term_query(self.schema, field, term)
            return (tantivy.Occur.Should, query if weight == 1 else tantivy.Query.boost_query(query, float(weight)))

        # Each word once: weighting words by their count in the asker's text lost 0.014 NDCG@10 on the real set's dev half.
        clauses = [weighted("body", term, 1) for term in terms]
        clauses += [weighted("body", term, weight) for term, weight in probe.synonyms.items() if term not in set(probe.terms)]
        if fusion == "sum" and probe.grams:
            # Each distinct bigram once, like the words (counting them lost 0.008 on the dev half).
            # Only words the word field knows: a bigram that is no indexed word (托班, inside 暑托班) is always asked for.
            asked = set(terms) if GRAMS_SKIP_WORDS else ()
            limit = GRAM_SKIP_DF * searcher.num_docs if searcher is not None else 0
            clauses += [
                weighted("grams", gram, GRAM_WEIGHT)
                for gram in dict.fromkeys(probe.grams)
                if gram not in asked or (limit and searcher.doc_freq("grams", gram) <= limit)
            ]
        return clauses

    def _query(self, clauses, *must) -> tantivy.Query:
        # Filters score nothing: the text alone orders documents inside a bucket. The asker's own items are
        # dropped after the search (OWN_MARGIN): a MustNot clause kept tantivy off its block-max WAND path, +60% time.
        clauses = clauses + [(tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)) for query in must]
        return tantivy.Query.boolean_query(clauses)

    def _any_of(self, field_values) -> tantivy.Query:
        # One term query per value: 10× faster here than a TermSetQuery, which scans the field.
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, value)) for field, value in field_values]
        )

    def _nearby(self, probe: Probe):
        """Documents whose place and the asker's meet: the offer's service area covers the need, or the need lies in it."""
        if probe.area_level:  # a resource asking for needs: needs inside its service area
            area = probe.regions[probe.area_level - 1]
            return tantivy.Query.term_query(self.schema, f"r{probe.area_level}", area) if area else None
        places = [("area", region) for region in probe.regions if region]
        # Offers that do not say their service area: those in the asker's street (or district), as before areas existed.
        near = next(((f"r{depth + 1}", probe.regions[depth]) for depth in (2, 1) if probe.regions[depth]), None)
        return self._any_of(places + [near] if near else places) if places else None

    def candidates(
        self, probe: Probe, text_k: int = TEXT_K, max_terms: int = MAX_TERMS, max_df: float = MAX_DF, fusion: str = "sum"
    ) -> tuple[Candidates, list[str]]:
        searcher = self.index.searcher()
        terms = self.select_terms(searcher, probe.terms, max_terms, max_df)
        clauses = self._clauses(probe, terms, fusion, searcher)
        found: dict[tuple[int, int], tuple[float, object]] = {}

        def search(query, k):
            # A filtered search also returns documents that only pass the filters (score 0): they share no content.
            return [(score, address) for score, address in searcher.search(query, k + OWN_MARGIN, count=False).hits if score > 0]

        # The filtered searches score by the rarest words alone (BUCKET_TERMS; terms come rarest first).
        words = self._clauses(probe, terms[:BUCKET_TERMS], "words")
        lists = [search(self._query(clauses), text_k)] if clauses else []
        if fusion == "rrf" and probe.grams:
            grams = [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "grams", g)) for g in dict.fromkeys(probe.grams)]
            lists.append(search(self._query(grams), text_k))
        # One filtered search for both structural sources: the same kind nearby, or a partner's. Two
        # searches cost a third more at 1M documents.
        nearby = self._nearby(probe)
        sources, k = [], 0
        if probe.category and nearby is not None:
            kinds = self._any_of(("cat", category) for category in (probe.category, *sorted(probe.related)))
            sources.append(tantivy.Query.boolean_query([(tantivy.Occur.Must, kinds), (tantivy.Occur.Must, nearby)]))
            k += BUCKET_K
        if probe.partners:
            sources.append(self._any_of((field, partner) for partner in sorted(probe.partners) for field in ("org", "unit")))
            k += PARTNER_K
        extra = []
        if words and sources:
            either = sources[0] if len(sources) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in sources])
            extra.append(search(self._query(words, either), k))
        found: dict[tuple[int, int], tuple[float, object]] = {}
        if fusion == "rrf":
            # Reciprocal-rank fusion of the word and bigram searches; a document only a filtered search found
            # ranks after the whole text list (its rank there plus text_k).
            fused: dict[tuple[int, int], list] = {}
            for hits in lists:
                for rank, (_score, address) in enumerate(hits):
                    fused.setdefault((address.segment_ord, address.doc), [0.0, address])[0] += 1.0 / (RRF_K + rank)
            for hits in extra:
                for rank, (_score, address) in enumerate(hits):
                    fused.setdefault((address.segment_ord, address.doc), [1.0 / (RRF_K + text_k + rank), address])
            found = {key: (score, address) for key, (score, address) in fused.items()}
        else:
            for hits in lists + extra:
                for score, address in hits:
                    found.setdefault((address.segment_ord, address.doc), (score, address))
        cands = self._read(searcher, found)
        return (cands.without(cands.org == probe.org) if probe.org else cands), terms

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
            area=column("area"),
            area_level=column("alevel"),
            seeks=column("seeks"),
            offers=column("offers"),
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
        fusion: str = "sum",
    ) -> list[Ranked]:
        """The best ``limit`` documents for ``probe`` by the combined score; kind is what this index holds."""
        cands, _terms = self.candidates(probe, text_k, max_terms, max_df, fusion)
        if not len(cands):
            return []
        parts = factors(probe, cands, kind)
        if weights.direction:
            # Two seekers of the same thing do not match, however alike their words (a hiring post for a need for workers).
            clash = parts["direction"] < 0
            if clash.any():
                cands, parts = cands.without(clash), {name: values[~clash] for name, values in parts.items()}
                if not len(cands):
                    return []
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


def deepest_level(regions) -> int:
    """Level (1 city … 4 community) of the deepest region set in a slot tuple, 0 if none."""
    return max((depth + 1 for depth, region in enumerate(regions) if region), default=0)


_NOT_TEXT = re.compile(r"[\W_]+")


def char_grams(text: str) -> list[str]:
    """Character bigrams of each run of letters, digits and Han characters (with repeats: frequency counts)."""
    grams = []
    for run in _NOT_TEXT.split(normalize(text)):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def document_grams(title: str, description: str, places: Iterable[str] = ()) -> list[str]:
    """Bigram terms of a need or resource, its own place names left out; the title counts twice, as for words."""
    title_grams = char_grams(without_places(title, places))
    return title_grams + title_grams + char_grams(without_places(description, places))


def document_terms(title: str, description: str, places: Iterable[str] = ()) -> list[str]:
    """Index terms of a need or resource; the title counts twice, as it names what is asked or offered.

    places are the names of the item's own regions (place_names): they are left out of the text, as the
    region factor already scores where an item is, and 宜川路街道 in two texts made them look alike.
    """
    title_terms = tokenize(without_places(title, places))
    return title_terms + title_terms + tokenize(without_places(description, places))


PLACE_SUFFIX = re.compile(r"(街道|居民区|居委会|社区|新区|镇|乡|村|区|县|市|州)$")


def place_names(names: Iterable[str]) -> tuple[str, ...]:
    """Region names and their stems without the suffix (宜川路街道, 宜川路), longest first."""
    found = set()
    for name in names:
        name = normalize(name or "").strip()
        stem = PLACE_SUFFIX.sub("", name)
        found.update(word for word in (name, stem) if len(word) >= 2)
    return tuple(sorted(found, key=lambda word: (-len(word), word)))


def without_places(text: str, places: Iterable[str]) -> str:
    text = normalize(text)
    for place in places:
        text = text.replace(place, " ")
    return text


def leading_number(text: str) -> int:
    """The first whole number in a scale such as "25 个采样亭" (0 if none)."""
    match = re.search(r"\d+", text or "")
    return int(match.group()) if match else 0
