"""Matching (精准化对接): ranked resources for each need and ranked needs for each resource.

    suggestions_for_need(need, limit=10) -> [Suggestion(score, target, reasons, matched_terms)]
    suggestions_for_resource(resource, limit=10)

The score adds text relevance (BM25 over every word, a character-bigram field and synonyms;
engine.py, synonyms.py) to category (related categories count half), service area and region
proximity, direction (an offer of what is sought; two seekers never match), sector
complementarity, spare capacity and past cooperation (factors.py). engine.py holds the tantivy
index, store.py keeps it current, asking.py reads the asking side in one query, feedback.py turns
users' verdicts into an evaluation set, evaluation.py measures it on tests/data/matching_real.json
(hand-graded) and tests/data/matching_eval.json (generated), and benchmarks/matching.py times it.
"""

from .ranking import Suggestion, suggest, suggestions_for_need, suggestions_for_resource

__all__ = ["Suggestion", "suggest", "suggestions_for_need", "suggestions_for_resource"]
