"""Matching (精准化对接): ranked resources for each need and ranked needs for each resource.

    suggestions_for_need(need, limit=10) -> [Suggestion(score, target, reasons, matched_terms)]
    suggestions_for_resource(resource, limit=10)

The score adds BM25 text relevance (jieba-compatible segmentation with the domain dictionary,
gongjian/lib/text.py) to category, region proximity, sector complementarity, spare capacity and
past cooperation (factors.py). engine.py holds the tantivy index, store.py keeps it current,
evaluation.py measures it on tests/data/matching_eval.json and benchmarks/matching.py times it.
"""

from .ranking import Suggestion, suggest, suggestions_for_need, suggestions_for_resource

__all__ = ["Suggestion", "suggest", "suggestions_for_need", "suggestions_for_resource"]
